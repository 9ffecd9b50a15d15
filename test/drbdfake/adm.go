package drbdfake

import (
	"fmt"
	"io"
	"strings"
)

// admCall is a parsed drbdadm command line.
type admCall struct {
	conf    string
	dryRun  bool
	stacked bool
	cmd     string
	spec    string   // resource argument
	opts    []string // options after the command
}

func parseAdm(args []string) (admCall, error) {
	c := admCall{conf: "/etc/drbd.conf"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-c" || a == "--config-file":
			if i+1 >= len(args) {
				return c, fail(20, "drbdadm: option %s needs an argument", a)
			}
			i++
			c.conf = args[i]
		case strings.HasPrefix(a, "--config-file="):
			c.conf = strings.TrimPrefix(a, "--config-file=")
		case a == "-d" || a == "--dry-run":
			c.dryRun = true
		case a == "-S" || a == "--stacked":
			c.stacked = true
		case a == "-v" || a == "--verbose":
		case a == "--peer":
			i++ // 8.4's --peer <name>: accepted and ignored
		case strings.HasPrefix(a, "--peer="):
		case strings.HasPrefix(a, "-"):
			if c.cmd == "" && (a == "--version" || a == "-V") {
				c.cmd = "--version"
				continue
			}
			c.opts = append(c.opts, a)
		case c.cmd == "":
			c.cmd = a
		case c.spec == "":
			c.spec = a
		default:
			c.opts = append(c.opts, a)
		}
	}
	if c.cmd == "" {
		return c, fail(20, "drbdadm: no command given")
	}
	return c, nil
}

func (c admCall) has(opt string) bool {
	for _, o := range c.opts {
		if o == opt {
			return true
		}
	}
	return false
}

func (w *World) drbdadm(args []string, out io.Writer) error {
	c, err := parseAdm(args)
	if err != nil {
		return err
	}
	if err := w.injected(c.cmd); err != nil {
		return err
	}
	switch c.cmd {
	case "--version":
		io.WriteString(out, w.versionText())
		return nil
	case "sh-mod-parms":
		io.WriteString(out, "minor_count=32\n")
		return nil
	}
	if c.spec == "" {
		return fail(20, "drbdadm %s: missing resource name", c.cmd)
	}
	name, r, err := w.resource(c.spec)
	if err != nil {
		return err
	}
	switch c.cmd {
	case "sh-dev":
		for _, v := range r.Volumes {
			fmt.Fprintln(out, v.Device)
		}
		return nil
	case "dump":
		io.WriteString(out, w.dumpText(name, c.conf))
		return nil
	case "check-resize", "unfence-peer":
		return nil
	}
	if c.dryRun {
		return w.admDryRun(c, name, r, out)
	}
	if err := w.needModule(); err != nil {
		return err
	}
	switch c.cmd {
	case "new-resource", "syncer":
		w.bringUp(r)
	case "new-minor":
		if err := needUp(name, r); err != nil {
			return err
		}
	case "attach":
		if err := needUp(name, r); err != nil {
			return err
		}
		r.Attached = true
	case "up":
		w.bringUp(r)
		r.Attached, r.Connected = true, true
	case "adjust":
		w.bringUp(r)
		r.Attached = true
		if !c.has("--skip-net") {
			r.Connected = true
		}
	case "connect":
		if err := needUp(name, r); err != nil {
			return err
		}
		r.Connected = true
	case "disconnect":
		if err := needUp(name, r); err != nil {
			return err
		}
		r.Connected = false
	case "down":
		r.Up, r.Attached, r.Connected, r.Role = false, false, false, "Secondary"
	case "primary":
		if err := needUp(name, r); err != nil {
			return err
		}
		if err := r.promote(name, c.has("--force")); err != nil {
			return err
		}
	case "secondary":
		if err := needUp(name, r); err != nil {
			return err
		}
		r.Role = "Secondary"
	case "outdate":
		if r.Up && r.role() == "Primary" {
			return fail(17, "%s: State change failed: (-7) Refusing to be Primary while peer is not outdated", name)
		}
		for _, v := range r.Volumes {
			if !v.Client && (v.Disk == "UpToDate" || v.Disk == "Consistent") {
				v.Disk = "Outdated"
			}
		}
	case "role", "cstate", "dstate":
		return w.admShow(c.cmd, name, r, out)
	case "wait-connect-resource", "wait-connect":
		return r.waitConnect(name)
	default:
		return fail(20, "drbdadm: Unknown command '%s'", c.cmd)
	}
	w.dirty = true
	return nil
}

