package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/drbd"
)

// resource is what load learned for the action that follows: the tools, the
// module version, the resource's devices and the parsed options.
type resource struct {
	e       *ocf.Env
	p       params
	name    string
	tools   drbd.Tools
	proc    string
	version drbd.Version
	devices []string
	levels  drbd.Levels
	policy  drbd.PeerPrimaryPolicy
	attrs   ocf.Attrs
	// invalid is the validation failure a stop goes ahead despite.
	invalid error
	// lenient: loaded by loadForStop, where a failed check that does not
	// keep DRBD from being asked is a warning.
	lenient bool
	// early is the DRBD 9 state read while drbdadm looks up the devices.
	early chan earlyStatus
}

type earlyStatus struct {
	st  drbd.Status
	err error
}

// plain is the character set the anchor allows in resource and file names.
func plain(s string) bool {
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || c == '%' || c == '+' || c == '.' || c == '/' || c == ':' || c == '=' || c == '@' || c == '_':
		default:
			return false
		}
	}
	return true
}

func newResource(e *ocf.Env) *resource {
	r := &resource{e: e}
	if err := e.Decode(&r.p); err != nil {
		e.Log.Errorf("%v", err)
	}
	r.name, r.proc = r.p.Resource, r.p.ProcDRBD
	return r
}

