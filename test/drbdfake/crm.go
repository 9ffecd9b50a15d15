package drbdfake

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// crmAttribute is enough of Pacemaker's crm_attribute for promotion
// scores: -n/--name or -p/--promotion[=rsc], -v/--update, -D/--delete,
// -G/--query with -q/--quiet, -l/--lifetime, -N/--node (all recorded).
func (w *World) crmAttribute(args []string, out io.Writer) error {
	var name, value, def string
	var update, del, query, quiet bool
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := func() string {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
				return v
			}
			if len(a) > 2 && a[0] == '-' && a[1] != '-' {
				return a[2:]
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		key := a
		if k, _, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "--") {
			key = k
		} else if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			key = a[:2]
		}
		switch key {
		case "-n", "--name", "--attr-name":
			name = val()
		case "-p", "--promotion":
			rsc := os.Getenv("OCF_RESOURCE_INSTANCE")
			if strings.Contains(a, "=") || len(a) > 2 && a[1] != '-' {
				rsc = val()
			} else if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				rsc = args[i]
			}
			name = "master-" + rsc
		case "-v", "--update", "--attr-value":
			value, update = val(), true
		case "-D", "--delete", "--delete-attr":
			del = true
		case "-G", "--query", "--get-value":
			query = true
		case "-q", "--quiet", "-Q":
			quiet = true
		case "-d", "--default":
			def = val()
		case "-l", "--lifetime", "-N", "--node", "-t", "--type", "-i", "--id", "-s", "--set-name", "-U", "--uname":
			val()
		case "-V", "--verbose":
		default:
			return fail(64, "crm_attribute: unknown option %s", a)
		}
	}
	if name == "" {
		return fail(64, "crm_attribute: no attribute name given")
	}
	if err := w.injected("crm_attribute"); err != nil {
		return err
	}
	if w.Attrs == nil {
		w.Attrs = map[string]string{}
	}
	switch {
	case del:
		delete(w.Attrs, name)
		w.dirty = true
	case update:
		w.Attrs[name] = value
		w.dirty = true
	case query:
		v, ok := w.Attrs[name]
		if !ok {
			if def == "" {
				return fail(105, "Error performing operation: No such device or address")
			}
			v = def
		}
		if quiet {
			fmt.Fprintln(out, v)
		} else {
			fmt.Fprintf(out, "scope=status  name=%s value=%s\n", name, v)
		}
	default:
		return fail(64, "crm_attribute: nothing to do")
	}
	return nil
}

// crmResource answers --locate with the World's Locate lines.
func (w *World) crmResource(args []string, out io.Writer) error {
	rsc, locate := "", false
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-r" || a == "--resource":
			if i+1 < len(args) {
				i++
				rsc = args[i]
			}
		case strings.HasPrefix(a, "--resource="):
			rsc = strings.TrimPrefix(a, "--resource=")
		case a == "-W" || a == "--locate":
			locate = true
		}
	}
	if !locate {
		return fail(64, "crm_resource: only --locate is faked")
	}
	if len(w.Locate) == 0 {
		return fail(0, "resource %s is NOT running", rsc)
	}
	for _, l := range w.Locate {
		fmt.Fprintln(out, l)
	}
	return nil
}
