package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/clusterip"
)

// params are the parameters as the actions read them (ocf.Env.Decode).
type params struct {
	IP                    string `ocf:"ip"`
	NIC                   string `ocf:"nic"`
	CIDRNetmask           string `ocf:"cidr_netmask"`
	Broadcast             string `ocf:"broadcast"`
	IfLabel               string `ocf:"iflabel"`
	LVS                   bool   `ocf:"lvs_support"`
	LVSIPv6Addrlabel      bool   `ocf:"lvs_ipv6_addrlabel"`
	LVSIPv6AddrlabelValue int    `ocf:"lvs_ipv6_addrlabel_value"`
	Proto                 string `ocf:"proto"`
	CheckLinkStatus       bool   `ocf:"check_link_status"`
	UniqueCloneAddress    bool   `ocf:"unique_clone_address"`
	MAC                   string `ocf:"mac"`
	ClusterIPHash         string `ocf:"clusterip_hash"`
	ClusterIPHashSeed     string `ocf:"clusterip_hash_seed"`
	ClusterIPFirewall     string `ocf:"clusterip_firewall"`
	ClusterIPMACMangle    bool   `ocf:"clusterip_mac_mangle"`
	ARPInterval           int    `ocf:"arp_interval"` // milliseconds
	ARPCount              int    `ocf:"arp_count"`
	ARPCountRefresh       int    `ocf:"arp_count_refresh"`
	ARPBG                 *bool  `ocf:"arp_bg"` // nil: by address family
	ARPSender             string `ocf:"arp_sender"`
	SendARPOpts           string `ocf:"send_arp_opts"`
	FlushRoutes           bool   `ocf:"flush_routes"`
	RunArping             bool   `ocf:"run_arping"`
	NoDAD                 bool   `ocf:"nodad"`
	NoPrefixRoute         bool   `ocf:"noprefixroute"`
	PreferredLft          string `ocf:"preferred_lft"`
	Namespace             string `ocf:"network_namespace"`
}

