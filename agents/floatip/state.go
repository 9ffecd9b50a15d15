package main

import "github.com/ocfkit/ocfkit/ocf"

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

// readState returns the state, zero when there is none (or it is about
// another address: an edited resource).
func (r *resource) readState() state {
	s, ok := r.state.Read()
	if ok && s.FloatingIP != r.ip {
		r.e.Log.Warnf("state file %s is not about %s: ignored", r.state.Path, r.ip)
		return state{}
	}
	return s
}

func (r *resource) writeState(s state) error {
	s.FloatingIP = r.ip
	if err := r.state.Write(s); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "writing state file %s: %v", r.state.Path, err)
	}
	return nil
}

// removeState forgets that the resource ran here. A state file that
// cannot be removed is logged, not a failed stop: the IP itself was dealt
// with, and a failed stop gets the node fenced.
func (r *resource) removeState() error {
	if err := r.state.Remove(); err != nil {
		r.e.Log.Warnf("removing state file %s: %v", r.state.Path, err)
	}
	return nil
}
