// Package demo is `make demo`'s single-node act: the seed stacks of
// test/seeds on one Pacemaker node, each broken in turn while it prints
// what Pacemaker does. It runs only with OCFKIT_DEMO=1.
package demo

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"

	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/seeds"
)

// TestDemo is `make demo` (scripts/demo.sh, OCFKIT_DEMO=1): the seed 002
// stack, a DigitalOcean reserved IP (seeds 000, 001, 004) and an OCI
// secondary private IP (seed 003) on one single-node cluster, each broken
// in turn while it prints what Pacemaker does. Everything is removed at the
// end, as after any test.
func TestDemo(t *testing.T) {
	if os.Getenv("OCFKIT_DEMO") != "1" {
		t.Skip("the demo: run `make demo` as root")
	}
	// Ctrl-C ends the demo through its cleanups, which stop the cluster
	// and remove everything; a killed test binary would leave that to the
	// next run.
	d := &demo{t: t, stop: make(chan os.Signal, 1)}
	signal.Notify(d.stop, os.Interrupt, syscall.SIGTERM)
	t.Cleanup(func() { signal.Stop(d.stop) })
	d.say("ocfkit demo: the seed clusters on a single-node Pacemaker")
	d.say("Preparing: fake DigitalOcean and OCI APIs on 127.0.0.1, a fake DRBD, veth pairs, " +
		"an ext4 filesystem on a loop device, an apache configuration; then Corosync and Pacemaker")

	cl := seeds.NewClouds(t)
	s := seeds.New002(t, cl.Options())
	s.Verbose = true
	c := s.C
	d.c = c

	d.say("Seed 002 (DRBD + VIP + Filesystem + apache), as the seed's crm configuration, written with pcs:")
	s.Configure(t)
	s.WaitUp(t, "the seed 002 stack up")
	d.say("Seeds 000/001/004 (DigitalOcean reserved IP, token in a 0600 file) and 003 (OCI secondary IP, instance principal):")
	cl.Create(t, s)
	c.WaitFor(t, 2*time.Minute, "fip and ocivip Started", func() bool {
		return c.ResourceRole(t, "fip") == "Started" && c.ResourceRole(t, "ocivip") == "Started"
	})
	d.show("crm_mon -1", c.Run(t, "crm_mon", "-1"))
	d.say("curl %s  →  %s", s.URL(), strings.TrimSpace(s.Get()))
	d.say("The reserved IP %s is on droplet %d (was %d); the OCI IP %s is on this node's VNIC: %v",
		seeds.FloatingIP, cl.DO.Holder(seeds.FloatingIP), seeds.OtherDroplet, seeds.OCIVIP, cl.OCI.VNICOf(seeds.OCIVIP) == cl.OurVNIC)

	d.fail("kill -9 apache's main process", "res_httpd", func() {
		require.NoError(t, syscall.Kill(s.Web.MainPid(), syscall.SIGKILL))
	}, func() bool { return s.Up(t) })
	d.fail("umount the filesystem behind Pacemaker's back", "res_fs_drbd0", func() { s.Unmount(t) },
		func() bool { return s.Up(t) })
	link, err := netlink.LinkByName(s.NIC)
	require.NoError(t, err)
	addr, err := netlink.ParseAddr(s.VIP + "/24")
	require.NoError(t, err)
	d.fail("delete the VIP "+s.VIP+" from "+s.NIC, "res_ip", func() { require.NoError(t, netlink.AddrDel(link, addr)) },
		func() bool { return s.Up(t) })
	d.fail("DRBD's disk turns Outdated (no promotion score)", "", func() { s.SetDisk(t, "Outdated") },
		func() bool {
			return c.ResourceRole(t, "ms_drbd0") == "Unpromoted" && c.ResourceRole(t, "rg_httpd") == "Stopped"
		})
	d.fail("DRBD's disk is UpToDate again", "res_httpd", func() { s.SetDisk(t, "UpToDate") },
		func() bool { return s.Up(t) })
	d.fail("someone moves the reserved IP to droplet 1002", "fip", cl.MoveFloatingIP, func() bool { return cl.FIPHome(t, c) })
	d.fail("the DigitalOcean API and the metadata service go down", "", func() {
		cl.DO.SetMetadataDown(seeds.Droplet, true)
		cl.DO.SetFaults(dofake.Faults{APIDown: true})
	}, func() bool { return d.degraded("fip") })
	d.say("fip stays %s: a monitor that cannot tell is not a failure", c.ResourceRole(t, "fip"))
	cl.DO.SetFaults(dofake.Faults{})
	cl.DO.SetMetadataDown(seeds.Droplet, false)
	d.fail("someone moves the OCI IP to node2's VNIC", "ocivip", cl.MoveOCIVIP, func() bool { return cl.OCIHome(t, c) })
	d.fail("OCI's auth service goes down and the cached token is gone", "", func() {
		cl.OCI.SetFault(ocifake.OpFederation, ocifake.Fault{Status: 503})
		tokens, _ := filepath.Glob(filepath.Join(cl.RSCTMP, "ocivip*token*"))
		for _, f := range tokens {
			os.Remove(f)
		}
	}, func() bool { return d.degraded("ocivip") })
	d.say("ocivip stays %s: no failover because a login failed", c.ResourceRole(t, "ocivip"))
	cl.OCI.ClearFaults()

	d.show("crm_mon -1 -A -f", c.Run(t, "crm_mon", "-1", "-A", "-f"))
	d.say("Tearing down: Pacemaker stops the resources, then Corosync stops; the veths, the loop device, " +
		"apache, the fakes and every file the cluster wrote are removed.")
}

