package main

import (
	"context"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// fastStopBudget is the anchor's fast_stop time for freeing one mount.
const fastStopBudget = 6 * time.Second

// stop unmounts everything below the directory, deepest first, the other
// mounts of the same block device, then the filesystem itself. It
// succeeds when nothing of this resource is mounted, and never says
// "not running". Nothing on the mount is read or written (the status file
// stays, as with the anchor, which removes it only when the stop itself
// runs at depth 20): on a dead server that hangs.
func stop(ctx context.Context, e *ocf.Env) error {
	c := cfg
	if c == nil {
		var err error
		if c, err = loadForStop(e); err != nil {
			return err
		}
	}
	tab := c.tab
	found := c.fs.Find(ctx, tab, true)
	if found.Mine == nil {
		if o := found.Other; o != nil {
			e.Log.Infof("%s is not mounted on %s (%s is): nothing to stop", c.fs.Device.Raw, c.fs.Dir, o.Source)
		}
		return nil
	}
	targets := tab.Under(c.fs.Dir)
	targets = append(targets, c.fs.Elsewhere(ctx, tab, true)...)
	targets = append(targets, found.Mine)
	opts := mount.UnmountOptions{
		Force:     c.force,
		ForceFlag: mount.IsNetwork(c.fs.FSType),
		Log:       e.Log.Infof,
	}
	if c.fastStop {
		opts.Budget = fastStopBudget
	}
	for _, t := range targets {
		e.Log.Infof("unmounting %s", t.Mountpoint)
		if err := mount.Unmount(ctx, t, opts); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
	if c.fs.Device.IsBlock() {
		if dev, err := c.fs.Device.Resolve(ctx, true); err == nil {
			flush(e, dev)
		}
	}
	return nil
}
