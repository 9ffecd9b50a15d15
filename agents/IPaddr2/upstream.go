package main

import (
	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// The parameters the newest upstream IPaddr2 has and 4.12 has not. The
// clone mode they configure (the firewall `cluster` match that replaced
// CLUSTERIP) is not implemented: they are declared, so that a
// configuration written for upstream is refused with a reason rather than
// half applied.
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
		Unsupported: cloneMode},
	{Name: "clusterip_hash_seed", Shortdesc: "Cluster IP hash seed", Unsupported: cloneMode},
	{Name: "clusterip_table", Default: "mangle", Shortdesc: "iptables table for cluster rules", Unsupported: cloneMode},
	{Name: "clusterip_chain", Default: "PREROUTING", Shortdesc: "iptables chain for cluster rules", Unsupported: cloneMode},
	{Name: "clusterip_mac_mangle", Type: ocf.Boolean, Default: "false", Shortdesc: "Mangle ARP responses for cluster MAC",
		Unsupported: cloneMode},
}

// ipv6DefaultMetric is the metric the kernel gives an address's prefix
// route (IP6_RT_PRIO_ADDRCONF).
const ipv6DefaultMetric = 256

const cloneMode = "the load-sharing clone mode (firewall cluster match) is not implemented"

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
