package main

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp/syntax"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
)

// instance is the server as the parameters and its configuration describe it.
type instance struct {
	server    *httpd.Server
	conf      *httpd.Config
	env       *httpd.Env
	port      string
	statusURL string
	regex     *httpd.Matcher
	// fallback: no monitoring parameter was given, so a failed status check
	// is followed by a plain request of the server, as the anchor does.
	fallback bool
	ipv6     bool
	insecure bool
	caFile   string
	test     *httpd.TestDef // depth 10 from testconffile
}

// inst is this invocation's instance, set by validate, which the runtime
// calls before every action.
var inst *instance

func validate(ctx context.Context, e *ocf.Env) error {
	in, err := load(e)
	if err != nil {
		return invalidEnv(e, err)
	}
	inst = in
	if e.Action == "validate-all" {
		return validateAll(ctx, in)
	}
	return nil
}

// invalidEnv answers like the anchor's ocf-rarun when the resource cannot
// be set up on this node. A recurring monitor reports a failure to recover
// from rather than a configuration error that would stop the resource
// everywhere. Probes get "not running" from the runtime. A stop never
// fails for it: a failed stop gets the node fenced, and what runs of this
// instance can be found without the configuration (see stopOnly).
func invalidEnv(e *ocf.Env, err error) error {
	switch c := ocf.CodeOf(err); {
	case e.Action == "stop":
		e.Log.Warnf("%v; stopping the processes of %s found by their command line", err, e.Str("configfile"))
		inst = stopOnly(e)
		return nil
	case c != ocf.ErrInstalled && c != ocf.ErrConfigured:
		return err
	case e.Action == "monitor" && !e.IsProbe():
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	return err
}

// stopOnly is the instance as far as a stop needs it when the envfiles or
// the configuration cannot be read: httpd and its configuration file, which
// every process of the instance has on its command line (-f). Without a
// pid file the stop finds the main process among them.
func stopOnly(e *ocf.Env) *instance {
	return &instance{server: &httpd.Server{Binary: e.Str("httpd"), ConfigFile: e.Str("configfile")}}
}

// validateAll also asks httpd whether it accepts the configuration.
func validateAll(ctx context.Context, in *instance) error {
	if err := in.server.ConfigTest(ctx); err != nil {
		return refused(err)
	}
	return nil
}

// refused maps httpd's refusal of its configuration to ERR_CONFIGURED with
// httpd's own words.
func refused(err error) error {
	var ee *httpd.ExitError
	if errors.As(err, &ee) {
		return ocf.Errorf(ocf.ErrConfigured, "httpd refuses the configuration: %s", ee.Output)
	}
	return ocf.Errorf(ocf.ErrGeneric, "httpd -t: %v", err)
}

// load reads the parameters, the envfiles and the configuration. It forks
// nothing: the monitor runs it every interval.
func load(e *ocf.Env) (*instance, error) {
	bin := e.Str("httpd")
	if !isExecutable(bin) {
		if e.IsSet("httpd") {
			return nil, ocf.Errorf(ocf.ErrInstalled, "HTTPD %s not found or is not an executable", bin)
		}
		return nil, ocf.Errorf(ocf.ErrInstalled, "apache httpd program not found (looked for %s)", strings.Join(httpdList, ", "))
	}
	file := e.Str("configfile")
	if !filepath.IsAbs(file) {
		return nil, ocf.Errorf(ocf.ErrConfigured, "configfile %q must be an absolute path", file)
	}
	if st, err := os.Stat(file); err != nil || !st.Mode().IsRegular() {
		return nil, ocf.Errorf(ocf.ErrInstalled, "Configuration file %s not found", file)
	}

	env := httpd.NewEnv(os.Environ())
	// apache2ctl tells Debian's envvars which instance it is about
	// (/etc/apache2-<name>/apache2.conf); do the same.
	if dir := filepath.Dir(file); strings.HasPrefix(dir, "/etc/apache2") {
		if _, ok := env.Get("APACHE_CONFDIR"); !ok {
			env.Set("APACHE_CONFDIR", dir)
		}
	}
	err := env.SourceFiles(envFiles(e))
	for _, n := range env.Notes() {
		if n.Warn && e.Action == "start" {
			e.Log.Warnf("envfiles: %s", n.Text)
		} else {
			e.Log.Debugf("envfiles: %s", n.Text)
		}
	}
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "envfiles: %v", err)
	}

	options := httpd.SplitArgs(e.Str("options"))
	conf, err := httpd.ParseConfig(file, httpd.ParseOptions{
		ServerRoot: defaultServerRoot(bin),
		Env:        env.Exported(),
		Defines:    append([]string{"STATUS"}, httpd.Defines(options)...),
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ocf.Errorf(ocf.ErrInstalled, "Configuration file %s not found", file)
	}
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "reading %s: %v", file, err)
	}

	in := &instance{
		conf:   conf,
		env:    env,
		port:   e.Str("port"),
		ipv6:   e.Bool("use_ipv6"),
		caFile: e.Str("tls_cafile"),
		server: &httpd.Server{
			Binary:     bin,
			ConfigFile: file,
			PidFile:    conf.PidFile,
			Options:    options,
			Env:        env.Environ(),
		},
	}
	in.insecure = !e.Bool("tls_verify")
	if in.server.PidFile == "" {
		// The configuration names none: use our own and tell httpd.
		in.server.PidFile = defaultPidFile(bin, e.Instance)
		in.server.SetPidFile = true
	}
	if e.Action != "stop" {
		// What only start and monitor use; stop needs none of it.
		if err := in.loadChecks(e); err != nil {
			return nil, err
		}
	}
	if e.IsSet("client") {
		e.Log.Debugf("client=%s ignored: the check is done in-process", e.Str("client"))
	}
	return in, nil
}

