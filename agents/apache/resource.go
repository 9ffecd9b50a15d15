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

// resource is the server as the parameters and its configuration describe it.
type resource struct {
	p params
	// bestEffort: loaded by loadForStop from what could be read; the
	// server is known by its command line only (no pid file, no page).
	bestEffort bool
	server     *httpd.Server
	conf       *httpd.Config
	env        *httpd.Env
	port       string
	statusURL  string
	regex      *httpd.Matcher
	// fallback: no monitoring parameter was given, so a failed status check
	// is followed by a plain request of the server, as the anchor does.
	fallback bool
	ipv6     bool
	insecure bool
	caFile   string
	test     *httpd.TestDef // depth 10 from testconffile
}

// load reads the parameters, the envfiles and the configuration, strictly.
// For validate-all it also asks httpd whether it accepts the configuration.
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	r, err := loadConfig(e)
	if err != nil {
		return nil, err
	}
	if e.Action == "validate-all" {
		if err := validateAll(ctx, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// loadForStop never fails. When the envfiles, the configuration or the
// httpd binary cannot be used, the server is what its configuration file
// identifies: every process of it runs an httpd program with -f
// configfile on its command line. The configured binary is used to find
// them only when it exists here: a path that does not (httpd=/usr/sbin/httpd
// on Debian) would find nothing and leave the server running.
func loadForStop(ctx context.Context, e *ocf.Env) *resource {
	r, err := loadConfig(e)
	if err == nil {
		return r
	}
	r = &resource{bestEffort: true}
	if derr := e.Decode(&r.p); derr != nil {
		e.Log.Warnf("%v", derr)
	}
	bin := r.p.HTTPD
	if !isExecutable(bin) {
		bin = ""
	}
	r.server = &httpd.Server{Binary: bin, ConfigFile: r.p.ConfigFile}
	what := "any httpd program"
	if bin != "" {
		what = bin
	}
	e.Log.Warnf("%v; looking for the processes of %s with -f %s", err, what, r.p.ConfigFile)
	return r
}

// validateAll also asks httpd whether it accepts the configuration.
func validateAll(ctx context.Context, in *resource) error {
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

// loadConfig reads the parameters, the envfiles and the configuration. It
// forks nothing: the monitor runs it every interval.
func loadConfig(e *ocf.Env) (*resource, error) {
	var p params
	if err := e.Decode(&p); err != nil {
		return nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	bin := p.HTTPD
	if !isExecutable(bin) && p.HTTPDSet {
		// The anchor falls back to the httpd it finds (find_httpd_prog)
		// and says which: an httpd parameter written for another
		// distribution (/usr/sbin/httpd on Debian) still runs the server.
		if found := firstExisting(httpdList, true); isExecutable(found) {
			if e.Action != "monitor" {
				e.Log.Warnf("httpd %s not found or is not an executable: using %s", bin, found)
			}
			bin = found
		}
	}
	if !isExecutable(bin) {
		if p.HTTPDSet {
			return nil, ocf.Errorf(ocf.ErrInstalled, "HTTPD %s not found or is not an executable, and none of %s is", p.HTTPD, strings.Join(httpdList, ", "))
		}
		return nil, ocf.Errorf(ocf.ErrInstalled, "apache httpd program not found (looked for %s)", strings.Join(httpdList, ", "))
	}
	file := p.ConfigFile
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
	err := env.SourceFiles(envFiles(p))
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

	options := httpd.SplitArgs(p.Options)
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

	in := &resource{
		p:      p,
		conf:   conf,
		env:    env,
		port:   p.Port,
		ipv6:   p.UseIPv6,
		caFile: p.TLSCAFile,
		server: &httpd.Server{
			Binary:     bin,
			ConfigFile: file,
			PidFile:    conf.PidFile,
			Options:    options,
			Env:        env.Environ(),
		},
	}
	in.insecure = !p.TLSVerify
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
	if p.Client != "" {
		e.Log.Debugf("client=%s ignored: the check is done in-process", p.Client)
	}
	return in, nil
}

// loadChecks reads the parameters of the page checks.
func (in *resource) loadChecks(e *ocf.Env) error {
	var err error
	in.statusURL = in.p.StatusURL
	if in.statusURL == "" {
		in.statusURL = httpd.StatusURL(in.conf, in.port)
		if _, err := httpd.ParseURL(in.statusURL); err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "status URL derived from %s: %v; set statusurl", in.server.ConfigFile, err)
		}
	} else if _, err := httpd.ParseURL(in.statusURL); err != nil {
		return ocf.Errorf(ocf.ErrConfigured, "statusurl: %v", err)
	}
	if in.regex, err = httpd.CompileRegex(in.p.TestRegex); err != nil {
		return ocf.Errorf(ocf.ErrConfigured, "testregex: %v", err)
	}
	if v := in.p.TestRegex10; v != "" {
		if _, err := httpd.CompileRegex(v); err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "testregex10: %v", err)
		}
	}
	in.fallback = !in.p.TestRegexSet && in.p.TestRegex10 == "" && in.p.TestURL == "" && in.p.StatusURL == "" && in.p.TestConfFile == ""
	if in.caFile != "" {
		if st, err := os.Stat(in.caFile); err != nil || !st.Mode().IsRegular() {
			return ocf.Errorf(ocf.ErrInstalled, "tls_cafile %s not found", in.caFile)
		}
	}
	if tf := in.p.TestConfFile; tf != "" {
		if in.test, err = readTest(tf, in.p.TestName); err != nil {
			return err
		}
	}
	return nil
}

// envFiles are the files to read; an envfiles parameter set to the empty
// string means none, as in the anchor (which the runtime would otherwise
// take for "unset" and default).
func envFiles(p params) []string {
	if v, ok := os.LookupEnv("OCF_RESKEY_envfiles"); ok && strings.TrimSpace(v) == "" {
		return nil
	}
	return strings.Fields(p.EnvFiles)
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