// load is the strict load: every check of the anchor's validation.
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	r := newResource(e)
	if err := r.validate(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// loadForStop never fails: the checks that do not keep DRBD from being
// asked (module version bounds, clone meta attributes, notify) are
// warnings, and a failure of the rest is kept in r.invalid, for stop to
// try 'drbdsetup down' directly.
func loadForStop(ctx context.Context, e *ocf.Env) *resource {
	r := newResource(e)
	r.lenient = true
	if err := r.validate(ctx); err != nil {
		r.invalid = err
	}
	return r
}

// refuse is a failed check: an error, or a warning in a lenient load.
func (r *resource) refuse(err error) error {
	if r.lenient && err != nil {
		r.e.Log.Warnf("%v (ignored for %s)", err, r.e.Action)
		return nil
	}
	return err
}

func (r *resource) validate(ctx context.Context) error {
	e := r.e
	r.tools = drbd.Tools{
		Drbdadm: r.p.Drbdadm, Drbdsetup: r.p.Drbdsetup,
		Env: []string{"OCF_RESKEY_unfence_extra_args=" + r.p.UnfenceExtraArgs},
	}
	r.policy = drbd.ParsePeerPrimaryPolicy(r.p.RemoveMasterScoreIfPeerPrimary)
	for _, tool := range []struct {
		path *string
		name string
	}{{&r.tools.Drbdadm, "drbdadm"}, {&r.tools.Drbdsetup, "drbdsetup"}} {
		if _, err := exec.LookPath(*tool.path); err != nil {
			// A stop with a drbdadm or drbdsetup that cannot be run
			// uses the one in PATH rather than fail.
			if _, derr := exec.LookPath(tool.name); r.lenient && derr == nil {
				r.e.Log.Warnf("Setup problem: couldn't find command: %s: using %s", *tool.path, tool.name)
				*tool.path = tool.name
				continue
			}
			return ocf.Errorf(ocf.ErrInstalled, "Setup problem: couldn't find command: %s", *tool.path)
		}
	}
	if err := r.readVersion(ctx); err != nil {
		return err
	}
	if e.Action == "monitor" && r.version.V9() {
		// events2 does not need the device list: ask DRBD for the state
		// while drbdadm reads the configuration, to halve the monitor's
		// latency. A probe of an unknown resource wastes one cheap call.
		r.early = make(chan earlyStatus, 1)
		tools, version, name, early := r.tools, r.version, r.name, r.early
		go func() {
			st, err := tools.Status(ctx, version, name, nil)
			early <- earlyStatus{st, err}
		}()
	}
	for _, req := range [][2]string{{"ge", r.p.VersionGE}, {"lt", r.p.VersionLT}} {
		op, v := req[0], req[1]
		if v == "" {
			continue
		}
		want, err := drbd.VersionCode(v)
		if err != nil {
			if err := r.refuse(ocf.Errorf(ocf.ErrConfigured, "require_drbd_module_version_%s: %v", op, err)); err != nil {
				return err
			}
			continue
		}
		have := r.version.KernelCode
		if op == "ge" && have >= want || op == "lt" && have < want {
			continue
		}
		if err := r.refuse(ocf.Errorf(ocf.ErrInstalled, "required DRBD kernel (module) version -%s %s, but found: 0x%06x", op, v, have)); err != nil {
			return err
		}
	}
	if err := r.refuse(r.checkClone()); err != nil {
		return err
	}
	conf := r.p.DRBDConf
	if !plain(conf) {
		return ocf.Errorf(ocf.ErrConfigured, "drbdconf name must only contain [-%%+./0-9:=@A-Z_a-z]")
	}
	f, err := os.Open(conf)
	if err != nil {
		return ocf.Errorf(ocf.ErrInstalled, "Configuration file %s does not exist or is not readable!", conf)
	}
	f.Close()
	r.tools.Conf = conf
	if !plain(r.name) {
		return ocf.Errorf(ocf.ErrConfigured, "Resource name must only contain [-%%+./0-9:=@A-Z_a-z]")
	}
	if err := r.findDevices(ctx); err != nil {
		return err
	}
	if e.Action == "start" || e.Action == "promote" {
		if m := r.promotedMax(); m != "0" && m != "1" && len(m) == 1 {
			ok, err := r.tools.AllowsTwoPrimaries(ctx, r.name)
			if err != nil || !ok {
				if err := r.refuse(ocf.Errorf(ocf.ErrConfigured, "master-max > 1, but DRBD resource %s does not allow-two-primaries.", r.name)); err != nil {
					return err
				}
			}
		}
	}
	switch e.Action {
	case "stop", "monitor", "validate-all", "status":
	default:
		_, startUnameSet := os.LookupEnv("OCF_RESKEY_CRM_meta_notify_start_uname")
		if !r.p.IgnoreMissingNotifications && !e.MetaBool("notify") && !startUnameSet {
			if err := r.refuse(ocf.Errorf(ocf.ErrConfigured, "you really should enable notify when using this RA (or set ignore_missing_notifications=true)")); err != nil {
				return err
			}
		}
	}
	levels, err := drbd.ParseLevels(r.p.AdjustMasterScore)
	if err != nil {
		// The anchor logs and falls back to its default scores.
		e.Log.Warnf("adjust_master_score: %v: using the default %q", err, defaultLevels)
		levels, _ = drbd.ParseLevels(defaultLevels)
	}
	r.levels = levels
	return nil
}

// readVersion takes the module version from the proc file when it shows
// one (no fork: the monitor's path), else from drbdadm --version, else
// from modinfo as the anchor does for a module not loaded yet.
func (r *resource) readVersion(ctx context.Context) error {
	if b, err := os.ReadFile(r.proc); err == nil {
		if v, err := drbd.ParseProcVersion(b); err == nil {
			r.version = v
			return nil
		}
	}
	v, err := r.tools.Version(ctx)
	if err != nil {
		r.e.Log.Debugf("drbdadm --version: %v", err)
	}
	if v.KernelCode == 0 {
		if pv, err := r.tools.ModuleVersion(ctx); err == nil {
			v.KernelCode, v.Kernel = pv.KernelCode, pv.Kernel
		}
	}
	if v.KernelCode == 0 {
		return ocf.Errorf(ocf.ErrInstalled, "DRBD kernel (module) not available?")
	}
	r.version = v
	return nil
}

// promotedMax is the clone's promoted-max as the anchor reads it ("1" when
// unset).
func (r *resource) promotedMax() string {
	for _, k := range []string{"master_max", "promoted_max"} {
		if v, ok := os.LookupEnv("OCF_RESKEY_CRM_meta_" + k); ok {
			return v
		}
	}
	return "1"
}

func metaOr(names []string, def string) (string, bool) {
	for _, k := range names {
		if v, ok := os.LookupEnv("OCF_RESKEY_CRM_meta_" + k); ok {
			return v, true
		}
	}
	return def, def != ""
}

// checkClone refuses clone settings DRBD cannot honour.
func (r *resource) checkClone() error {
	expect := func(what string, names []string, def string, ok func(int) bool, op string, want int) error {
		v, set := metaOr(names, def)
		if n, err := strconv.Atoi(v); set && v != "" && err == nil && ok(n) {
			return nil
		}
		if !set || v == "" {
			v = "unset"
		}
		return ocf.Errorf(ocf.ErrConfigured, "meta parameter misconfigured, expected %s %s %d, but found %s.", what, op, want, v)
	}
	eq1 := func(n int) bool { return n == 1 }
	le2 := func(n int) bool { return n <= 2 }
	if err := expect("clone-node-max", []string{"clone_node_max"}, "1", eq1, "=", 1); err != nil {
		return err
	}
	if err := expect("master-node-max", []string{"master_node_max", "promoted_node_max"}, "1", eq1, "=", 1); err != nil {
		return err
	}
	if err := expect("master-max", []string{"master_max", "promoted_max"}, "1", le2, "-le", 2); err != nil {
		return err
	}
	if !r.version.V9() || r.promotedMax() == "2" {
		if err := expect("clone-max", []string{"clone_max"}, "", le2, "-le", 2); err != nil {
			return err
		}
	}
	return nil
}

// findDevices asks drbdadm for the resource's devices, as a stacked
// resource when the plain lookup fails.
func (r *resource) findDevices(ctx context.Context) error {
	if r.e.Action == "monitor" && !r.e.IsProbe() {
		if devs := r.recordedDevices(); len(devs) > 0 {
			r.devices = devs
			return nil
		}
	}
	devs, err := r.tools.Devices(ctx, r.name)
	if err != nil && ctx.Err() == nil {
		r.tools.Stacked = true
		devs, err = r.tools.Devices(ctx, r.name)
		if err != nil {
			r.tools.Stacked = false
		}
	}
	if err == nil {
		r.devices = devs
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("drbdadm sh-dev %s: %w", r.name, ctx.Err())
	}
	var ce *drbd.CmdError
	if !errors.As(err, &ce) {
		return ocf.Errorf(ocf.ErrInstalled, "%v", err)
	}
	if r.e.IsProbe() {
		return ocf.Exit(ocf.NotRunning)
	}
	r.removeScore(ctx)
	return ocf.Errorf(ocf.ErrInstalled, "DRBD resource %s not found in configuration file %s.", r.name, r.p.DRBDConf)
}
