package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// resource is the filesystem as the parameters describe it.
type resource struct {
	p           params
	fs          mount.FS // fs.Dir is "" when nothing identifies a mount (loadForStop)
	fsck        mount.FsckPolicy
	force       mount.Force
	forceOpts   mount.ForceUnmount // the modifiers of force_unmount (move, ps)
	signals     mount.Signals
	fastStop    bool
	forceClones bool
	// status is the depth-20 status file; statusErr says why the
	// statusfile_prefix cannot be used.
	status    mount.StatusFile
	statusErr error
	// tab is the mount table load read; the actions start from it.
	tab mount.Table
}

// load reads and checks the parameters, strictly. It forks nothing: the
// monitor runs it every interval. For validate-all it also checks the node
// (the filesystem type is known, the source exists, the clone is safe).
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	r := &resource{}
	if err := e.Decode(&r.p); err != nil {
		return nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	var tab mount.Table
	var canon string
	var err error
	if isMonitor(e) {
		canon, err = lookupDir(r.p.Directory)
	} else {
		tab, canon, err = resolveDir(r.p.Directory)
	}
	if err != nil {
		return nil, err
	}
	dev, err := mount.ParseDevice(r.p.Device, r.p.FSType, r.p.Options)
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "%v", err)
	}
	// run_fsck was checked at dispatch: a value that does not parse reads
	// as the default, as in the anchor.
	r.fsck, _ = mount.ParseFsckPolicy(r.p.RunFsck)
	r.readStop(e)
	r.fs = mount.FS{Device: dev, Dir: canon, FSType: r.p.FSType, Options: r.p.Options}
	r.fastStop, r.forceClones, r.tab = r.p.FastStop, r.p.ForceClones, tab
	r.status, r.statusErr = mount.ParseStatusFile(r.p.StatusfilePrefix, statusName(e))
	if e.Action == "validate-all" {
		if err := validateAll(e, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// loadForStop never fails. A relative directory is taken relative to the
// working directory, as the anchor does. A directory that is unset or the root
// cannot be a mount point of this resource: the mount point is then the
// one the device is mounted on, when it is mounted on exactly one (the
// anchor looks the mount point up by device in the same case); otherwise
// nothing identifies a mount, and stop has nothing to do. A device that
// cannot be read makes every mount stacked on the directory a candidate
// (of the configured type, when there is one), as with the anchor, which
// unmounts whatever is there.
func loadForStop(ctx context.Context, e *ocf.Env) *resource {
	r := &resource{force: mount.ForceTrue}
	if err := e.Decode(&r.p); err != nil {
		e.Log.Warnf("%v", err)
	}
	r.fastStop = r.p.FastStop
	r.readStop(e)
	dev, err := mount.ParseDevice(r.p.Device, r.p.FSType, r.p.Options)
	if err != nil {
		e.Log.Warnf("%v: stopping whatever is mounted on the directory", err)
		dev = mount.Device{Raw: r.p.Device, Kind: mount.KindUnknown}
	}
	r.fs = mount.FS{Device: dev, FSType: r.p.FSType, Options: r.p.Options}
	r.status, r.statusErr = mount.ParseStatusFile(r.p.StatusfilePrefix, statusName(e))
	dir := r.p.Directory
	if dir != "" && !filepath.IsAbs(dir) {
		// The anchor takes a relative directory relative to its working
		// directory (readlink -f) when it exists there: so does this, so
		// that a probe and a stop answer as the anchor's. When it does
		// not, the device's mount point is looked up below (the anchor
		// would match nothing and leave the device mounted).
		if abs, err := filepath.Abs(dir); err == nil {
			if _, err := os.Stat(abs); err == nil {
				e.Log.Warnf("directory %q is relative: taken as %s, as the anchor does", dir, abs)
				dir = abs
			}
		}
	}
	tab, canon, err := resolveDir(dir)
	if err == nil {
		r.fs.Dir, r.tab = canon, tab
		return r
	}
	if r.tab, err = mount.ReadTable(); err != nil {
		e.Log.Warnf("%v", err)
		return r
	}
	switch on := r.fs.MountsOf(ctx, r.tab, true); len(on) {
	case 1:
		e.Log.Warnf("directory %q is unusable: %s is mounted on %s, taken as the mount point", r.p.Directory, r.p.Device, on[0].Mountpoint)
		r.fs.Dir = on[0].Mountpoint
	case 0:
		e.Log.Warnf("directory %q is unusable and %s is not mounted: nothing to stop", r.p.Directory, r.p.Device)
	default:
		e.Log.Warnf("directory %q is unusable and %s is mounted on %d directories: cannot tell which is this resource's", r.p.Directory, r.p.Device, len(on))
	}
	return r
}

// readStop reads how stop frees a busy mount: force_unmount as the anchor
// reads it (unknown words ignored with a warning), and the signals, which
// the runtime has checked (a value that does not parse is refused outside
// stop and reads as the default in stop).
func (r *resource) readStop(e *ocf.Env) {
	r.forceOpts = mount.ParseForceUnmount(r.p.ForceUnmount)
	r.force = r.forceOpts.Force
	if len(r.forceOpts.Ignored) > 0 && e.Action != "monitor" {
		e.Log.Warnf("force_unmount: unknown modifier %s ignored", strings.Join(r.forceOpts.Ignored, ", "))
	}
	r.signals = mount.DefaultSignals()
	if s, err := mount.ParseSignals(r.p.TermSignals); err == nil {
		r.signals.Term = s
	}
	if s, err := mount.ParseSignals(r.p.KillSignals); err == nil {
		r.signals.Kill = s
	}
	if d, err := mount.ParseSignalDelay(r.p.SignalDelay); err == nil {
		r.signals.Delay = d
	}
}

// statusName is <instance>[_<clone>]_<node>: the status file is
// <directory>/<prefix><statusName>, the name the anchor uses, so both
// agents find the same file.
func statusName(e *ocf.Env) string {
	name := os.Getenv("OCF_RESOURCE_INSTANCE")
	if c := e.Meta("clone"); c != "" {
		name += "_" + c
	}
	return name + "_" + ocf.NodeName()
}

// checkStatusFile refuses a statusfile_prefix that would put the status
// file anywhere but in the mount.
func checkStatusFile(c *resource) error {
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
func checkType(c *resource) error {
	if !mount.Known(c.fs.FSType) {
		return ocf.Errorf(ocf.ErrInstalled, "filesystem type %q is not supported on this node (not in /proc/filesystems, no module, no mount.%s helper)", c.fs.FSType, c.fs.FSType)
	}
	return nil
}

// checkClone refuses a clone of a filesystem that is not cluster-aware.
func checkClone(e *ocf.Env, c *resource) error {
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
func validateAll(e *ocf.Env, c *resource) error {
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
