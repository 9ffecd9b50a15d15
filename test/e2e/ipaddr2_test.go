package e2e

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/cluster"
)

// TestIPaddr2UnderPacemaker: Pacemaker starts the VIP on a veth the test
// made, notices when the address is deleted behind its back, puts it back,
// and removes it when the resource is disabled.
func TestIPaddr2UnderPacemaker(t *testing.T) {
	const vip = "198.18.51.10"
	// Made before the cluster, so removed after it (cleanups run in reverse).
	v := netiftest.NewVeth(t, []string{"198.18.51.1/24"}, []string{"198.18.51.2/24"})
	c := cluster.Start(t, cluster.Options{Agents: []string{"IPaddr2"}})
	link, err := netlink.LinkByName(v.Host)
	require.NoError(t, err)

	arp := v.CaptureWait(t, unix.ETH_P_ARP)
	c.Pcs(t, "resource", "create", "vip", "ocf:ocfkit:IPaddr2", "ip="+vip, "nic="+v.Host, "cidr_netmask=24",
		"op", "monitor", "interval=2s")
	waitRole(t, c, "vip", "Started")
	require.True(t, hasAddr(t, link, vip), "Started means the address is there")
	// arp_count 5, arp_interval 200ms, sent in the background.
	forVIP := func(f netiftest.Frame) bool { return len(arpsFrom([]netiftest.Frame{f}, vip)) == 1 }
	assert.NotEmpty(t, arpsFrom(arp(forVIP, 1, 30*time.Second, 0), vip), "gratuitous ARP for the VIP reached the peer")
	assert.Equal(t, 0, c.Failcount(t, "vip"))

	addr, err := netlink.ParseAddr(vip + "/24")
	require.NoError(t, err)
	require.NoError(t, netlink.AddrDel(link, addr), "delete the address behind Pacemaker's back")
	c.WaitFor(t, time.Minute, "vip fail count 1", func() bool { return c.Failcount(t, "vip") == 1 })
	waitRole(t, c, "vip", "Started")
	c.WaitFor(t, time.Minute, "the address back", func() bool { return hasAddr(t, link, vip) })

	var sawMiss, restarted bool
	for _, op := range c.Operations(t) {
		if op.Resource != "vip" {
			continue
		}
		switch {
		case op.Action == "monitor" && op.RC == 7:
			sawMiss = true
		case sawMiss && op.Action == "start" && op.RC == 0:
			restarted = true
		}
	}
	assert.True(t, sawMiss, "a monitor reported the address missing (7)")
	assert.True(t, restarted, "Pacemaker started it again after that")

	c.Pcs(t, "resource", "disable", "vip")
	waitRole(t, c, "vip", "Stopped")
	assert.False(t, hasAddr(t, link, vip), "disable removes the address")
	assert.True(t, hasAddr(t, link, "198.18.51.1"), "the interface's own address stays")
}

func hasAddr(t *testing.T, link netlink.Link, ip string) bool {
	t.Helper()
	addrs, err := netlink.AddrList(link, netlink.FAMILY_V4)
	require.NoError(t, err)
	for _, a := range addrs {
		if a.IP.Equal(net.ParseIP(ip)) {
			return true
		}
	}
	return false
}

// arpsFrom keeps the ARP frames whose sender protocol address is ip.
func arpsFrom(frames []netiftest.Frame, ip string) []netiftest.Frame {
	var out []netiftest.Frame
	want := net.ParseIP(ip).To4()
	for _, f := range frames {
		// htype(2) ptype(2) hlen(1) plen(1) oper(2) sha(6) spa(4)
		if len(f.Payload) >= 18 && net.IP(f.Payload[14:18]).Equal(want) {
			out = append(out, f)
		}
	}
	return out
}
