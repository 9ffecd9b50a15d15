package fence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Exit codes of fence-agents (fencing.py's EC_*) that the fencer reads.
const (
	ExitOK      = 0 // success; status: the plug is on
	ExitFailure = 1 // any failure, bad input included
	ExitOff     = 2 // status: the plug is off
)

// State is a machine's power state as the fencer knows it.
type State int

const (
	Unknown State = iota // in transition, or a state that is neither
	On
	Off
)

func (s State) String() string {
	switch s {
	case On:
		return "ON"
	case Off:
		return "OFF"
	}
	return "UNKNOWN"
}

// Target is one machine the device can fence.
type Target struct {
	Name  string // the name Pacemaker knows it by (droplet name, display name)
	ID    string // droplet id, instance OCID
	State State
}

// Polling is how Power waits for the API to confirm: power_wait once after
// the request, then polls no further apart than stonith_status_sleep.
type Polling struct {
	AfterPost   time.Duration
	MaxInterval time.Duration
}

// Device is the cloud API behind an agent. Every method finishes by ctx's
// deadline and returns an error rather than a guess.
type Device interface {
	// Check proves the API answers and the credentials work, touching no
	// machine (monitor).
	Check(ctx context.Context) error
	// List returns every machine the credentials can see.
	List(ctx context.Context) ([]Target, error)
	// Find resolves a plug (name or id) to one machine, with its state.
	Find(ctx context.Context, plug string) (Target, error)
	// Power turns t off (a hard power off) or on, and returns only once
	// the API reports it in that state.
	Power(ctx context.Context, t Target, on bool, p Polling) error
}

// Agent describes one fence agent.
type Agent struct {
	Name          string
	Shortdesc     string
	Longdesc      string
	VendorURL     string
	PlugShortdesc string            // replaces plug's shortdesc
	Options       []Option          // the agent's own options (order 2 to 49)
	Defaults      map[string]string // replaced defaults of standard options
	// Open builds the device from the options: it reads credentials and
	// checks the configuration without the network. secret registers a
	// value to redact from every later line. An error is a configuration
	// problem (validate-all fails on it).
	Open func(o *Options, log *Logger, secret func(string)) (Device, error)

	watchdog func(time.Duration) // armed by Main once the options are known
}

// Main runs the agent as a process. A watchdog ends it with exit 1 should
// anything outlive the longest the action may take (the delay and every
// phase's power_timeout, plus a margin): the fencer then sees a failure it
// can act on rather than an agent that hangs until it is killed.
func (a *Agent) Main() {
	a.watchdog = func(d time.Duration) {
		time.AfterFunc(d, func() {
			fmt.Fprintf(os.Stderr, "%s ERROR: Failed: the action did not finish within %s\n",
				time.Now().Format("2006-01-02 15:04:05,000"), d)
			os.Exit(ExitFailure)
		})
	}
	os.Exit(a.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options is the agent's full option list.
func (a *Agent) options() []Option {
	var out []Option
	for _, o := range standardOptions() {
		if d, ok := a.Defaults[o.Name]; ok {
			o.Default = d
		}
		if o.Name == "plug" && a.PlugShortdesc != "" {
			o.Shortdesc = a.PlugShortdesc
		}
		out = append(out, o)
	}
	return append(out, a.Options...)
}

// Run is the whole agent: options from args (or stdin when there are
// none, as the fencer runs it), then the action. It returns the exit code.
func (a *Agent) Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	red := &redactor{}
	log := newLogger(a.Name, stderr, red)
	defer log.close()
	opts := a.options()
	var (
		raw      map[string]string
		nodename string
	)
	if len(args) > 0 {
		var err error
		if raw, err = parseArgv(args, opts, log.Warnf); err != nil {
			log.Errorf("%v", err)
			log.Errorf("Please use '-h' for usage")
			return ExitFailure
		}
	} else {
		raw, nodename = parseStdin(stdin, opts, log.Warnf)
	}
	o := &Options{values: map[string]string{}, given: map[string]bool{}}
	for _, opt := range opts {
		if opt.Default != "" {
			o.values[opt.Name] = opt.Default
		}
		if v, ok := raw[opt.Name]; ok {
			if opt.Secret {
				red.add(v)
			}
			o.set(opt.Name, v)
		}
	}
	action := strings.ToLower(strings.TrimSpace(o.Get("action")))
	if action == "meta-data" { // OCF compatibility, as fencing.py
		action = "metadata"
	}
	switch {
	case o.Bool("help"):
		writeUsage(stdout, a, opts)
		return ExitOK
	case action == "metadata" || action == "manpage":
		if err := writeMetadata(stdout, a, opts); err != nil {
			return ExitFailure
		}
		return ExitOK
	case o.Bool("version"):
		fmt.Fprintln(stdout, Version)
		return ExitOK
	}
	log.quiet = o.Bool("quiet")
	log.verbose = o.Bool("verbose") && o.Get("verbose_level") != "0" || o.Int("verbose_level") > 0
	if !known(action) {
		log.Errorf("Failed: Unrecognised action '%s'", safeName(action))
		log.Errorf("Please use '-h' for usage")
		return ExitFailure
	}
	for _, opt := range opts {
		if v, ok := o.values[opt.Name]; ok && o.given[opt.Name] {
			if err := opt.check(v); err != nil {
				log.Errorf("%v", err)
				return ExitFailure
			}
		}
	}
	if f := o.Get("debug_file"); f != "" {
		w, err := os.OpenFile(f, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			log.Errorf("Failed: Unable to create file %s", f)
			return ExitFailure
		}
		log.file = w
	}
	if o.IsSet("disable_timeout") {
		log.Debugf("disable_timeout is accepted and not used: every action is bounded by power_timeout")
	}
	// The fencer names the target in plug (or port); nodename is the
	// same name, for pcmk_host_argument=none.
	if !o.IsSet("plug") && nodename != "" {
		o.set("plug", nodename)
	}
	switch action {
	case "list", "list-status", "monitor", "validate-all":
	default:
		if strings.TrimSpace(o.Get("plug")) == "" {
			log.Errorf("Failed: You have to enter plug number or machine identification")
			log.Errorf("Please use '-h' for usage")
			return ExitFailure
		}
	}
	dev, err := a.Open(o, log, red.add)
	if err != nil {
		log.Errorf("%v", err)
		if action == "validate-all" {
			log.Errorf("validate-all failed")
		}
		return ExitFailure
	}
	if action == "validate-all" {
		// The plug comes with each fence request, so it is not required here.
		return ExitOK
	}
	r := &runner{a: a, o: o, log: log, dev: dev, out: stdout}
	if a.watchdog != nil {
		// find, off, and on with its retries, each within power_timeout.
		phases := 3 + max(r.o.Int("retry_on"), 1)
		a.watchdog(time.Duration(max(o.Int("delay"), 0))*time.Second + time.Duration(phases)*r.timeout() + 10*time.Second)
	}
	return r.do(action)
}

func known(action string) bool {
	for _, a := range Actions {
		if a == action {
			return true
		}
	}
	return false
}

type runner struct {
	a   *Agent
	o   *Options
	log *Logger
	dev Device
	out io.Writer
}

// timeout is power_timeout, the bound of each phase of an action (a
// power change, a status, a list).
func (r *runner) timeout() time.Duration {
	s := r.o.Int("power_timeout")
	if s <= 0 {
		def := 20
		fmt.Sscan(r.a.Defaults["power_timeout"], &def)
		r.log.Warnf("power_timeout=%s: using %d seconds (a fence action is always bounded)", r.o.Get("power_timeout"), def)
		r.o.values["power_timeout"] = fmt.Sprint(def)
		s = def
	}
	return time.Duration(s) * time.Second
}

func (r *runner) polling() Polling {
	return Polling{
		AfterPost:   time.Duration(max(r.o.Int("power_wait"), 0)) * time.Second,
		MaxInterval: time.Duration(max(r.o.Int("stonith_status_sleep"), 1)) * time.Second,
	}
}

func (r *runner) phase() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.timeout())
}

