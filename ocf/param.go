package ocf

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is a parameter's type. Select is written as "string" in meta-data
// (ra-api-1.dtd knows no select) with the allowed values in the long
// description, and is checked here.
type Type int

const (
	String Type = iota
	Integer
	Boolean
	Select
)

func (t Type) xml() string {
	switch t {
	case Integer:
		return "integer"
	case Boolean:
		return "boolean"
	}
	return "string"
}

// Param declares one parameter. It is the only list of an agent's parameters:
// environment, flags, checks and meta-data all come from it.
type Param struct {
	Name      string
	Type      Type
	Options   []string // allowed values of a Select
	Required  bool
	Unique    bool
	Default   string
	Shortdesc string
	Longdesc  string
	// Alias is a deprecated name still read (with a warning) when Name is
	// not set, so existing configurations keep working.
	Alias string
	// Secret values are registered for redaction as soon as they are read:
	// they never reach a log line or an exit reason.
	Secret bool
	// Unsupported names a parameter of the anchor that ocfkit accepts but
	// does not implement: validation refuses any value other than Default
	// with this text as the reason, rather than ignoring it silently.
	Unsupported string
	// Check validates a value that is set (after the type check).
	Check func(v string) error
	// Identity marks a parameter that names what the resource is (the
	// address, device, directory, DRBD resource, configuration file...).
	// A value that fails its checks is ERR_CONFIGURED for every action
	// but stop (which reads it as unset), and a monitor still looks at
	// the system with what can be read.
	Identity bool
	// Strict marks a parameter whose default is no safe stand-in for a
	// bad value (an API endpoint: the default is a real cloud): a value
	// that fails its checks is ERR_CONFIGURED, as for an identity.
	// Any other parameter that fails its checks is tolerated as the
	// anchors tolerate it: a warning, and the default in its place.
	Strict bool
}

// ParseBool reads a boolean as ocf-shellfuncs' ocf_is_true does: exactly
// yes, true, 1, YES, TRUE, True, ja, on and ON are true, and every other
// value is false. ocf_is_true refuses no value, so the error is always
// nil (the signature stays for the callers that check it); a value that
// is neither a true nor a usual false spelling, a typo such as "Yes" or
// "enabled", is worth a warning: see OddBool.
func ParseBool(v string) (bool, error) {
	return IsTrue(v), nil
}

// OddBool says why v, which reads as false, is not a usual false spelling;
// nil for a true or a usual false spelling.
func OddBool(v string) error {
	if IsTrue(v) || usualFalse(v) {
		return nil
	}
	return fmt.Errorf("%q reads as false, as ocf_is_true reads it (true is one of %s)",
		v, strings.Join(trueSpellings, ", "))
}

// trueSpellings are ocf_is_true's, case and all.
var trueSpellings = []string{"yes", "true", "1", "YES", "TRUE", "True", "ja", "on", "ON"}

// IsTrue is ocf_is_true.
func IsTrue(v string) bool {
	for _, t := range trueSpellings {
		if v == t {
			return true
		}
	}
	return false
}

// usualFalse are the false spellings that need no warning.
func usualFalse(v string) bool {
	switch v {
	case "", "no", "false", "0", "off", "NO", "FALSE", "False", "nein", "OFF":
		return true
	}
	return false
}

// BoolWarning is the warning for a boolean parameter set to a value that is
// neither a true nor a usual false spelling, "" for any other.
func (p *Param) BoolWarning(v string) string {
	if p.Type != Boolean {
		return ""
	}
	if err := OddBool(v); err != nil {
		return "parameter " + p.Name + ": " + err.Error()
	}
	return ""
}

// check validates a set value against the declared type and Check.
func (p *Param) check(v string) error {
	switch p.Type {
	case Integer:
		if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
			return fmt.Errorf("parameter %s=%q is not an integer", p.Name, v)
		}
	case Boolean:
		// Every value is a boolean to ocf_is_true (BoolWarning).
	case Select:
		ok := false
		for _, o := range p.Options {
			ok = ok || o == v
		}
		if !ok {
			return fmt.Errorf("parameter %s=%q is not one of %s", p.Name, v, strings.Join(p.Options, ", "))
		}
	}
	if p.Unsupported != "" && v != p.Default {
		return fmt.Errorf("parameter %s is not supported by ocfkit: %s", p.Name, p.Unsupported)
	}
	if p.Check != nil {
		if err := p.Check(v); err != nil {
			return fmt.Errorf("parameter %s=%q: %v", p.Name, v, err)
		}
	}
	return nil
}

// longdesc is the description written to meta-data, with the allowed values
// of a Select spelled out.
func (p *Param) longdesc() string {
	d := p.Longdesc
	if d == "" {
		d = p.Shortdesc
	}
	if d != "" && !strings.HasSuffix(strings.TrimSpace(d), ".") && (p.Type == Select || p.Unsupported != "") {
		d = strings.TrimSpace(d) + "."
	}
	if p.Type == Select && len(p.Options) > 0 {
		d = strings.TrimRight(d, " \n") + "\nAllowed values: " + strings.Join(p.Options, ", ") + "."
	}
	if p.Unsupported != "" {
		d = strings.TrimRight(d, " \n") + "\nNot supported by ocfkit (" + p.Unsupported + "): only the default is accepted."
	}
	return d
}
