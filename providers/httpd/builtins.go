package httpd

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// Note is something of an envfile that was read but not applied as a shell
// would: the agent logs it (Warn: the admin asked for something that does
// not happen; otherwise only for debugging).
type Note struct {
	Text string
	Warn bool
}

// Limit is a resource limit an envfile set with ulimit, for the process
// that starts httpd.
type Limit struct {
	Name       string // the ulimit option, "-n"
	Resource   int
	Value      uint64 // syscall.RLIM_INFINITY for unlimited
	Soft, Hard bool
}

// rlimInfinity is RLIM_INFINITY on Linux.
const rlimInfinity = ^uint64(0)

// builtin evaluates the shell builtins that envvars files use besides
// assignments and that change no variable: umask and ulimit (they shape the
// process that starts httpd, so they are recorded and applied by the
// start), echo and printf (output only), set with option flags (allexport
// is honoured). They never
// make the file unreadable: a form that is not understood is noted and
// skipped, as a shell reports a bad ulimit and goes on with the file.
// handled is false for any other command.
func (e *Env) builtin(file string, c command) (handled bool, err error) {
	at := fmt.Sprintf("%s:%d", file, c.line)
	skip := func(warn bool, format string, a ...any) {
		e.notes = append(e.notes, Note{Text: at + ": " + fmt.Sprintf(format, a...), Warn: warn})
	}
	args := c.words[1:]
	switch c.words[0] {
	case "echo", "printf":
		skip(false, "%s ignored (output only)", c.words[0])
	case "set":
		// Only allexport (-a, -o allexport) changes what the file sets;
		// -e, -u, -x and the like change how errors are handled or traced.
		for i := 0; i < len(args); i++ {
			a := args[i]
			if len(a) < 2 || a[0] != '-' && a[0] != '+' || a == "--" || strings.ContainsAny(a[1:], "-+") {
				skip(true, "set %s not applied (only option flags are understood)", strings.Join(args[i:], " "))
				break
			}
			on := a[0] == '-'
			if strings.Contains(a[1:], "a") {
				e.allexport = on
			}
			if strings.Contains(a[1:], "o") && i+1 < len(args) {
				i++
				if args[i] == "allexport" {
					e.allexport = on
				}
			}
		}
	case "umask":
		words, err := e.expandAll(args)
		if err != nil {
			return true, fmt.Errorf("%s: %w", at, err)
		}
		switch {
		case len(words) == 0:
			skip(false, "umask without a value ignored (it only prints)")
		case len(words) == 1 && isOctal(words[0]):
			m, _ := strconv.ParseUint(words[0], 8, 32)
			e.umask = int(m)
		default:
			skip(true, "umask %s not applied (only an octal mask is understood)", strings.Join(words, " "))
		}
	case "ulimit":
		words, err := e.expandAll(args)
		if err != nil {
			return true, fmt.Errorf("%s: %w", at, err)
		}
		l, msg := parseUlimit(words)
		switch {
		case msg != "":
			skip(true, "ulimit %s not applied: %s", strings.Join(words, " "), msg)
		case l == nil:
			skip(false, "ulimit %s ignored (it only prints)", strings.Join(words, " "))
		default:
			e.limits = append(e.limits, *l)
		}
	default:
		return false, nil
	}
	return true, nil
}

func isOctal(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	return true
}

// parseUlimit reads "ulimit [-S|-H] -<opt> value". Only the limits whose
// value means the same in every /bin/sh are applied: -n and -u (counts),
// and -c 0 or unlimited (dash counts core sizes in 512-byte blocks, bash in
// 1024). A nil limit and no message: the command only prints a limit.
func parseUlimit(words []string) (*Limit, string) {
	soft, hard := false, false
	opt, value := "", ""
	for _, w := range words {
		switch {
		case w == "-S":
			soft = true
		case w == "-H":
			hard = true
		case len(w) == 2 && w[0] == '-' && opt == "":
			opt = w
		case len(w) > 2 && w[0] == '-' && opt == "" && (w[1] == 'S' || w[1] == 'H'):
			// -Sn, -Hn
			soft, hard = soft || w[1] == 'S', hard || w[1] == 'H'
			opt = "-" + w[2:]
		case value == "" && !strings.HasPrefix(w, "-"):
			value = w
		default:
			return nil, "too many arguments"
		}
	}
	if opt == "" {
		opt = "-f"
	}
	if value == "" {
		return nil, ""
	}
	if !soft && !hard {
		soft, hard = true, true
	}
	l := &Limit{Name: opt, Soft: soft, Hard: hard}
	switch opt {
	case "-n":
		l.Resource = syscall.RLIMIT_NOFILE
	case "-u":
		l.Resource = rlimitNproc
	case "-c":
		l.Resource = syscall.RLIMIT_CORE
		if value != "0" && value != "unlimited" {
			return nil, "core sizes other than 0 and unlimited count in blocks of different sizes in dash and bash"
		}
	default:
		return nil, "only -n, -u and -c are applied"
	}
	if value == "unlimited" {
		l.Value = rlimInfinity
		return l, ""
	}
	n, err := strconv.ParseUint(value, 10, 64)
	if err != nil {
		return nil, "the value is not a number"
	}
	l.Value = n
	return l, ""
}

// rlimitNproc is RLIMIT_NPROC on Linux (the syscall package does not name
// it).
const rlimitNproc = 6

// Umask is the mask an envfile set with umask, if any.
func (e *Env) Umask() (int, bool) { return e.umask, e.umask >= 0 }

// Limits are the limits an envfile set with ulimit, in order.
func (e *Env) Limits() []Limit { return e.limits }

// Notes are what was read and skipped, in order.
func (e *Env) Notes() []Note { return e.notes }

// ApplyProcess gives this process, and so the httpd it starts next, the
// umask and limits of the envfiles. A limit the kernel refuses is an error
// in the list, and the others still apply (as a shell goes on after a
// failed ulimit).
func (e *Env) ApplyProcess() []error {
	if m, ok := e.Umask(); ok {
		syscall.Umask(m)
	}
	var errs []error
	for _, l := range e.limits {
		var r syscall.Rlimit
		if err := syscall.Getrlimit(l.Resource, &r); err != nil {
			errs = append(errs, fmt.Errorf("ulimit %s: %v", l.Name, err))
			continue
		}
		if l.Soft {
			r.Cur = l.Value
		}
		if l.Hard {
			r.Max = l.Value
		}
		if err := syscall.Setrlimit(l.Resource, &r); err != nil {
			errs = append(errs, fmt.Errorf("ulimit %s %d: %v", l.Name, l.Value, err))
		}
	}
	return errs
}
