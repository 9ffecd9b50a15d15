package main

import (
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

// readState returns the state, or nil when there is none or it is about
// another address (an edited resource).
func (r *resource) readState() *state {
	s, ok := r.state.Read()
	if !ok {
		return nil
	}
	if s.IP != r.ip.String() || s.VnicID == "" || s.NIC == "" {
		r.e.Log.Warnf("state file %s is not about %s: ignored", r.state.Path, r.ip)
		return nil
	}
	return &s
}

func (r *resource) writeState(t target) error {
	if err := r.state.Write(state{IP: r.ip.String(), target: t, Instance: r.instance}); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "state file %s: %v", r.state.Path, err)
	}
	return nil
}

func (r *resource) removeState() {
	if err := r.state.Remove(); err != nil {
		r.e.Log.Warnf("removing state file %s: %v", r.state.Path, err)
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
