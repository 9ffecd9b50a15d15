package fence

import (
	"fmt"
	"strconv"
	"strings"
)

// Option is one parameter of a fence agent, as fencing.py's all_opt
// describes one: a stdin name, a long and maybe a short command-line
// option, a type, a default and the texts of --help and the metadata.
type Option struct {
	Name      string // stdin and metadata name, e.g. "power_timeout"
	Short     string // short option letter, e.g. "o" ("" for none)
	Arg       string // value placeholder shown in --help, e.g. "[seconds]"
	Type      string // "string", "second", "integer", "boolean" (a flag) or "select"
	Choices   []string
	Default   string
	Required  bool
	Shortdesc string
	Order     int    // position in --help and the metadata, as fencing.py orders
	Alias     string // the old name still accepted: "port" for plug, "debug" for debug_file
	// Secret values are redacted from every log line once read.
	Secret bool
}

// Long is the long command-line option, e.g. "power-timeout".
func (o Option) Long() string { return strings.ReplaceAll(o.Name, "_", "-") }

// Flag says whether the option takes no value on the command line.
func (o Option) Flag() bool { return o.Type == "boolean" }

// mixed is the getopt text of the metadata and --help: "-o, --action=[action]".
func (o Option) mixed() string {
	s := "--" + o.Long()
	if o.Arg != "" {
		s += "=" + o.Arg
	}
	if o.Short != "" {
		s = "-" + o.Short + ", " + s
	}
	return s
}

// check says what is wrong with a value, in fencing.py's words.
func (o Option) check(v string) error {
	switch o.Type {
	case "second":
		if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
			return fmt.Errorf("Failed: The value you have entered for --%s is not a valid time in seconds", o.Long())
		}
	case "integer":
		if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
			return fmt.Errorf("Failed: The value you have entered for --%s is not a valid integer", o.Long())
		}
	case "select":
		for _, c := range o.Choices {
			if strings.EqualFold(c, v) {
				return nil
			}
		}
		return fmt.Errorf("Failed: You have to enter a valid choice for --%s from the valid values: %s", o.Long(), strings.Join(o.Choices, ", "))
	}
	return nil
}

// Standard options: the ones fencing.py gives every agent with a plug
// ("default" and "port" of its DEPENDENCY_OPT), with its names, letters,
// defaults, order and texts.
func standardOptions() []Option {
	return []Option{
		{Name: "action", Short: "o", Arg: "[action]", Type: "string", Default: "reboot", Required: true, Shortdesc: "Fencing action", Order: 1},
		{Name: "plug", Alias: "port", Short: "n", Arg: "[id]", Type: "string", Required: true, Shortdesc: "Physical plug number on device, UUID or identification of machine", Order: 1},
		{Name: "quiet", Short: "q", Type: "boolean", Shortdesc: "Disable logging to stderr. Does not affect --verbose or --debug-file or logging to syslog.", Order: 50},
		{Name: "verbose", Short: "v", Type: "boolean", Shortdesc: "Verbose mode. Multiple -v flags can be stacked on the command line (e.g., -vvv) to increase verbosity.", Order: 51},
		{Name: "verbose_level", Type: "integer", Shortdesc: "Level of debugging detail in output. Defaults to the number of --verbose flags specified on the command line, or to 1 if verbose=1 in a stonith device configuration (i.e., on stdin).", Order: 52},
		{Name: "debug_file", Alias: "debug", Short: "D", Arg: "[debugfile]", Type: "string", Shortdesc: "Write debug information to given file", Order: 53},
		{Name: "version", Short: "V", Type: "boolean", Shortdesc: "Display version information and exit", Order: 54},
		{Name: "help", Short: "h", Type: "boolean", Shortdesc: "Display help and exit", Order: 55},
		{Name: "plug_separator", Arg: "[char]", Type: "string", Default: ",", Shortdesc: "Separator for plug parameter when specifying more than 1 plug", Order: 100},
		{Name: "separator", Short: "C", Arg: "[char]", Type: "string", Default: ",", Shortdesc: "Separator for CSV created by 'list' operation", Order: 100},
		{Name: "delay", Arg: "[seconds]", Type: "second", Default: "0", Shortdesc: "Wait X seconds before fencing is started", Order: 200},
		{Name: "disable_timeout", Arg: "[true/false]", Type: "string", Shortdesc: "Disable timeout (true/false) (default: true when run from Pacemaker 2.0+)", Order: 200},
		{Name: "login_timeout", Arg: "[seconds]", Type: "second", Default: "5", Shortdesc: "Wait X seconds for cmd prompt after login", Order: 200},
		{Name: "power_timeout", Arg: "[seconds]", Type: "second", Default: "20", Shortdesc: "Test X seconds for status change after ON/OFF", Order: 200},
		{Name: "power_wait", Arg: "[seconds]", Type: "second", Default: "0", Shortdesc: "Wait X seconds after issuing ON/OFF", Order: 200},
		{Name: "shell_timeout", Arg: "[seconds]", Type: "second", Default: "3", Shortdesc: "Wait X seconds for cmd prompt after issuing command", Order: 200},
		{Name: "stonith_status_sleep", Arg: "[seconds]", Type: "second", Default: "1", Shortdesc: "Sleep X seconds between status calls during a STONITH action", Order: 200},
		{Name: "retry_on", Arg: "[attempts]", Type: "integer", Default: "1", Shortdesc: "Count of attempts to retry power on", Order: 201},
	}
}

// Actions every agent with a plug supports, in fencing.py's order.
var Actions = []string{"on", "off", "reboot", "status", "list", "list-status", "monitor", "metadata", "manpage", "validate-all"}

// Options are the parsed values, by canonical name, defaults filled in.
type Options struct {
	values map[string]string
	given  map[string]bool
}

// Get is the value of name ("" when unset and without default).
func (o *Options) Get(name string) string { return o.values[name] }

// IsSet says whether name was given (rather than defaulted).
func (o *Options) IsSet(name string) bool { return o.given[name] }

// Int is an integer option's value (its type was checked at parse time).
func (o *Options) Int(name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(o.values[name]))
	return n
}

// Bool is a flag's value.
func (o *Options) Bool(name string) bool {
	switch strings.ToLower(strings.TrimSpace(o.values[name])) {
	case "1", "yes", "on", "true":
		return true
	}
	return false
}

func (o *Options) set(name, v string) {
	o.values[name] = v
	o.given[name] = true
}
