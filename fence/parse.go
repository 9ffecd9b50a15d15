package fence

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// maxStdin bounds what is read from stdin: Pacemaker sends a few hundred
// bytes; anything near this is not a device configuration.
const maxStdin = 1 << 20

// parseStdin reads name=value lines as Pacemaker's fencer writes them and
// fencing.py reads them: blank lines and # comments are skipped, a value
// may be in double quotes, names may use - or _, the old names (port,
// debug) are accepted, and an unknown name is ignored with a warning.
// "nodename" (the target, which the fencer always sends) is kept apart.
func parseStdin(r io.Reader, opts []Option, warn func(string, ...any)) (map[string]string, string) {
	byName := map[string]Option{}
	for _, o := range opts {
		byName[o.Name] = o
		if o.Alias != "" {
			byName[o.Alias] = o
		}
	}
	out := map[string]string{}
	nodename := ""
	sc := bufio.NewScanner(io.LimitReader(r, maxStdin))
	sc.Buffer(make([]byte, 64*1024), maxStdin)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, "=")
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		key := strings.ReplaceAll(strings.TrimSpace(name), "-", "_")
		o, ok := byName[key]
		if !ok {
			if key == "nodename" {
				nodename = value
				continue
			}
			// The name only: the value may be a secret someone put in
			// the wrong parameter.
			warn("Parse error: Ignoring unknown option '%s'", safeName(name))
			continue
		}
		if o.Flag() {
			switch strings.ToLower(value) {
			case "1", "yes", "on", "true":
				value = "1"
			case "0", "no", "off", "false":
				value = "0"
			default:
				warn("Parse error: Ignoring option '%s' because it does not have value", o.Name)
				continue
			}
		}
		out[o.Name] = value
	}
	if err := sc.Err(); err != nil {
		warn("Parse error: stdin: %v", err)
	}
	return out, nodename
}

// safeName shortens and cleans a name for a log line.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return s
}

// argvError is a command line that cannot be parsed; fencing.py exits 1.
type argvError struct{ msg string }

func (e *argvError) Error() string { return "Parse error: " + e.msg }

// parseArgv reads the command line as Python's getopt.gnu_getopt does
// for fencing.py: short options (clustered, value attached or next),
// long options (=value or next, unique prefixes accepted), options and
// other arguments in any order, "--" ending options. Flags count (-vvv);
// the count of -v becomes verbose_level.
func parseArgv(args []string, opts []Option, warn func(string, ...any)) (map[string]string, error) {
	out := map[string]string{}
	verbose := 0
	var rest []string
	set := func(o Option, v string) {
		if o.Name == "verbose" {
			verbose++
		}
		out[o.Name] = v
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--"):
			name, value, hasValue := strings.Cut(a[2:], "=")
			o, err := findLong(opts, name)
			if err != nil {
				return nil, err
			}
			switch {
			case o.Flag() && hasValue:
				return nil, &argvError{fmt.Sprintf("option --%s must not have an argument", o.Long())}
			case o.Flag():
				set(o, "1")
			case hasValue:
				set(o, value)
			case i+1 < len(args):
				i++
				set(o, args[i])
			default:
				return nil, &argvError{fmt.Sprintf("option --%s requires argument", o.Long())}
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
		short:
			for j := 1; j < len(a); j++ {
				o, ok := findShort(opts, a[j:j+1])
				if !ok {
					return nil, &argvError{fmt.Sprintf("option -%s not recognized", safeName(a[j:j+1]))}
				}
				if o.Flag() {
					set(o, "1")
					continue
				}
				switch {
				case j+1 < len(a):
					set(o, a[j+1:])
				case i+1 < len(args):
					i++
					set(o, args[i])
				default:
					return nil, &argvError{fmt.Sprintf("option -%s requires argument", o.Short)}
				}
				break short // the value took the rest of the word
			}
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) > 0 {
		warn("Unused arguments on command line: %q", rest)
	}
	if _, ok := out["verbose_level"]; !ok && verbose > 0 {
		out["verbose_level"] = fmt.Sprint(verbose)
	}
	return out, nil
}

func findLong(opts []Option, name string) (Option, error) {
	var prefix []Option
	for _, o := range opts {
		if o.Long() == name {
			return o, nil
		}
		if strings.HasPrefix(o.Long(), name) && name != "" {
			prefix = append(prefix, o)
		}
	}
	switch len(prefix) {
	case 1:
		return prefix[0], nil
	case 0:
		return Option{}, &argvError{fmt.Sprintf("option --%s not recognized", safeName(name))}
	}
	return Option{}, &argvError{fmt.Sprintf("option --%s not a unique prefix", safeName(name))}
}

func findShort(opts []Option, s string) (Option, bool) {
	for _, o := range opts {
		if o.Short != "" && o.Short == s {
			return o, true
		}
	}
	return Option{}, false
}
