package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

// wfcArgs are the wait-for-connection timeouts of wfc_timeout (none for
// non-digits).
func (r *resource) wfcArgs() []string {
	t := r.p.WFCTimeout
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return nil
	}
	return []string{"--wfc-timeout=" + t, "--degr-wfc-timeout=" + t, "--outdated-wfc-timeout=" + t}
}

// peerUname is the other node named in the notify variables, for 8.4's
// --peer option.
func (r *resource) peerUname() string {
	host := ocf.NodeName()
	for _, k := range []string{"start_uname", "promote_uname", "master_uname", "slave_uname", "demote_uname"} {
		for _, n := range r.e.NotifyList(k) {
			if !strings.EqualFold(n, host) {
				return n
			}
		}
	}
	return ""
}

// toPeer is the --peer option the anchor passes to drbdadm with DRBD 8.4.
func (r *resource) toPeer() []string {
	if p := r.peerUname(); p != "" && !r.version.V9() {
		return []string{"--peer", p}
	}
	return nil
}

func (r *resource) waitConnect(ctx context.Context, peer string) {
	wfc := r.wfcArgs()
	if wfc == nil {
		return
	}
	if !r.version.V9() {
		for _, d := range r.devices {
			r.tools.Setup(ctx, append([]string{"wait-connect", d}, wfc...)...)
		}
		return
	}
	if peer == "" {
		r.tools.Setup(ctx, append([]string{"wait-connect-resource", r.name}, wfc...)...)
		return
	}
	// drbdadm has no wait-connect for one peer: take the connect command
	// it would run and wait on that connection instead.
	out, err := r.tools.Adm(ctx, "-d", "connect", r.name+":"+peer)
	f := strings.Fields(string(out))
	if err != nil || len(f) < 2 || f[1] != "connect" {
		r.e.Log.Warnf("Please use matching node names for hostname, uname, corosync, pacemaker and DRBD! Not a valid DRBD peer: '%s'", peer)
		return
	}
	r.tools.Setup(ctx, append(append([]string{"wait-connect-connection"}, f[2:]...), wfc...)...)
}

func (r *resource) connect(ctx context.Context) {
	if !r.version.V9() {
		r.adm(ctx, append(r.toPeer(), "adjust", r.name)...)
		r.waitConnect(ctx, "")
		return
	}
	if p := r.locatePrimary(ctx); p != "" {
		r.adm(ctx, "adjust", r.name+":"+p)
		r.waitConnect(ctx, p)
	}
	r.adm(ctx, "adjust", r.name)
	r.waitConnect(ctx, "")
}

func (r *resource) attach(ctx context.Context) error {
	if r.version.V9() {
		return r.adm(ctx, "adjust", "--skip-net", r.name)
	}
	return r.adm(ctx, "attach", r.name)
}

// createDevices makes the kernel objects and waits for the device nodes.
func (r *resource) createDevices(ctx context.Context) error {
	if r.version.MultiVolume() {
		if err := r.adm(ctx, "new-resource", r.name); err != nil {
			return err
		}
		if err := r.adm(ctx, "new-minor", r.name); err != nil {
			return err
		}
	} else if err := r.adm(ctx, "syncer", r.name); err != nil {
		return err
	}
	for _, d := range r.devices {
		for {
			if st, err := os.Stat(d); err == nil && st.Mode()&os.ModeDevice != 0 {
				break
			}
			if !sleep(ctx, 100*time.Millisecond) {
				return ocf.Errorf(ocf.ErrGeneric, "expected device nodes did not appear (in time)")
			}
		}
	}
	return nil
}

func start(ctx context.Context, e *ocf.Env, r *resource) error {
	if !r.moduleLoaded() {
		if err := r.tools.LoadModule(ctx); err != nil {
			return ocf.Errorf(ocf.ErrInstalled, "Cannot load the drbd module: %v", err)
		}
	}
	first, attachFailed := true, false
	for {
		s, err := r.status(ctx)
		if err != nil {
			return err
		}
		switch s.code {
		case ocf.Success:
			if attachFailed {
				if err := r.attach(ctx); err != nil {
					return ocf.Errorf(ocf.ErrGeneric, "failed to attach: %v", err)
				}
			}
			if !r.p.ConnectOnlyAfterPromote {
				r.connect(ctx)
			}
			s, err := r.status(ctx)
			if err != nil {
				return err
			}
			r.updateScore(ctx, s)
			r.recordDevices()
			return nil
		case ocf.NotRunning:
			if first {
				r.adm(ctx, "check-resize", r.name)
			}
			if err := r.createDevices(ctx); err != nil {
				return err
			}
			if err := r.attach(ctx); err != nil {
				if !first {
					return ocf.Errorf(ocf.ErrGeneric, "failed to attach: %v", err)
				}
				attachFailed = true
				if !sleep(ctx, time.Second) {
					return timedOut(ctx, "start", err)
				}
			}
		case ocf.RunningPromoted:
			e.Log.Warnf("%s already Primary, demoting.", r.name)
			r.adm(ctx, "secondary", r.name)
		}
		if !first && !sleep(ctx, time.Second) {
			return timedOut(ctx, "start", nil)
		}
		first = false
	}
}
