package drbdfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// exitError is a failed fake command: its exit code and stderr text.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// Main runs the fake as the program argv[0] names (drbdadm, drbdsetup,
// crm_attribute, crm_resource; or "drbdfake <name> args...") and returns
// its exit code.
func Main(argv []string, stdout, stderr io.Writer) int {
	if len(argv) == 0 {
		return 2
	}
	prog := filepath.Base(argv[0])
	args := argv[1:]
	if prog == "drbdfake" {
		if len(args) == 0 {
			fmt.Fprintln(stderr, "usage: drbdfake drbdadm|drbdsetup|crm_attribute|crm_resource args...")
			return 2
		}
		prog, args = args[0], args[1:]
	}
	path := StatePath(argv[0])
	if w, err := Read(path); err == nil {
		if secs := w.Hang[commandWord(prog, args)]; secs > 0 {
			time.Sleep(time.Duration(secs * float64(time.Second)))
		}
	}
	err := Update(path, func(w *World) error {
		w.appendLog(prog, args)
		switch prog {
		case "drbdadm":
			return w.drbdadm(args, stdout)
		case "drbdsetup":
			return w.drbdsetup(args, stdout)
		case "crm_attribute":
			return w.crmAttribute(args, stdout)
		case "crm_resource":
			return w.crmResource(args, stdout)
		}
		return fail(2, "drbdfake: unknown program %q", prog)
	})
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "drbdfake:", err)
	return 20
}

func (w *World) appendLog(prog string, args []string) {
	if w.Log == "" {
		return
	}
	b, _ := json.Marshal(append([]string{prog}, args...))
	f, err := os.OpenFile(w.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	f.Write(append(b, '\n'))
	f.Close()
}

// commandWord is the command a call asks for ("events2", "primary"; the
// program name for crm_attribute and crm_resource).
func commandWord(prog string, args []string) string {
	switch prog {
	case "drbdadm":
		if c, err := parseAdm(args); err == nil {
			return c.cmd
		}
	case "drbdsetup":
		for _, a := range args {
			if !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "/") {
				return a
			}
		}
	}
	return prog
}

// Calls reads a command log: one entry per call, program name first.
func Calls(logPath string) ([][]string, error) {
	b, err := os.ReadFile(logPath)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var calls [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var c []string
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, err
		}
		calls = append(calls, c)
	}
	return calls, nil
}

func (w *World) injected(word string) error {
	if code, ok := w.Fail[word]; ok && code != 0 {
		return fail(code, "drbdfake: injected failure of %s (exit %d)", word, code)
	}
	return nil
}

// resource resolves "r0", "r0:peer" or "r0/0" to a configured resource.
func (w *World) resource(spec string) (string, *Resource, error) {
	name := spec
	if i := strings.IndexAny(name, ":/"); i >= 0 {
		name = name[:i]
	}
	r := w.Resources[name]
	if r == nil || !r.InConfig {
		return name, nil, fail(1, "'%s' not defined in your config (for this host).", name)
	}
	return name, r, nil
}

func (w *World) needModule() error {
	if w.Kernel == "" {
		return fail(20, "Could not connect to 'drbd' generic netlink family")
	}
	return nil
}

func needUp(name string, r *Resource) error {
	if !r.Up {
		return fail(10, "%s: No such resource", name)
	}
	return nil
}
