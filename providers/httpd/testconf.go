package httpd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// TestDef is one test of a testconffile (the heartbeat agent's
// README.webapps format):
//
//	test <name>
//	url <url>
//	match <regex>
//	user <user>          (optional, with password)
//	password <password>
//	client <curl|wget>   (optional)
//	client_opts <opts>   (optional)
//	end
type TestDef struct {
	Name       string
	URL        string
	Match      string
	User       string
	Password   string
	Client     string
	ClientOpts string
}

// ReadTestConf returns the test called name, or the first one when name is
// empty. Unknown keywords are an error, as in the heartbeat agent. No error
// quotes the file: a malformed line ("password=secret") may be all secret.
// The definition read so far is returned with an error, for its Secrets.
func ReadTestConf(r io.Reader, name string) (TestDef, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var def TestDef
	found := false
	for n := 1; sc.Scan(); n++ {
		key, value := splitWord(sc.Text())
		if !found {
			if key == "test" && (name == "" || name == value) {
				found = true
				def.Name = value
			}
			continue
		}
		switch {
		case key == "url":
			def.URL = value
		case key == "user":
			def.User = value
		case key == "password":
			def.Password = value
		case key == "client":
			def.Client = value
		case key == "client_opts":
			def.ClientOpts = value
		case key == "match":
			def.Match = value
		case key == "end":
			return def, nil
		case key == "" || strings.HasPrefix(key, "#"):
		default:
			return def, fmt.Errorf("line %d: unknown keyword (expected url, match, user, password, client, client_opts or end; the line is not quoted: it may hold a password)", n)
		}
	}
	if err := sc.Err(); err != nil {
		return def, err
	}
	if !found {
		if name == "" {
			return def, fmt.Errorf("no test in the file")
		}
		return def, fmt.Errorf("no test named %q", name)
	}
	return def, nil
}

// Check says whether the test can run, as is_testconf_sane does.
func (d TestDef) Check() error {
	if d.URL == "" || d.Match == "" {
		return errors.New("the test needs both url and match")
	}
	if (d.User == "") != (d.Password == "") {
		return errors.New("user and password go together")
	}
	return nil
}

// Secrets are the values of the test that may be credentials: the
// password, and the password and query values of its URL. The agent
// registers them for redaction before anything else is done with the test.
func (d TestDef) Secrets() []string {
	out := []string{d.Password}
	if u, err := url.Parse(d.URL); err == nil {
		if pw, ok := u.User.Password(); ok {
			out = append(out, pw)
		}
		for _, vs := range u.Query() {
			out = append(out, vs...)
		}
	}
	return out
}

// ClientOptions reads the curl or wget options of a test for what they
// mean to an in-process check: only switching certificate checks off, and
// options that change nothing here (silence, redirects, which this check
// always follows). Anything else is refused rather than ignored.
func ClientOptions(opts string) (insecure bool, err error) {
	for _, o := range strings.Fields(opts) {
		switch o {
		case "-k", "--insecure", "--no-check-certificate":
			insecure = true
		case "-L", "--location", "-s", "--silent", "-S", "--show-error", "-sS", "-Ss", "-q", "--quiet", "-O-", "--no-proxy":
		default:
			return false, fmt.Errorf("client option %s is not supported by the in-process check", optionName(o))
		}
	}
	return insecure, nil
}

// optionName names a client option without its value, which may be a
// credential (--user=admin:pw, -uadmin:pw); a word that is no option is
// not quoted at all.
func optionName(o string) string {
	switch {
	case strings.HasPrefix(o, "--"):
		name, _, _ := strings.Cut(o, "=")
		return fmt.Sprintf("%q", name)
	case strings.HasPrefix(o, "-") && len(o) >= 2:
		return fmt.Sprintf("%q", o[:2])
	}
	return "(a value, not quoted)"
}
