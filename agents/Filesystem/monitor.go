package main

import (
	"context"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// monitor checks the mount on the directory (depth 0), reads the device
// (10) or writes and reads a status file (20). Depth 0 forks nothing, and
// reads the mount table only where the kernel cannot describe the one
// mount (see mount.FS.Lookup).
func monitor(ctx context.Context, e *ocf.Env, c *resource) error {
	if err := checkDepth(e); err != nil {
		return err
	}
	if c.fs.Dir == "" {
		return ocf.Exit(ocf.NotRunning) // nothing identifies a mount (loadForStop)
	}
	if err := checkMoved(c); err != nil {
		return err
	}
	found, via, err := c.fs.Lookup(ctx)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	e.Log.Debugf("%s looked up by %s", c.fs.Dir, via)
	if found.Mine == nil {
		if o := found.Other; o != nil {
			// Another filesystem is never reported as this one. A probe
			// says "not running" (this resource is not mounted here); a
			// recurring monitor says the resource failed, as the newest
			// anchor does, so that Pacemaker recovers it (stop leaves the
			// other filesystem alone, and start refuses to hide it).
			if e.IsProbe() {
				e.Log.Infof("%s is not mounted on %s: %s (%s) is", c.fs.Device.Raw, c.fs.Dir, o.Source, o.FSType)
				return ocf.Exit(ocf.NotRunning)
			}
			return ocf.Errorf(ocf.ErrGeneric, "Another device (%s) is already mounted on %s", o.Source, c.fs.Dir)
		}
		return ocf.Exit(ocf.NotRunning)
	}
	if found.Unverified {
		e.Log.Debugf("%s is mounted from %s; which device that is cannot be checked without blkid", c.fs.Dir, found.Mine.Source)
	}
	switch e.CheckLevel {
	case 10:
		if !c.fs.Device.IsBlock() {
			e.Log.Debugf("%s is not a block device: depth 10 has nothing to read", c.fs.Device.Raw)
			return nil
		}
		dev := found.Mine.Source
		if p, err := c.fs.Device.Resolve(ctx, false); err == nil {
			dev = p
		}
		if err := mount.ReadFirstBlock(dev); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "failed to read device: %v", err)
		}
	case 20:
		if err := checkStatusFile(c); err != nil {
			return err
		}
		if err := c.status.Check(c.fs.Dir, found.Mine, e.Instance, e.Log.Warnf); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
	return nil
}

// checkMoved is the newest anchor's check under force_unmount=move: a mount
// on the moved-aside directory is a stop cut short after the move, so the
// resource is in error (every monitor and start says so) until a stop
// unmounts it there. The mount table is read only with move set.
func checkMoved(c *resource) error {
	if !c.forceOpts.Move {
		return nil
	}
	tab, err := mount.ReadTable()
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	moved := mount.MovedPath(c.fs.Dir)
	if o := tab.At(moved); o != nil {
		return ocf.Errorf(ocf.ErrGeneric, "force_unmount=move and something is mounted on %s (%s, %s): stop the resource to unmount it", moved, o.Source, o.FSType)
	}
	return nil
}
