package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// start mounts the filesystem through mount(8) after the checks the
// anchor makes, and confirms the mount in the table.
func start(ctx context.Context, e *ocf.Env, c *resource) error {
	if err := checkClone(e, c); err != nil {
		return err
	}
	if err := checkStatusFile(c); err != nil {
		return err
	}
	if err := checkMoved(c); err != nil {
		return err
	}
	remoteFSDropIn(ctx, e, c)
	tab, err := mount.ReadTable()
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	found := c.fs.Find(ctx, tab, true)
	if found.Mine != nil {
		e.Log.Infof("%s is already mounted on %s", c.fs.Device.Raw, c.fs.Dir)
		return nil
	}
	if o := found.Other; o != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%s already has %s (%s) mounted on it, not %s", c.fs.Dir, o.Source, o.FSType, c.fs.Device.Raw)
	}
	if under := tab.Under(c.fs.Dir); len(under) > 0 {
		return ocf.Errorf(ocf.ErrGeneric, "%s is not mounted but %s is mounted below it: mounting would hide it", c.fs.Dir, under[len(under)-1].Mountpoint)
	}
	if err := mount.Load(ctx, c.fs.FSType); err != nil {
		return ocf.Errorf(ocf.ErrInstalled, "%v", err)
	}

	var device string
	switch c.fs.Device.Kind {
	case mount.KindPath, mount.KindTag:
		device, err = c.fs.Device.Resolve(ctx, true)
		if errors.Is(err, mount.ErrNotFound) {
			return ocf.Errorf(ocf.ErrInstalled, "cannot find device %s: %v", c.fs.Device.Raw, err)
		}
		if err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
		if elsewhere := c.fs.Elsewhere(ctx, tab, true); len(elsewhere) > 0 {
			var dirs []string
			for _, x := range elsewhere {
				dirs = append(dirs, x.Mountpoint)
			}
			return ocf.Errorf(ocf.ErrGeneric, "%s is already mounted on %s", c.fs.Device.Raw, strings.Join(dirs, ", "))
		}
		if c.fsck.NeedsFsck(c.fs.FSType) {
			e.Log.Infof("checking %s with fsck", device)
			if err := mount.Fsck(ctx, c.fs.FSType, device); err != nil {
				return ocf.Errorf(ocf.ErrGeneric, "%v", err)
			}
		}
	case mount.KindDir, mount.KindLoop:
		if _, err := os.Stat(c.fs.Device.Raw); err != nil {
			return ocf.Errorf(ocf.ErrInstalled, "cannot find %s: %v", c.fs.Device.Raw, err)
		}
	}

	if err := os.MkdirAll(c.fs.Dir, 0o755); err != nil {
		return ocf.Errorf(ocf.ErrInstalled, "cannot create mount point %s: %v", c.fs.Dir, err)
	}
	if st, err := os.Stat(c.fs.Dir); err != nil || !st.IsDir() {
		return ocf.Errorf(ocf.ErrInstalled, "mount point %s is not a directory", c.fs.Dir)
	}
	if device != "" {
		flush(e, device)
	}
	e.Log.Infof("mounting %s on %s", c.fs.Device.MountSource(), c.fs.Dir)
	if err := mount.Mount(ctx, c.fs); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	tab, err = mount.ReadTable()
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if got := c.fs.Find(ctx, tab, true); got.Mine == nil {
		return ocf.Errorf(ocf.ErrGeneric, "mount of %s on %s reported success but the mount table does not show it", c.fs.Device.Raw, c.fs.Dir)
	}
	return nil
}

// flush drops the device's buffers, as the anchor does around mount and
// unmount; failing to is not worth failing the action.
func flush(e *ocf.Env, device string) {
	if err := mount.FlushBuffers(device); err != nil {
		e.Log.Debugf("flush buffers of %s: %v", device, err)
	}
}
