package main

import (
	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// The parameters the newest upstream IPaddr2 has and 4.12 has not. The
// clusterip_* ones configure the load-sharing clone mode (clone.go) with
// the firewall `cluster` match that replaced CLUSTERIP; ocfkit does it
// with nftables, as upstream's clusterip_firewall=nft.
var upstreamParams = []ocf.Param{
	{Name: "proto", Shortdesc: "Proto",
		Longdesc: "The protocol of the route to match when finding the network (as ip route list match <ip> proto <proto>), e.g. kernel. " +
			"Empty: any. A number 0-255 or a name of ip-route(8).",
		// The default (any protocol) would find another network.
		Strict: true,
		Check:  func(v string) error { _, err := netif.ParseProto(v); return err }},
	{Name: "check_link_status", Type: ocf.Boolean, Default: "true",
		Shortdesc: "Consider the resource failed if the interface has status DOWN or LOWERLAYERDOWN",
		Longdesc: "Consider the resource failed if the interface has status DOWN or LOWERLAYERDOWN (no carrier): " +
			"a recurring monitor says not running, start fails on this node. Read from the link's operational state, without a fork."},
	{Name: "clusterip_firewall", Default: "auto", Shortdesc: "Firewall backend for cluster rules",
		Longdesc: "The firewall of the load-sharing clone mode: nft, or auto (nft). A table per cluster address, " +
			"made through netlink: nft itself is not needed. iptables is refused: its cluster match is not implemented.",
		Strict: true, // another backend is no stand-in for the one asked
		Check:  checkFirewall},
	{Name: "clusterip_hash_seed", Shortdesc: "Cluster IP hash seed",
		Longdesc: "The seed of the hash that shares the clients between the nodes (decimal, or hexadecimal after 0x; not 0), " +
			"the same on every node. Empty: computed from the address, netmask and broadcast address, as upstream does.",
		Strict: true, // another seed on one node shares the clients differently
		Check:  checkSeed},
	{Name: "clusterip_table", Default: "mangle", Shortdesc: "iptables table for cluster rules", Unsupported: iptablesOnly},
	{Name: "clusterip_chain", Default: "PREROUTING", Shortdesc: "iptables chain for cluster rules", Unsupported: iptablesOnly},
	{Name: "clusterip_mac_mangle", Type: ocf.Boolean, Default: "false", Shortdesc: "Mangle ARP responses for cluster MAC",
		Longdesc: "Clone mode, IPv4: rewrite the sender MAC of this node's ARP packets for the address to the cluster MAC " +
			"(an nftables rule in family arp), so that clients learn the multicast MAC from the nodes' own answers."},
}

// ipv6DefaultMetric is the metric the kernel gives an address's prefix
// route (IP6_RT_PRIO_ADDRCONF).
const ipv6DefaultMetric = 256

const iptablesOnly = "it configures the iptables backend; with nft each cluster address has a table of its own, as upstream"

// routeProto is the proto parameter as a route protocol, -1 for any (unset,
// or a value the parameter check has already reported).
func routeProto(v string) int {
	if v != "" {
		if n, err := netif.ParseProto(v); err == nil {
			return n
		}
	}
	return -1
}

// linkDown is upstream's check_link_status: the address is there, but the
// interface has no carrier or is down.
func linkDown(c *resource, t *target) bool {
	return c.p.CheckLinkStatus && t.link.LinkDown
}

// addrLabel is the IPv6 address label upstream gives the address
// (lvs_ipv6_addrlabel, on by default since 4.13), or false.
func addrLabel(c *resource) (uint32, bool) {
	if !c.ip.Is6() || !c.p.LVSIPv6Addrlabel || c.p.LVSIPv6AddrlabelValue < 0 {
		return 0, false
	}
	return uint32(c.p.LVSIPv6AddrlabelValue), true
}

// setAddrLabel and clearAddrLabel are upstream's add_ipv6_addrlabel and
// delete_ipv6_addrlabel: a failure is a warning, never a failed action.
func setAddrLabel(e *ocf.Env, h *netif.Handle, c *resource) {
	if v, ok := addrLabel(c); ok {
		e.Log.Infof("Adding IPv6 address label prefix %s label %d", c.ip, v)
		if err := h.AddLabel(c.ip, v); err != nil {
			e.Log.Warnf("%v", err)
		}
	}
}

func clearAddrLabel(e *ocf.Env, h *netif.Handle, c *resource) {
	if v, ok := addrLabel(c); ok {
		if err := h.DelLabel(c.ip, v); err != nil {
			e.Log.Debugf("%v", err)
		}
	}
}
