package main

import (
	"context"
	"os"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
	"github.com/ocfkit/ocfkit/providers/systemd"
)

// systemdDirEnv points the drop-in at another systemd runtime directory
// than /run/systemd/system: the tests' hook, as every path the agents
// write to is configurable.
const systemdDirEnv = "OCFKIT_SYSTEMD_RUNDIR"

// remoteFSDropIn orders Pacemaker after remote-fs.target for a network
// filesystem (and a forced clone of a local one), as the newest anchor's
// start does, so that at shutdown the filesystem is unmounted before the
// network goes. Only where systemd runs; a failure is a warning, as the
// mount itself does not depend on it.
func remoteFSDropIn(ctx context.Context, e *ocf.Env, c *resource) {
	if !mount.NeedsRemoteFS(c.fs.FSType, c.forceClones) {
		return
	}
	d := systemd.DropIn{Dir: os.Getenv(systemdDirEnv), Name: "99-Filesystem-remote", Key: "After", Value: "remote-fs.target"}
	wrote, err := d.Ensure(ctx)
	switch {
	case err != nil:
		e.Log.Warnf("systemd drop-in: %v", err)
	case wrote:
		e.Log.Infof("wrote %s (After=remote-fs.target)", d.Path())
	}
}
