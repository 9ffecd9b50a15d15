package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"

	"github.com/ocfkit/ocfkit/ocf"
)

// state is kept in the state directory (tmpfs: it does not survive a
// reboot). Started is the record that the last start of this resource
// succeeded on this node: without it the resource is not running here,
// wherever the IP is, and with it a monitor that cannot reach anything
// reports degraded rather than not running.
type state struct {
	FloatingIP string `json:"floating_ip"`
	DropletID  int    `json:"droplet_id"`
	Started    bool   `json:"started"`
}

func (r *resource) statePath() (string, error) {
	p, err := r.e.StatePath("")
	if err != nil {
		return "", ocf.Errorf(ocf.ErrGeneric, "state directory: %v", err)
	}
	return p, nil
}

// readState returns the state, zero when there is none (or it is unusable:
// it is only a cache and a record, and is rewritten by the next start).
func (r *resource) readState() state {
	p, err := r.statePath()
	if err != nil {
		return state{}
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.e.Log.Warnf("state file %s: %v", p, err)
		}
		return state{}
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil || s.FloatingIP != r.ip {
		r.e.Log.Warnf("state file %s is not about %s: ignored", p, r.ip)
		return state{}
	}
	return s
}

func (r *resource) writeState(s state) error {
	p, err := r.statePath()
	if err != nil {
		return err
	}
	s.FloatingIP = r.ip
	b, _ := json.Marshal(s)
	if err := ocf.WriteState(p, b, 0o644); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "writing state file %s: %v", p, err)
	}
	return nil
}

func (r *resource) removeState() error {
	p, err := r.statePath()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ocf.Errorf(ocf.ErrGeneric, "removing state file %s: %v", p, err)
	}
	return nil
}
