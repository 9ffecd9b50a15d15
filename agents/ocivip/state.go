package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/oci"
)

// state is what start learnt and leaves for monitor and stop (in the state
// directory, tmpfs: it does not survive a reboot). Its existence records
// that the last start on this node succeeded.
type state struct {
	IP string `json:"ip"`
	target
	// Instance is /instance/ as start read it when neither region nor
	// api_endpoint is set: the region and realm give the API and auth
	// endpoints without a metadata request per monitor. An instance never
	// changes region.
	Instance *oci.Instance `json:"instance,omitempty"`
}

// useState takes from s what this invocation would otherwise ask the
// metadata service for.
func (r *resource) useState(s *state) {
	if s != nil && s.Instance != nil && r.instance == nil {
		r.instance = s.Instance
	}
}

func (r *resource) statePath() (string, error) {
	p, err := r.e.StatePath("")
	if err != nil {
		return "", ocf.Errorf(ocf.ErrGeneric, "state directory: %v", err)
	}
	return p, nil
}

// readState returns the state, or nil when there is none or it is about
// another address (an edited resource).
func (r *resource) readState() *state {
	p, err := r.statePath()
	if err != nil {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.e.Log.Warnf("state file %s: %v", p, err)
		}
		return nil
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil || s.IP != r.ip.String() || s.VnicID == "" || s.NIC == "" {
		r.e.Log.Warnf("state file %s is not about %s: ignored", p, r.ip)
		return nil
	}
	return &s
}

func (r *resource) writeState(t target) error {
	p, err := r.statePath()
	if err != nil {
		return err
	}
	b, _ := json.Marshal(state{IP: r.ip.String(), target: t, Instance: r.instance})
	if err := ocf.WriteState(p, b, 0o644); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "state file %s: %v", p, err)
	}
	return nil
}

func (r *resource) removeState() {
	if p, err := r.statePath(); err == nil {
		os.Remove(p)
	}
}

// The subnet of a VNIC never changes, and IMDS does not give its OCID: it
// is cached per VNIC, shared by every resource on the node, so that a start
// needs GetVnic only the first time.
func subnetCachePath(vnicID string) string {
	return filepath.Join(ocf.StateDir(), "ocivip-subnet."+filepath.Base(vnicID))
}

func cachedSubnet(vnicID string) string {
	b, err := os.ReadFile(subnetCachePath(vnicID))
	if err != nil {
		return ""
	}
	return string(b)
}

func cacheSubnet(vnicID, subnetID string) {
	ocf.WriteState(subnetCachePath(vnicID), []byte(subnetID), 0o644)
}
