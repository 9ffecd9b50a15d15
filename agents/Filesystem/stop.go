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
	if tab == nil {
		var err error
		if tab, err = mount.ReadTable(); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
	dirs := []string{c.fs.Dir}
	if c.forceOpts.Move {
		// force_unmount=move: this filesystem leaves the directory in one
		// step, with its submounts, so that whatever keeps opening files
		// there finds none; its users are then signalled and it is
		// unmounted where it went. A stop cut short after the move finds
		// it there next time, as the anchor's does.
		moved := mount.MovedPath(c.fs.Dir)
		if found := c.fs.Find(ctx, tab, true); found.Mine != nil {
			if _, err := mount.MoveAside(c.fs.Dir); err != nil {
				e.Log.Warnf("%v: unmounting in place", err)
			} else {
				e.Log.Infof("moved %s to %s", c.fs.Dir, moved)
				var err error
				if tab, err = mount.ReadTable(); err != nil {
					return ocf.Errorf(ocf.ErrGeneric, "%v", err)
				}
			}
		}
		dirs = []string{moved, c.fs.Dir}
	}
	unmounted := false
	for _, dir := range dirs {
		fs := c.fs
		fs.Dir = dir
		did, t, err := unmountAll(ctx, e, c, fs, tab)
		if err != nil {
			return err
		}
		unmounted, tab = unmounted || did, t
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

// unmountAll unmounts what StopPlan finds for fs, starting over while
// something was mounted again meanwhile. It reports whether it unmounted
// anything and the table as it left it.
func unmountAll(ctx context.Context, e *ocf.Env, c *resource, fs mount.FS, tab mount.Table) (bool, mount.Table, error) {
	signals := c.signals
	opts := mount.UnmountOptions{
		Force:     c.force,
		ForceFlag: mount.IsNetwork(c.fs.FSType),
		Log:       e.Log.Infof,
		Signals:   &signals,
		PS:        c.forceOpts.PS,
	}
	if c.fastStop {
		opts.Budget = fastStopBudget
	}
	unmounted := false
	for round := 0; ; round++ {
		plan := fs.StopPlan(ctx, tab)
		if len(plan) == 0 {
			return unmounted, tab, nil
		}
		if round == stopRounds {
			return unmounted, tab, ocf.Errorf(ocf.ErrGeneric, "%s is still mounted on %s after %d rounds of unmounting", plan[len(plan)-1].Source, fs.Dir, stopRounds)
		}
		for _, t := range plan {
			e.Log.Infof("unmounting %s (%s, %s)", t.Mountpoint, t.Source, t.FSType)
			if err := mount.Unmount(ctx, t, opts); err != nil {
				return unmounted, tab, ocf.Errorf(ocf.ErrGeneric, "%v", err)
			}
		}
		unmounted = true
		var err error
		if tab, err = mount.ReadTable(); err != nil {
			return unmounted, tab, ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
}