func (w *World) bringUp(r *Resource) {
	if !r.Up {
		r.Up, r.Role = true, "Secondary"
	}
}

// admDryRun prints the drbdsetup calls drbdadm -d would make, for the few
// the anchor parses (connect, for wait-connect-connection).
func (w *World) admDryRun(c admCall, name string, r *Resource, out io.Writer) error {
	switch c.cmd {
	case "connect":
		peer := ""
		if i := strings.IndexByte(c.spec, ':'); i >= 0 {
			peer = c.spec[i+1:]
		}
		for _, p := range r.Peers {
			if peer == "" || p.Name == peer {
				fmt.Fprintf(out, "drbdsetup connect %s %d\n", name, p.NodeID)
			}
		}
	default:
		fmt.Fprintf(out, "drbdsetup %s %s\n", c.cmd, name)
	}
	return nil
}

func (w *World) admShow(what, name string, r *Resource, out io.Writer) error {
	if !w.v9() {
		var p *Peer
		if len(r.Peers) > 0 {
			p = r.Peers[0]
		}
		if !r.Up {
			fmt.Fprintln(out, "Unconfigured")
			return nil
		}
		switch what {
		case "role":
			peer := "Unknown"
			if p != nil {
				peer = r.peerRole(p)
			}
			fmt.Fprintf(out, "%s/%s\n", r.role(), peer)
		case "cstate":
			cs := "StandAlone"
			if p != nil {
				cs = r.connState(p)
				if cs == "Connecting" {
					cs = "WFConnection"
				}
			}
			fmt.Fprintln(out, cs)
		case "dstate":
			for i, v := range r.Volumes {
				pd := "DUnknown"
				if p != nil {
					pd = r.peerVolume(p, i).Disk
				}
				fmt.Fprintf(out, "%s/%s\n", r.localDisk(v), pd)
			}
		}
		return nil
	}
	if err := needUp(name, r); err != nil {
		return err
	}
	switch what {
	case "role":
		fmt.Fprintln(out, r.role())
	case "cstate":
		for _, p := range r.Peers {
			fmt.Fprintln(out, r.connState(p))
		}
	case "dstate":
		for i, v := range r.Volumes {
			var pds []string
			for _, p := range r.Peers {
				pds = append(pds, r.peerVolume(p, i).Disk)
			}
			fmt.Fprintln(out, strings.Join(append([]string{r.localDisk(v)}, pds...), "/"))
		}
	}
	return nil
}

// promote applies DRBD's checks for becoming Primary.
func (r *Resource) promote(name string, force bool) error {
	if r.role() == "Primary" {
		return nil
	}
	if r.NoQuorum {
		return fail(11, "%s: State change failed: (-23) No quorum", name)
	}
	if !r.AllowTwoPrimaries {
		for _, p := range r.Peers {
			if r.peerRole(p) == "Primary" {
				return fail(11, "%s: State change failed: (-1) Multiple primaries not allowed by config", name)
			}
		}
	}
	for i, v := range r.Volumes {
		if force && !v.Client && r.Attached && v.Disk != "Diskless" {
			continue
		}
		if r.localDisk(v) == "UpToDate" {
			continue
		}
		ok := false
		for _, p := range r.Peers {
			ok = ok || r.peerVolume(p, i).Disk == "UpToDate"
		}
		if !ok {
			return fail(17, "%s: State change failed: (-2) Need access to UpToDate data", name)
		}
	}
	if force {
		for _, v := range r.Volumes {
			if !v.Client && r.Attached {
				v.Disk = "UpToDate"
			}
		}
	}
	r.Role = "Primary"
	return nil
}

// waitConnect returns at once: connected (0) or, instead of waiting for
// the timeout, timed out (5).
func (r *Resource) waitConnect(name string) error {
	if !r.Up {
		return fail(10, "%s: No such resource", name)
	}
	for _, p := range r.Peers {
		if !r.Connected || !p.Reachable {
			return fail(5, "%s: timeout waiting for connection", name)
		}
	}
	return nil
}