func (r *runner) plugs() []string {
	p := r.o.Get("plug")
	sep := r.o.Get("plug_separator")
	if sep == "" {
		return []string{p}
	}
	var out []string
	for _, s := range strings.Split(p, sep) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (r *runner) do(action string) int {
	switch action {
	case "monitor":
		ctx, cancel := r.phase()
		defer cancel()
		if err := r.dev.Check(ctx); err != nil {
			r.log.Errorf("%v", err)
			r.log.Errorf("Failed: Unable to connect/login to fencing device")
			return ExitFailure
		}
		return ExitOK
	case "list", "list-status":
		ctx, cancel := r.phase()
		defer cancel()
		ts, err := r.dev.List(ctx)
		if err != nil {
			r.log.Errorf("%v", err)
			r.log.Errorf("Failed: Unable to obtain correct plug status or plug is not available")
			return ExitFailure
		}
		sep := r.o.Get("separator")
		for _, t := range ts {
			// The name first: it is the node name, so the fencer's
			// dynamic-list finds the node without a host map.
			line := t.Name + sep + t.ID
			if action == "list-status" {
				line += sep + t.State.String()
			}
			fmt.Fprintln(r.out, line)
		}
		return ExitOK
	}
	plugs := r.plugs()
	if len(plugs) == 0 {
		r.log.Errorf("Failed: You have to enter plug number or machine identification")
		r.log.Errorf("Please use '-h' for usage")
		return ExitFailure
	}
	if action == "off" || action == "reboot" {
		// The delay of the two-node race: the node that is not delayed
		// wins. Only for actions that fence.
		if d := r.o.Int("delay"); d > 0 {
			r.log.Infof("Delay %d second(s) before logging in to the fence device", d)
			time.Sleep(time.Duration(d) * time.Second)
		}
	}
	targets, status, err := r.find(plugs)
	if err != nil {
		r.log.Errorf("%v", err)
		r.log.Errorf("Failed: Unable to obtain correct plug status or plug is not available")
		return ExitFailure
	}
	switch action {
	case "status":
		if status == Unknown {
			// In transition (stopping, starting) or a state that is
			// neither: fencing.py fails a status it cannot call on or off.
			r.log.Errorf("%s is neither on nor off", strings.Join(plugs, r.o.Get("plug_separator")))
			r.log.Errorf("Failed: Unable to obtain correct plug status or plug is not available")
			return ExitFailure
		}
		fmt.Fprintf(r.out, "Status: %s\n", status)
		if status == Off {
			return ExitOff
		}
		return ExitOK
	case "on", "off":
		want := Off
		if action == "on" {
			want = On
		}
		if status == want {
			fmt.Fprintf(r.out, "Success: Already %s\n", want)
			return ExitOK
		}
		attempts := 1
		if action == "on" {
			attempts += max(r.o.Int("retry_on"), 0)
		}
		if err := r.power(targets, want == On, attempts); err != nil {
			r.log.Errorf("%v", err)
			if want == On {
				r.log.Errorf("Failed: Timed out waiting to power ON")
			} else {
				r.log.Errorf("Failed: Timed out waiting to power OFF")
			}
			return ExitFailure
		}
		if want == On {
			fmt.Fprintln(r.out, "Success: Powered ON")
		} else {
			fmt.Fprintln(r.out, "Success: Powered OFF")
		}
		return ExitOK
	case "reboot":
		if status != Off {
			if err := r.power(targets, false, 1); err != nil {
				r.log.Errorf("%v", err)
				r.log.Errorf("Failed: Timed out waiting to power OFF")
				return ExitFailure
			}
		}
		// The machine is off: the fence has happened. A failed power on
		// is logged and does not undo that, as in fencing.py.
		if err := r.power(targets, true, max(r.o.Int("retry_on"), 1)); err != nil {
			r.log.Errorf("%v", err)
			r.log.Errorf("Timed out waiting to power ON")
		}
		fmt.Fprintln(r.out, "Success: Rebooted")
		return ExitOK
	}
	r.log.Errorf("Failed: Unrecognised action '%s'", action)
	return ExitFailure
}

// find resolves every plug; the combined status is on when any is on, off
// when all are off, unknown otherwise.
func (r *runner) find(plugs []string) ([]Target, State, error) {
	ctx, cancel := r.phase()
	defer cancel()
	var ts []Target
	status := Off
	for _, p := range plugs {
		t, err := r.dev.Find(ctx, p)
		if err != nil {
			return nil, Unknown, err
		}
		r.log.Debugf("plug %s is %s %s, %s", p, t.Name, t.ID, t.State)
		ts = append(ts, t)
		switch {
		case t.State == On:
			status = On
		case t.State == Unknown && status != On:
			status = Unknown
		}
	}
	return ts, status, nil
}

// power turns every target on or off, each attempt within power_timeout.
func (r *runner) power(ts []Target, on bool, attempts int) error {
	var errs []error
	for _, t := range ts {
		var err error
		for i := 0; i < max(attempts, 1); i++ {
			ctx, cancel := r.phase()
			err = r.dev.Power(ctx, t, on, r.polling())
			cancel()
			if err == nil {
				break
			}
			if i+1 < attempts {
				r.log.Warnf("%v; attempt %d of %d", err, i+2, attempts)
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Version is set at build time, as ocf.Version is:
// -ldflags "-X github.com/ocfkit/ocfkit/fence.Version=...".
var Version = "dev"
