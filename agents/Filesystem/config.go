package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// config is the resource as the parameters describe it.
type config struct {
	fs          mount.FS
	fsck        mount.FsckPolicy
	force       mount.Force
	fastStop    bool
	forceClones bool
	// status is the depth-20 status file; statusErr says why the
	// statusfile_prefix cannot be used.
	status    mount.StatusFile
	statusErr error
	// tab is the mount table load read; the actions but the monitor
	// start from it (the monitor does not read it, see lookupDir).
	tab mount.Table
}

// cfg is this invocation's configuration, set by validate, which the
// runtime calls before every action.
var cfg *config

func validate(ctx context.Context, e *ocf.Env) error {
	c, err := load(e)
	if err != nil {
		return err
	}
	cfg = c
	if e.Action == "validate-all" {
		return validateAll(e, c)
	}
	return nil
}

// load reads and checks the parameters. It forks nothing: the monitor
// runs it every interval.
func load(e *ocf.Env) (*config, error) {
	fstype := e.Str("fstype")
	options := e.Str("options")
	dir := e.Str("directory")
	var tab mount.Table
	var canon string
	var err error
	if isMonitor(e) {
		canon, err = lookupDir(dir)
	} else {
		tab, canon, err = resolveDir(dir)
	}
	if err != nil {
		return nil, err
	}
	dev, err := mount.ParseDevice(e.Str("device"), fstype, options)
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "%v", err)
	}
	fsck, err := mount.ParseFsckPolicy(e.Str("run_fsck"))
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "%v", err)
	}
	force, err := mount.ParseForce(e.Str("force_unmount"))
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "%v", err)
	}
	c := &config{
		fs:          mount.FS{Device: dev, Dir: canon, FSType: fstype, Options: options},
		fsck:        fsck,
		force:       force,
		fastStop:    e.Bool("fast_stop"),
		forceClones: e.Bool("force_clones"),
		tab:         tab,
	}
	c.status, c.statusErr = mount.ParseStatusFile(e.Str("statusfile_prefix"), statusName(e))
	return c, nil
}

// loadForStop reads what a stop needs when the configuration has a
// problem: the runtime runs stop anyway, since a failed stop gets the node
// fenced. Only the directory is indispensable; a device that cannot be
// read makes every mount stacked on the directory a candidate (of the
// configured type, when there is one), as with the anchor, which unmounts
// whatever is there.
func loadForStop(e *ocf.Env) (*config, error) {
	dir := e.Str("directory")
	if dir == "" {
		return nil, ocf.Errorf(ocf.ErrConfigured, "directory is not set: cannot tell what to unmount")
	}
	tab, canon, err := resolveDir(dir)
	if err != nil {
		return nil, err
	}
	fstype, options := e.Str("fstype"), e.Str("options")
	dev, err := mount.ParseDevice(e.Str("device"), fstype, options)
	if err != nil {
		e.Log.Warnf("%v: stopping whatever is mounted on %s", err, canon)
		dev = mount.Device{Raw: e.Str("device"), Kind: mount.KindUnknown}
	}
	force, err := mount.ParseForce(e.Str("force_unmount"))
	if err != nil {
		force = mount.ForceTrue
	}
	return &config{
		fs:       mount.FS{Device: dev, Dir: canon, FSType: fstype, Options: options},
		force:    force,
		fastStop: e.Bool("fast_stop"),
		tab:      tab,
	}, nil
}

// statusName is <instance>[_<clone>]_<node>: the status file is
// <directory>/<prefix><statusName>, the name the anchor uses, so both
// agents find the same file.
func statusName(e *ocf.Env) string {
	name := os.Getenv("OCF_RESOURCE_INSTANCE")
	if c := e.Meta("clone"); c != "" {
		name += "_" + c
	}
	return name + "_" + mount.NodeName()
}

// checkStatusFile refuses a statusfile_prefix that would put the status
// file anywhere but in the mount.
func checkStatusFile(c *config) error {
	if c.statusErr != nil {
		return ocf.Errorf(ocf.ErrConfigured, "%v", c.statusErr)
	}
	return nil
}