// The anchor's parameters, names and defaults unchanged, so that switching
// from ocf:heartbeat:IPaddr2 is a change of provider only. ip is the
// identity; a value of another parameter that fails its check is a
// warning and the default.
var declared = []ocf.Param{
	{Name: "ip", Required: true, Unique: true, Identity: true, Shortdesc: "IPv4 or IPv6 address",
		Longdesc: "The virtual address to manage, e.g. 192.168.1.1 or 2001:db8::10."},
	{Name: "nic", Shortdesc: "Network interface",
		Longdesc: "The interface to put the address on (the base interface, not an alias such as eth0:1). " +
			"Empty: the interface whose connected route covers ip, as findif finds it. " +
			"The interface should carry a static address of its own, or set net.ipv4.conf.all.promote_secondaries=1."},
	{Name: "cidr_netmask", Alias: "netmask", Shortdesc: "CIDR netmask",
		Longdesc: "The prefix length, e.g. 24 (a dotted quad is converted with a warning). Empty: taken from the covering route. " +
			"The legacy name netmask is read when cidr_netmask is not set."},
	{Name: "broadcast", Shortdesc: "Broadcast address",
		Longdesc: "IPv4 broadcast address, or + (set the host bits) or - (clear them). Empty: that of the interface's own address on the network.",
		Strict:   true, // the default would configure another broadcast address
		Check:    checkBroadcast},
	{Name: "iflabel", Shortdesc: "Interface label",
		Longdesc: "A label for the address (IPv4), shown as <nic>:<label>; at most 15 characters in all."},
	{Name: "lvs_support", Type: ocf.Boolean, Default: "false", Shortdesc: "LVS direct routing support",
		Longdesc: "IPv4, for LVS direct routing: a /32 copy of ip on the loopback interface (so the node keeps serving " +
			"it while it is not the director) is moved out of the way on start and put back on stop."},
	{Name: "lvs_ipv6_addrlabel", Type: ocf.Boolean, Default: "true", Shortdesc: "Enable adding IPv6 address label.",
		Longdesc: "IPv6: give the address its own address label (ip addrlabel, RFC 6724) while it is up, so that the node does not " +
			"choose it as the source of its own connections (LVS direct routing). On by default, as in upstream IPaddr2 since 4.13."},
	{Name: "lvs_ipv6_addrlabel_value", Type: ocf.Integer, Default: "99", Shortdesc: "IPv6 address label value",
		Longdesc: "The label used with lvs_ipv6_addrlabel.",
		Check:    func(v string) error { return nonNegative(v) }},
	{Name: "mac", Shortdesc: "Cluster IP MAC address",
		Longdesc: "Clone mode: the multicast MAC (first octet odd) the cluster address answers with, the same on every node. " +
			"Empty: computed from the address, netmask and broadcast address, as upstream does. Not used outside clone mode.",
		Strict: true, // a unicast MAC would send every client to one node
		Check:  checkMAC},
	{Name: "clusterip_hash", Default: "sourceip-sourceport", Shortdesc: "Cluster IP hashing function",
		Longdesc: "Clone mode: what decides which node serves a packet: sourceip, sourceip-sourceport or " +
			"sourceip-sourceport-destport (the source address, and the transport ports).",
		Strict: true, // another hash on one node shares the clients differently
		Check:  func(v string) error { _, err := clusterip.ParseHash(v); return err }},
	{Name: "unique_clone_address", Type: ocf.Boolean, Default: "false", Shortdesc: "A unique address per clone instance",
		Longdesc: "Add the clone instance number to the last part of ip (IPv4), so each instance of a globally unique clone manages its own address."},
	{Name: "arp_interval", Type: ocf.Integer, Default: "200", Shortdesc: "Milliseconds between ARP/NA packets",
		Check: positive},
	{Name: "arp_count", Type: ocf.Integer, Default: "5", Shortdesc: "ARP/NA packets sent at start",
		Check: positive},
	{Name: "arp_count_refresh", Type: ocf.Integer, Default: "0", Shortdesc: "ARP packets sent at each monitor",
		Longdesc: "IPv4: gratuitous ARP packets sent by every monitor, to heal stale ARP caches after a split brain."},
	{Name: "arp_bg", Shortdesc: "Send ARP/NA in the background",
		Longdesc: "Whether start returns before the ARP/NA packets are all sent. Empty: true for IPv4, false for IPv6.",
		Check:    func(v string) error { _, err := ocf.ParseBool(v); return err }},
	{Name: "arp_sender", Shortdesc: "ARP sender",
		Longdesc: "ocfkit sends the packets itself; send_arp (or empty) is accepted, other senders are refused.",
		Strict:   true, // a sender ocfkit does not have is refused, not replaced
		Check:    checkArpSender},
	{Name: "send_arp_opts", Shortdesc: "Options of the ARP sender",
		Longdesc: "-A sends ARP replies instead of requests (as arping -A); -U (the default) requests. Other options are refused.",
		Check:    checkArpOpts},
	{Name: "flush_routes", Type: ocf.Boolean, Default: "false", Shortdesc: "Flush the route cache on stop"},
	{Name: "run_arping", Type: ocf.Boolean, Default: "false", Shortdesc: "Address collision check before start",
		Longdesc: "IPv4: before adding the address, probe for another host using it (ARP duplicate address " +
			"detection, as arping -D: two probes, up to 3 s); start fails if one answers."},
	{Name: "nodad", Type: ocf.Boolean, Default: "false", Shortdesc: "IPv6: no duplicate address detection"},
	{Name: "noprefixroute", Type: ocf.Boolean, Default: "false", Shortdesc: "Add the address without a prefix route"},
	{Name: "preferred_lft", Default: "forever", Shortdesc: "IPv6 preferred lifetime",
		Longdesc: "forever, or seconds; 0 keeps the address from being chosen as a source address.",
		Check:    checkLifetime},
	{Name: "network_namespace", Shortdesc: "Network namespace",
		Longdesc: "An existing network namespace (as named by ip netns) holding the interface."},
}

func positive(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n <= 0 {
		return fmt.Errorf("must be a positive integer")
	}
	return nil
}

func nonNegative(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		return fmt.Errorf("should be positive integer")
	}
	return nil
}

func checkBroadcast(v string) error {
	if v == "+" || v == "-" {
		return nil
	}
	if _, err := parseIPv4(v); err != nil {
		return fmt.Errorf("not an IPv4 address, + or -")
	}
	return nil
}

func checkArpSender(v string) error {
	if v == "send_arp" {
		return nil
	}
	return fmt.Errorf("ocfkit sends ARP packets itself; only send_arp is accepted")
}

func checkArpOpts(v string) error {
	for _, f := range strings.Fields(v) {
		if f != "-A" && f != "-U" {
			return fmt.Errorf("option %s is not supported (only -A and -U)", f)
		}
	}
	return nil
}

func checkMAC(v string) error {
	m, err := net.ParseMAC(v)
	if err != nil || len(m) != 6 {
		return fmt.Errorf("not a MAC address like 01:00:5e:00:00:01")
	}
	if m[0]&1 == 0 {
		return clusterip.ErrNotMulticast
	}
	return nil
}

func checkSeed(v string) error {
	s, err := clusterip.ParseSeed(v)
	if err != nil {
		return fmt.Errorf("must be a decimal number or 0x and hexadecimal digits, at most 32 bits")
	}
	if s == 0 {
		return clusterip.ErrSeed
	}
	return nil
}

func checkFirewall(v string) error {
	switch v {
	case "auto", "nft":
		return nil
	case "iptables":
		return fmt.Errorf("the iptables cluster match is not implemented: use nft (auto chooses it)")
	}
	return fmt.Errorf("must be auto or nft")
}

func checkLifetime(v string) error {
	if v == "forever" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		return fmt.Errorf("must be forever or a number of seconds")
	}
	return nil
}