// loadChecks reads the parameters of the page checks.
func (in *instance) loadChecks(e *ocf.Env) error {
	var err error
	in.statusURL = e.Str("statusurl")
	if in.statusURL == "" {
		in.statusURL = httpd.StatusURL(in.conf, in.port)
		if _, err := httpd.ParseURL(in.statusURL); err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "status URL derived from %s: %v; set statusurl", in.server.ConfigFile, err)
		}
	} else if _, err := httpd.ParseURL(in.statusURL); err != nil {
		return ocf.Errorf(ocf.ErrConfigured, "statusurl: %v", err)
	}
	if in.regex, err = httpd.CompileRegex(e.Str("testregex")); err != nil {
		return ocf.Errorf(ocf.ErrConfigured, "testregex: %v", err)
	}
	if v := e.Str("testregex10"); v != "" {
		if _, err := httpd.CompileRegex(v); err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "testregex10: %v", err)
		}
	}
	in.fallback = true
	for _, p := range []string{"testregex", "testregex10", "testurl", "statusurl", "testconffile"} {
		in.fallback = in.fallback && !e.IsSet(p)
	}
	if in.caFile != "" {
		if st, err := os.Stat(in.caFile); err != nil || !st.Mode().IsRegular() {
			return ocf.Errorf(ocf.ErrInstalled, "tls_cafile %s not found", in.caFile)
		}
	}
	if tf := e.Str("testconffile"); tf != "" {
		if in.test, err = readTest(tf, e.Str("testname")); err != nil {
			return err
		}
	}
	return nil
}

// envFiles are the files to read; an envfiles parameter set to the empty
// string means none, as in the anchor (which the runtime would otherwise
// take for "unset" and default).
func envFiles(e *ocf.Env) []string {
	if v, ok := os.LookupEnv("OCF_RESKEY_envfiles"); ok && strings.TrimSpace(v) == "" {
		return nil
	}
	return strings.Fields(e.Str("envfiles"))
}

// readTest reads the depth-10 test from the test configuration file.
func readTest(path, name string) (*httpd.TestDef, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrInstalled, "Configuration file %s not found, or not readable", path)
	}
	defer f.Close()
	// The file exists to keep credentials out of the CIB: its values are
	// registered for redaction at once, even from a file that fails to
	// parse, and no message below quotes one (the match expression, the
	// client and the client options could be anything).
	def, err := httpd.ReadTestConf(f, name)
	for _, s := range def.Secrets() {
		ocf.RegisterSecret(s)
	}
	if err == nil {
		err = def.Check()
	}
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "testconffile %s: %v", path, err)
	}
	if _, err := url.Parse(def.URL); err != nil {
		// Checked here so that no later message quotes it.
		return nil, ocf.Errorf(ocf.ErrConfigured, "testconffile %s: url is malformed", path)
	}
	switch def.Client {
	case "", "curl", "wget":
	default:
		return nil, ocf.Errorf(ocf.ErrConfigured, "testconffile %s: client is not supported: ocfkit checks in-process with Go's HTTP client (curl and wget are accepted)", path)
	}
	if _, err := httpd.ClientOptions(def.ClientOpts); err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "testconffile %s: %v", path, err)
	}
	if _, err := httpd.CompileRegex(def.Match); err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "testconffile %s: match is not a valid regular expression (%s)", path, regexProblem(err))
	}
	return &def, nil
}

// regexProblem is what is wrong with an expression, without quoting it.
func regexProblem(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return string(se.Code)
	}
	return "invalid"
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// defaultServerRoot is the compiled-in ServerRoot of the distributions'
// builds, used until the configuration sets one.
func defaultServerRoot(bin string) string {
	if strings.HasPrefix(filepath.Base(bin), "apache2") {
		return "/etc/apache2"
	}
	return "/etc/httpd"
}

// defaultPidFile is the anchor's $HA_VARRUN/<httpd name>-<instance>.pid
// (the name cut at its first '-').
func defaultPidFile(bin, instance string) string {
	dir := os.Getenv("HA_VARRUN")
	if dir == "" {
		dir = "/var/run"
	}
	name, _, _ := strings.Cut(filepath.Base(bin), "-")
	return filepath.Join(dir, name+"-"+instance+".pid")
}
