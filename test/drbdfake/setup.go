package drbdfake

import (
	"io"
	"sort"
	"strings"
)

func (w *World) drbdsetup(args []string, out io.Writer) error {
	var words []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		return fail(20, "drbdsetup: no command given")
	}
	cmd, rest := words[0], words[1:]
	// drbd 8.3 style: drbdsetup /dev/drbd0 sh-status
	if strings.HasPrefix(cmd, "/") && len(rest) > 0 {
		dev := cmd
		cmd, rest = rest[0], []string{w.resourceOfDevice(dev)}
	}
	if err := w.injected(cmd); err != nil {
		return err
	}
	if err := w.needModule(); err != nil {
		return err
	}
	arg := ""
	if len(rest) > 0 {
		arg = rest[0]
	}
	switch cmd {
	case "events2":
		var names []string
		if arg == "" || arg == "all" {
			for n, r := range w.Resources {
				if r.Up {
					names = append(names, n)
				}
			}
			sort.Strings(names)
		} else {
			names = []string{arg}
		}
		io.WriteString(out, w.events2Text(names...))
		return nil
	case "sh-status":
		r := w.Resources[arg]
		if r == nil || !r.Up {
			return fail(10, "%s: No such resource", arg)
		}
		io.WriteString(out, w.shStatusText(arg))
		return nil
	case "wait-connect-resource", "wait-connect-connection", "wait-connect-volume", "wait-connect":
		name := arg
		if cmd == "wait-connect" {
			name = w.resourceOfDevice(arg)
		}
		r := w.Resources[name]
		if r == nil {
			return fail(10, "%s: No such resource", name)
		}
		return r.waitConnect(name)
	case "down":
		if r := w.Resources[arg]; r != nil {
			r.Up, r.Attached, r.Connected, r.Role = false, false, false, "Secondary"
			w.dirty = true
		}
		return nil
	case "primary", "secondary":
		r := w.Resources[arg]
		if r == nil || !r.Up {
			return fail(10, "%s: No such resource", arg)
		}
		if cmd == "secondary" {
			r.Role = "Secondary"
			w.dirty = true
			return nil
		}
		force := false
		for _, a := range args {
			force = force || a == "--force"
		}
		if err := r.promote(arg, force); err != nil {
			return err
		}
		w.dirty = true
		return nil
	}
	return fail(20, "drbdsetup: unknown command '%s'", cmd)
}

func (w *World) resourceOfDevice(dev string) string {
	for n, r := range w.Resources {
		for _, v := range r.Volumes {
			if v.Device == dev {
				return n
			}
		}
	}
	return dev
}
