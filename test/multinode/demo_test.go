package multinode

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDemo is act one of `make demo`: two nodes, every seed stack built
// with pcs, node1's power cut, the survivor serving, node1 back. It runs
// only under OCFKIT_DEMO=1 (scripts/demo.sh).
func TestDemo(t *testing.T) {
	if os.Getenv("OCFKIT_DEMO") != "1" {
		t.Skip("the demo: run `make demo` as root")
	}
	say := func(format string, args ...any) { fmt.Printf("\n==> "+format+"\n", args...) }
	show := func(title, out string) {
		fmt.Printf("\n--- %s\n", title)
		for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			fmt.Println("    " + l)
		}
	}
	say("ocfkit demo, act one: failover between two real Pacemaker nodes")
	say("Starting node1 and node2 (each Corosync + Pacemaker in its own mount, UTS, IPC, PID and network " +
		"namespaces, on a bridge in a switch namespace, token 1000 ms), a client namespace, fake DigitalOcean " +
		"and OCI clouds that give each node its own metadata service at 169.254.169.254, one fake DRBD world, " +
		"an ext4 filesystem on a loop device both nodes see")
	began := time.Now()
	a := newAllStacks(t, time.Second, func(s string) { fmt.Println("  # " + s) })
	c := a.c
	n1, n2 := c.Nodes[0], c.Nodes[1]
	say("Two nodes online (%s, with building the agents and preparing the fakes)", time.Since(began).Round(100*time.Millisecond))
	show("crm_mon -1 on node1", n1.Run(t, "crm_mon", "-1"))
	show("crm_mon -1 on node2", n2.Run(t, "crm_mon", "-1"))

	say("The seed stacks, with pcs on node1 (stonith through the harness's fence device):")
	a.configure(t, true)
	show("crm_mon -1 on node2", n2.Run(t, "crm_mon", "-1"))
	view := func() {
		page, err := c.ClientGet(a.s.URL(), 2*time.Second)
		if err != nil {
			page = "(" + err.Error() + ")"
		}
		who := strings.Join(c.AddrHolders(a.s.VIP), ",")
		say("client: curl %s → %q, served by %s (holder of %s)", a.s.URL(), strings.TrimSpace(page), who, a.s.VIP)
		name, err := c.ClientGet(fmt.Sprintf("http://%s:8080/", a.vip), 2*time.Second)
		if err != nil {
			name = "(" + err.Error() + ")"
		}
		say("client: curl http://%s:8080/ (the OCI secondary IP) → answered by %s", a.vip, name)
		say("DigitalOcean fake: reserved IP %s on droplet %d (%s); OCI fake: %s on the VNIC of %s",
			a.fip, a.cl.DO.Holder(a.fip), a.cl.DOHolder(a.fip), a.vip, a.cl.OCIHolder(a.vip))
		var drbd []string
		for _, n := range c.Nodes {
			drbd = append(drbd, fmt.Sprintf("%s %s/%s", n.Name, orOff(a.s.DRBD.Role(n)), a.s.DRBD.Disk(n)))
		}
		say("DRBD r0: %s", strings.Join(drbd, ", "))
	}
	view()

	say("Power cut on node1: kill -9 of its PID 1 (every process of the node ends), its switch port removed")
	off, took := a.powerOff(t, n1, n2)
	if lost := lostAt(n2, n1.Name, off); !lost.IsZero() {
		say("node2's Pacemaker learnt from Corosync that node1 was lost %s after the power cut", lost.Sub(off).Round(10*time.Millisecond))
	}
	for _, e := range c.Fenced() {
		say("fencing: %s asked the fence device to %s %s %s after the power cut; done in %s", e.By, e.Action, e.Target,
			e.At.Sub(off).Round(10*time.Millisecond), e.Done.Sub(e.At).Round(10*time.Millisecond))
	}
	for i, name := range a.names {
		say("%s served by node2 %s after the power cut", name, took[i].Round(10*time.Millisecond))
	}
	view()
	show("crm_mon -1 on node2 (the survivor)", n2.Run(t, "crm_mon", "-1"))

	say("node1 rejoins (the fence device's reboot powered it on again)")
	if !n1.On() {
		if err := n1.PowerOn(); err != nil {
			t.Fatal(err)
		}
	}
	c.WaitFor(t, 2*time.Minute, "node1 back", func() bool {
		st := c.StatusOn(n2)
		return st != nil && len(st.Online()) == 2
	})
	c.WaitFor(t, time.Minute, "node1's DRBD resynced", func() bool {
		return a.s.DRBD.Role(n1) == "Secondary" && a.s.DRBD.Disk(n1) == "UpToDate"
	})
	time.Sleep(3 * time.Second)
	show("crm_mon -1 on node1", n1.Run(t, "crm_mon", "-1"))
	view()
	say("The services stayed on node2 (resource-stickiness); node1 is standing by, its DRBD Secondary and UpToDate.")
	say("Tearing down act one: both nodes powered off, namespaces and files removed.")
}

func orOff(role string) string {
	if role == "" {
		return "down"
	}
	return role
}
