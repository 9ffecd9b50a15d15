package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
)

// The devices of a resource that is up cannot change until it is taken
// down: start records what drbdadm sh-dev said, stop forgets it, and a
// monitor in between reads the record instead of forking drbdadm again.
// The record lives in the state directory (tmpfs), so a reboot, after
// which everything is down, clears it; it is keyed by the DRBD resource,
// not by the clone instance, whose number may differ.

func devicesRecord(name string) string {
	return filepath.Join(ocf.StateDir(), "drbd-"+name+".devices")
}

func (r *resource) recordedDevices() []string {
	b, err := os.ReadFile(devicesRecord(r.name))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

func (r *resource) recordDevices() {
	if len(r.devices) == 0 {
		return
	}
	if err := os.MkdirAll(ocf.StateDir(), 0o755); err == nil {
		err = ocf.WriteState(devicesRecord(r.name), []byte(strings.Join(r.devices, "\n")+"\n"), 0o644)
	}
}

func (r *resource) forgetDevices() { os.Remove(devicesRecord(r.name)) }
