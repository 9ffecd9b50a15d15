package main

import (
	"os"

	"github.com/ocfkit/ocfkit/ocf"
)

// The anchor's lists: where httpd and its configuration usually are.
var (
	httpdList = []string{"/sbin/httpd2", "/usr/sbin/httpd2", "/usr/sbin/apache2", "/sbin/httpd", "/usr/sbin/httpd", "/usr/sbin/apache"}
	confList  = []string{"/etc/apache2/httpd.conf", "/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf"}
)

// defaultRegex is the anchor's testregex default: the end of an HTML page.
const defaultRegex = `</ *html *>`

// firstExisting is the first path that exists (executable when exec), or
// the last candidate when none does, as the anchor's detection falls back.
func firstExisting(paths []string, exec bool) string {
	for _, p := range paths {
		st, err := os.Stat(p)
		if err == nil && st.Mode().IsRegular() && (!exec || st.Mode()&0o111 != 0) {
			return p
		}
	}
	return paths[len(paths)-1]
}

// params are the parameters as the actions read them (ocf.Env.Decode).
type params struct {
	ConfigFile   string `ocf:"configfile"`
	HTTPD        string `ocf:"httpd"`
	HTTPDSet     bool   `ocf:"httpd,set"`
	Port         string `ocf:"port"` // kept as text: it goes into URLs
	StatusURL    string `ocf:"statusurl"`
	TestRegex    string `ocf:"testregex"`
	TestRegexSet bool   `ocf:"testregex,set"`
	Client       string `ocf:"client"` // accepted, unused
	TestURL      string `ocf:"testurl"`
	TestRegex10  string `ocf:"testregex10"`
	TestConfFile string `ocf:"testconffile"`
	TestName     string `ocf:"testname"`
	Options      string `ocf:"options"`
	EnvFiles     string `ocf:"envfiles"`
	UseIPv6      bool   `ocf:"use_ipv6"`
	TLSVerify    bool   `ocf:"tls_verify"`
	TLSCAFile    string `ocf:"tls_cafile"`
}

// configfile is the identity: it names the server (every process of it
// has -f configfile on its command line).
var declared = []ocf.Param{
	{Name: "configfile", Unique: true, Identity: true, Default: firstExisting(confList, false), Shortdesc: "configuration file path",
		Longdesc: `The full pathname of the Apache configuration file. It is read (with its
Include and IncludeOptional files) to find ServerRoot, PidFile, Listen and the
server-status location. The default is the first of /etc/apache2/httpd.conf,
/etc/apache2/apache2.conf and /etc/httpd/conf/httpd.conf that exists.`},
	{Name: "httpd", Default: firstExisting(httpdList, true), Shortdesc: "httpd binary path",
		Longdesc: `The full pathname of the httpd binary. The default is the first of
/sbin/httpd2, /usr/sbin/httpd2, /usr/sbin/apache2, /sbin/httpd, /usr/sbin/httpd and
/usr/sbin/apache that is executable. A path that is set but is not an executable
file is an error (the heartbeat agent silently used another one).`},
	{Name: "port", Type: ocf.Integer, Shortdesc: "httpd port",
		Longdesc: `A port number to probe for status information when the configuration has no
Listen directive (then the Port directive, then 80 are tried). As in the heartbeat
agent, the first Listen directive of the configuration decides the address to
probe when there is one.`},
	{Name: "statusurl", Shortdesc: "url name",
		Longdesc: `The URL to monitor (the apache server status page by default). If left
unspecified, it is inferred from the configuration: the first Listen address
(localhost when it names only a port; https when it says https or is port 443)
followed by the location whose handler is server-status.

If you set this, make sure that it succeeds *only* from the localhost (127.0.0.1).
Otherwise, it may happen that the cluster complains about the resource being active
on multiple nodes.`},
	{Name: "testregex", Default: defaultRegex, Shortdesc: "monitor regular expression",
		Longdesc: `Regular expression to match in the output of statusurl. Case insensitive,
matched line by line like grep -Ei (Go's RE2 syntax, which covers extended regular
expressions without back-references).`},
	{Name: "client", Shortdesc: "http client",
		Longdesc: `Accepted for compatibility with ocf:heartbeat:apache, where it chose wget or
curl. ocfkit checks the page in-process with Go's HTTP client whatever this says.`},
	{Name: "testurl", Shortdesc: "test url",
		Longdesc: `URL to test at monitor depth 10 (OCF_CHECK_LEVEL=10). If it does not start
with "http", then it's considered to be relative to the Listen address.`},
	{Name: "testregex10", Shortdesc: "extended monitor regular expression",
		Longdesc: `Regular expression to match in the output of testurl. Case insensitive.`},
	{Name: "testconffile", Shortdesc: "test configuration file",
		Longdesc: `A file which contains test configuration for monitor depth 10, in the
format of the heartbeat agent's README.webapps: "test <name>", then "url",
"match", optionally "user" and "password" (HTTP basic authentication), "client"
(curl or wget) and "client_opts" (only -k, --insecure or --no-check-certificate
change anything: they turn certificate checks off), then "end". Useful when
sensitive data (passwords) must not be in the CIB.`},
	{Name: "testname", Shortdesc: "test name",
		Longdesc: `Name of the test within the test configuration file (the first test when
empty).`},
	{Name: "options", Shortdesc: "command line options",
		Longdesc: `Extra options to apply when starting apache. See man httpd(8). Words are split
at blanks; single or double quotes keep a word with blanks together.`},
	{Name: "envfiles", Default: "/etc/apache2/envvars", Shortdesc: "environment settings files",
		Longdesc: `Files (one or more, separated by blanks) which contain extra environment
variables, such as Debian's /etc/apache2/envvars. Set this parameter to an empty
string to read none. The files are read in Go, not by a shell: they may use
assignments, export, unset, ". file", if/elif/else/fi over [ ] tests and the
${VAR}, ${VAR:-word}, ${VAR#pattern} and ${VAR%pattern} expansions. umask (octal)
and ulimit -n, -u and -c (0 or unlimited) are applied to httpd at start; other
ulimit and umask forms, echo, printf and set flags are skipped with a warning or
a debug message. Any other command is reported as an error (stop still stops
the server).`},
	{Name: "use_ipv6", Type: ocf.Boolean, Default: "false", Shortdesc: "use ipv6 with http clients",
		Longdesc: `The monitor detects an IPv6 URL by its address; set this to true to make it
use IPv6 (::1) for a host name such as localhost.`},
	{Name: "tls_verify", Type: ocf.Boolean, Default: "true", Shortdesc: "verify HTTPS certificates",
		Longdesc: `Whether the monitor verifies the server's certificate when the status URL (or
test URL) is https. Set it to false for a self-signed certificate, or better give
the certificate in tls_cafile. (ocfkit only; the heartbeat agent's wget and curl
always verified unless told otherwise in client_opts.)`,
		// ocfkit's own parameter, whose false is the unsafe side: a typo
		// ("Yes") must not turn verification off, as ocf_is_true would.
		Check: ocf.OddBool},
	{Name: "tls_cafile", Shortdesc: "extra trusted certificates (PEM)",
		Longdesc: `A PEM file of certificates to trust, besides the system's, when verifying the
server's certificate: the certificate of a self-signed server, or its private CA.
(ocfkit only.)`},
}
