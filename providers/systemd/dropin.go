// Package systemd writes the runtime drop-ins the anchors write through
// systemd_drop_in (ocf-shellfuncs) so that systemd orders the cluster's
// shutdown: resource-agents-deps.target, which pacemaker.service is
// ordered after, gets After=remote-fs.target for a network filesystem,
// so that at shutdown Pacemaker stops (and unmounts) before the network
// goes.
package systemd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// RunDir is where systemd reads runtime units; it exists only while
// systemd is the init system (sd_booted tests the same directory).
const RunDir = "/run/systemd/system"

// DepsTarget is the target Pacemaker's unit is ordered after.
const DepsTarget = "resource-agents-deps.target"

// DropIn is one runtime drop-in of DepsTarget.
type DropIn struct {
	// Dir is the systemd runtime directory, RunDir when empty (tests
	// point it at a temporary directory).
	Dir string
	// Name is the file's name without .conf (99-Filesystem-remote).
	Name string
	// Key and Value are the one [Unit] setting (After, remote-fs.target).
	Key, Value string
	// Reload runs systemctl daemon-reload; nil runs it through
	// systemctl on PATH.
	Reload func(ctx context.Context) error
}

func (d DropIn) dir() string {
	if d.Dir == "" {
		return RunDir
	}
	return d.Dir
}

// Running reports whether systemd runs (its runtime directory exists).
func (d DropIn) Running() bool {
	st, err := os.Stat(d.dir())
	return err == nil && st.IsDir()
}

// Path is the drop-in's file.
func (d DropIn) Path() string {
	return filepath.Join(d.dir(), DepsTarget+".d", d.Name+".conf")
}

// Ensure writes the drop-in when systemd runs and the file does not
// already say the same, then has systemd reload its units, as the newest
// anchor does. It reports whether it wrote. Where systemd does not run it
// does nothing.
func (d DropIn) Ensure(ctx context.Context) (bool, error) {
	if !d.Running() {
		return false, nil
	}
	want := []byte(fmt.Sprintf("[Unit]\n%s=%s\n", d.Key, d.Value))
	if have, err := os.ReadFile(d.Path()); err == nil && bytes.Equal(have, want) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(d.Path()), 0o755); err != nil {
		return false, err
	}
	// Written whole then renamed: systemd never reads half a file, and a
	// link planted at the final name is replaced, not followed.
	tmp, err := os.CreateTemp(filepath.Dir(d.Path()), "."+d.Name+".*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(want); err != nil {
		tmp.Close()
		return false, err
	}
	// Readable by all: systemd complains otherwise (the anchor's chmod o+r).
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Rename(tmp.Name(), d.Path()); err != nil {
		return false, err
	}
	reload := d.Reload
	if reload == nil {
		reload = daemonReload
	}
	if err := reload(ctx); err != nil {
		return true, fmt.Errorf("wrote %s but systemctl daemon-reload failed: %w", d.Path(), err)
	}
	return true, nil
}

func daemonReload(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "systemctl", "daemon-reload").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