// checkDepth accepts the monitor depths the anchor knows.
func checkDepth(e *ocf.Env) error {
	switch e.CheckLevel {
	case 0, 10, 20:
		return nil
	}
	return ocf.Errorf(ocf.ErrConfigured, "unsupported monitor depth OCF_CHECK_LEVEL=%d (use 0, 10 or 20)", e.CheckLevel)
}

// checkType makes sure this node can mount the filesystem type.
func checkType(c *config) error {
	if !mount.Known(c.fs.FSType) {
		return ocf.Errorf(ocf.ErrInstalled, "filesystem type %q is not supported on this node (not in /proc/filesystems, no module, no mount.%s helper)", c.fs.FSType, c.fs.FSType)
	}
	return nil
}

// checkClone refuses a clone of a filesystem that is not cluster-aware.
func checkClone(e *ocf.Env, c *config) error {
	if e.Meta("clone_max") == "" {
		return nil
	}
	ro := mount.HasOption(c.fs.Options, "ro")
	switch mount.CloneSafe(c.fs.FSType, ro, c.forceClones) {
	case mount.CloneUnsafe:
		return ocf.Errorf(ocf.ErrConfigured, "%s on %s is not cluster-aware: refusing to run it as a clone (set force_clones=true or mount it read-only)", c.fs.FSType, c.fs.Device.Raw)
	case mount.CloneAllowedRisk:
		if c.forceClones {
			e.Log.Warnf("%s on %s is not cluster-aware; running as a clone because force_clones is true", c.fs.FSType, c.fs.Device.Raw)
		} else {
			e.Log.Warnf("%s on %s is not cluster-aware; running as a clone because it is mounted read-only", c.fs.FSType, c.fs.Device.Raw)
		}
	}
	return nil
}

// validateAll adds the checks that read more of the system than the
// monitor should on every interval.
func validateAll(e *ocf.Env, c *config) error {
	if err := checkDepth(e); err != nil {
		return err
	}
	if err := checkType(c); err != nil {
		return err
	}
	if err := checkStatusFile(c); err != nil {
		return err
	}
	if c.fs.Device.Kind == mount.KindDir || c.fs.Device.Kind == mount.KindLoop {
		if _, err := os.Stat(c.fs.Device.Raw); errors.Is(err, os.ErrNotExist) {
			return ocf.Errorf(ocf.ErrInstalled, "%s does not exist", c.fs.Device.Raw)
		}
	}
	return checkClone(e, c)
}

// isMonitor: the monitor (and the probe) looks at the one mount on the
// directory and does not read the mount table, whose cost grows with
// every mount of the host (see mount.FS.Lookup).
func isMonitor(e *ocf.Env) bool { return e.Action == "monitor" || e.Action == "status" }

// lookupDir is resolveDir for the monitor: the directory resolved with
// statx of each component, which asks no filesystem anything, instead of
// against the mount table.
func lookupDir(dir string) (string, error) {
	if !filepath.IsAbs(dir) {
		return "", ocf.Errorf(ocf.ErrConfigured, "directory %q must be an absolute path", dir)
	}
	canon, err := mount.CanonicalLookup(context.Background(), dir)
	if err != nil {
		return "", ocf.Errorf(ocf.ErrGeneric, "cannot resolve directory %s: %v", dir, err)
	}
	if canon == "/" {
		return "", ocf.Errorf(ocf.ErrConfigured, "directory %q is the root filesystem: refusing to manage it", dir)
	}
	return canon, nil
}

// resolveDir checks the directory and resolves it against the mount table:
// the mount point itself is never looked at, so a dead NFS server does not
// hang a monitor or a stop here.
func resolveDir(dir string) (mount.Table, string, error) {
	if !filepath.IsAbs(dir) {
		return mount.Table{}, "", ocf.Errorf(ocf.ErrConfigured, "directory %q must be an absolute path", dir)
	}
	tab, err := mount.ReadTable()
	if err != nil {
		return mount.Table{}, "", ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	canon, err := mount.CanonicalIn(tab, dir)
	if err != nil {
		return mount.Table{}, "", ocf.Errorf(ocf.ErrGeneric, "cannot resolve directory %s: %v", dir, err)
	}
	if canon == "/" {
		return mount.Table{}, "", ocf.Errorf(ocf.ErrConfigured, "directory %q is the root filesystem: refusing to manage it", dir)
	}
	return tab, canon, nil
}
