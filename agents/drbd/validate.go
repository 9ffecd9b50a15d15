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

// res is what validate learned for the action that follows: the tools, the
// module version, the resource's devices and the parsed options.
type res struct {
	e       *ocf.Env
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
	// early is the DRBD 9 state read while drbdadm looks up the devices.
	early chan earlyStatus
}

type earlyStatus struct {
	st  drbd.Status
	err error
}

// cur is the resource of this invocation (one action per process).
var cur *res

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

func validate(ctx context.Context, e *ocf.Env) error {
	r := &res{e: e, name: e.Str("drbd_resource"), proc: e.Str("proc_drbd")}
	cur = r
	err := r.validate(ctx)
	if err != nil && e.Action == "stop" {
		// A stop must not fail over a configuration mistake: that gets the
		// node fenced. stop tries `drbdsetup down` directly instead.
		r.invalid = err
		return nil
	}
	return err
}

func (r *res) validate(ctx context.Context) error {
	e := r.e
	r.tools = drbd.Tools{
		Drbdadm: e.Str("drbdadm"), Drbdsetup: e.Str("drbdsetup"),
		Env: []string{"OCF_RESKEY_unfence_extra_args=" + e.Str("unfence_extra_args")},
	}
	r.policy = drbd.ParsePeerPrimaryPolicy(e.Str("remove_master_score_if_peer_primary"))
	for _, p := range []string{r.tools.Drbdadm, r.tools.Drbdsetup} {
		if _, err := exec.LookPath(p); err != nil {
			return ocf.Errorf(ocf.ErrInstalled, "Setup problem: couldn't find command: %s", p)
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
	for _, op := range []string{"ge", "lt"} {
		v := e.Str("require_drbd_module_version_" + op)
		if v == "" {
			continue
		}
		want, err := drbd.VersionCode(v)
		if err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "require_drbd_module_version_%s: %v", op, err)
		}
		have := r.version.KernelCode
		if op == "ge" && have >= want || op == "lt" && have < want {
			continue
		}
		return ocf.Errorf(ocf.ErrInstalled, "required DRBD kernel (module) version -%s %s, but found: 0x%06x", op, v, have)
	}
	if e.Action != "stop" {
		if err := r.checkClone(); err != nil {
			return err
		}
	}
	conf := e.Str("drbdconf")
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
				return ocf.Errorf(ocf.ErrConfigured, "master-max > 1, but DRBD resource %s does not allow-two-primaries.", r.name)
			}
		}
	}
	switch e.Action {
	case "stop", "monitor", "validate-all", "status":
	default:
		_, startUnameSet := os.LookupEnv("OCF_RESKEY_CRM_meta_notify_start_uname")
		if !e.Bool("ignore_missing_notifications") && !e.MetaBool("notify") && !startUnameSet {
			return ocf.Errorf(ocf.ErrConfigured, "you really should enable notify when using this RA (or set ignore_missing_notifications=true)")
		}
	}
	levels, err := drbd.ParseLevels(e.Str("adjust_master_score"))
	r.levels = levels
	if err != nil {
		return ocf.Errorf(ocf.ErrConfigured, "%v", err)
	}
	return nil
}

// readVersion takes the module version from the proc file when it shows
// one (no fork: the monitor's path), else from drbdadm --version, else
// from modinfo as the anchor does for a module not loaded yet.
func (r *res) readVersion(ctx context.Context) error {
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
		if out, err := exec.CommandContext(ctx, "modinfo", "-F", "version", "drbd").Output(); err == nil {
			if pv, err := drbd.ParseProcVersion(append([]byte("version: "), out...)); err == nil {
				v.KernelCode, v.Kernel = pv.KernelCode, pv.Kernel
			}
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
func (r *res) promotedMax() string {
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
func (r *res) checkClone() error {
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
func (r *res) findDevices(ctx context.Context) error {
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
	return ocf.Errorf(ocf.ErrInstalled, "DRBD resource %s not found in configuration file %s.", r.name, r.e.Str("drbdconf"))
}