type demo struct {
	t       *testing.T
	c       *cluster.Cluster
	printed int // operations already shown
	mark    int // operations before the current failure
	stop    chan os.Signal
}

func (d *demo) say(format string, args ...any) {
	d.interrupted()
	fmt.Printf("\n"+format+"\n", args...)
}

// interrupted ends the test (running its cleanups) after a Ctrl-C.
func (d *demo) interrupted() {
	select {
	case sig := <-d.stop:
		d.t.Fatalf("%v: stopping the demo and cleaning up", sig)
	default:
	}
}

func (d *demo) show(cmd, out string) {
	fmt.Printf("\n$ %s\n%s", cmd, out)
}

// fail injects a failure, prints what Pacemaker does until rsc has been
// started again (unless rsc is "") and done holds, and how long the restart
// took.
func (d *demo) fail(what, rsc string, inject func(), done func() bool) {
	t := d.t
	t.Helper()
	d.printed = len(d.c.Operations(t))
	d.mark = d.printed
	d.say(">>> %s", what)
	since := time.Now()
	inject()
	d.c.WaitFor(t, 3*time.Minute, "recovery from: "+what, func() bool {
		d.interrupted()
		d.news()
		return (rsc == "" || d.since(rsc, "start", "promote")) && done()
	})
	d.news()
	if rsc != "" {
		fmt.Printf("    %s started again %s after the failure\n", rsc,
			d.c.Recovery(t, rsc, since, time.Minute).Round(time.Millisecond))
	}
}

// news prints the operations Pacemaker finished since the last call,
// leaving out the recurring monitors that found everything well.
func (d *demo) news() {
	ops := d.c.Operations(d.t)
	for _, op := range ops[min(d.printed, len(ops)):] {
		if op.Action == "monitor" && (op.RC == 0 || op.RC == 8) {
			continue
		}
		fmt.Printf("    %s  %-13s %-8s %s (rc %d)\n", op.Time.Format("15:04:05.000"), op.Resource, op.Action, op.Result, op.RC)
	}
	d.printed = len(ops)
}

// since reports whether one of actions succeeded on rsc since the failure
// was injected.
func (d *demo) since(rsc string, actions ...string) bool {
	ops := d.c.Operations(d.t)
	for _, op := range ops[min(d.mark, len(ops)):] {
		if op.Resource == rsc && op.RC == 0 && slices.Contains(actions, op.Action) {
			return true
		}
	}
	return false
}

// degraded reports whether a monitor of rsc said "degraded" (190) since the
// failure was injected.
func (d *demo) degraded(rsc string) bool {
	ops := d.c.Operations(d.t)
	for _, op := range ops[min(d.mark, len(ops)):] {
		if op.Resource == rsc && op.Action == "monitor" && op.RC == 190 {
			return true
		}
	}
	return false
}
