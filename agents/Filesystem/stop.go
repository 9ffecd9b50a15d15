package main

import (
	"context"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// fastStopBudget is the anchor's fast_stop time for freeing one mount.
const fastStopBudget = 6 * time.Second

// stopRounds bounds how often stop re-reads the table and starts over
// when something was mounted again meanwhile (the anchor loops too).
const stopRounds = 3

// stop unmounts whatever is stacked on the directory down to the lowest
// mount that may be this filesystem, each with its submounts, deepest
// first, and the other mounts of the same block device. A mount counts
// as someone else's only on positive evidence: leaving this filesystem
// mounted lets the cluster mount the shared device on a second node.
// Nothing on the mount is read or written (the status file stays, as
// with the anchor, which removes it only when the stop itself runs at
// depth 20): on a dead server that hangs.
// It succeeds when nothing of this resource is mounted, and never says
// "not running".
func stop(ctx context.Context, e *ocf.Env, c *resource) error {
	if c.fs.Dir == "" {
		return nil // nothing identifies a mount of this resource (loadForStop)
	}
	tab := c.tab
	opts := mount.UnmountOptions{
		Force:     c.force,
		ForceFlag: mount.IsNetwork(c.fs.FSType),
		Log:       e.Log.Infof,
	}
	if c.fastStop {
		opts.Budget = fastStopBudget
	}
	unmounted := false
	for round := 0; ; round++ {
		plan := c.fs.StopPlan(ctx, tab)
		if len(plan) == 0 {
			break
		}
		if round == stopRounds {
			return ocf.Errorf(ocf.ErrGeneric, "%s is still mounted on %s after %d rounds of unmounting", plan[len(plan)-1].Source, c.fs.Dir, stopRounds)
		}
		for _, t := range plan {
			e.Log.Infof("unmounting %s (%s, %s)", t.Mountpoint, t.Source, t.FSType)
			if err := mount.Unmount(ctx, t, opts); err != nil {
				return ocf.Errorf(ocf.ErrGeneric, "%v", err)
			}
		}
		unmounted = true
		var err error
		if tab, err = mount.ReadTable(); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
	if !unmounted {
		if o := tab.At(c.fs.Dir); o != nil {
			e.Log.Infof("%s is not mounted on %s (%s, %s is): nothing to stop", c.fs.Device.Raw, c.fs.Dir, o.Source, o.FSType)
		}
		return nil
	}
	if c.fs.Device.IsBlock() {
		if dev, err := c.fs.Device.Resolve(ctx, true); err == nil {
			flush(e, dev)
		}
	}
	return nil
}
