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
	found, via, err := c.fs.Lookup(ctx)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	e.Log.Debugf("%s looked up by %s", c.fs.Dir, via)
	if found.Mine == nil {
		if o := found.Other; o != nil {
			e.Log.Infof("%s is not mounted on %s: %s (%s) is", c.fs.Device.Raw, c.fs.Dir, o.Source, o.FSType)
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
