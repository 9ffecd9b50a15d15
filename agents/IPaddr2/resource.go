package main

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// resource is the address as the parameters describe it, before anything
// is looked up on the machine.
type resource struct {
	p         params
	ip        netip.Addr
	nic       string
	label     string
	bits      int // 0: from the route
	broadcast string
	arpBG     bool
	reply     bool
	proto     int        // route protocol findif matches, -1 any
	clone     *cloneMode // nil: not a load-sharing clone (clone.go)
}

// parseConfig checks what can be checked without the kernel: it is cheap
// and runs before every action.
func parseConfig(e *ocf.Env) (*resource, error) {
	c := &resource{}
	if err := e.Decode(&c.p); err != nil {
		return nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	c.nic, c.label, c.broadcast = c.p.NIC, c.p.IfLabel, c.p.Broadcast
	c.proto = routeProto(c.p.Proto)
	ipStr := c.p.IP
	ip, err := parseIP(ipStr)
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "IP address [%s] not valid: %v", ipStr, err)
	}
	clone := e.Clone()
	if c.p.UniqueCloneAddress {
		if !clone.GloballyUnique {
			return nil, ocf.Errorf(ocf.ErrConfigured, "unique_clone_address makes sense only with meta globally_unique set")
		}
		if ip, err = addCloneNumber(ip, e.MetaInt("clone", 0)); err != nil {
			return nil, ocf.Errorf(ocf.ErrConfigured, "unique_clone_address: %v", err)
		}
	} else if clone.Max > 1 && c.p.LVS {
		return nil, ocf.Errorf(ocf.ErrConfigured, "LVS and load sharing do not go together well")
	} else if clone.Max > 1 {
		c.clone = newCloneMode(e, c.p, clone.Max)
	}
	c.ip = ip
	if c.clone != nil {
		if err := checkClone(c); err != nil {
			return nil, err
		}
	} else if c.p.MAC != "" {
		e.Log.Warnf("mac is used in clone mode only (a clone with clone-max > 1): ignored")
	}
	if ns := c.p.Namespace; ns != "" {
		// A name under /run/netns, never a path out of it.
		if err := netif.CheckNamespaceName(ns); err != nil {
			return nil, ocf.Errorf(ocf.ErrConfigured, "Invalid network_namespace: %v", err)
		}
	}
	if base, lbl, ok := strings.Cut(c.nic, ":"); ok {
		c.nic, c.label = base, lbl // the deprecated nic=eth0:label form
	}
	if m := c.p.CIDRNetmask; m != "" {
		if c.bits, err = parseNetmask(m, ip.BitLen()); err != nil {
			return nil, ocf.Errorf(ocf.ErrConfigured, "Invalid netmask specification [%s]: %v", m, err)
		}
		if strings.Contains(m, ".") {
			e.Log.Warnf("Please convert dotted quad netmask %s to CIDR notation %d!", m, c.bits)
		}
	}
	if ip.Is6() && c.p.LVS {
		return nil, ocf.Errorf(ocf.ErrConfigured, "The IPv6 does not support lvs_support")
	}
	if ip.Is6() && c.broadcast != "" {
		return nil, ocf.Errorf(ocf.ErrConfigured, "broadcast is for IPv4 addresses only")
	}
	if c.nic != "" {
		if err := c.checkLabel(c.nic); err != nil {
			return nil, err
		}
	}
	if ip.Is6() && strings.HasPrefix(strings.ToLower(ipStr), "fe80:") && c.nic == "" {
		return nil, ocf.Errorf(ocf.ErrConfigured, "'nic' parameter is mandatory for a link local address [%s]", ipStr)
	}
	c.arpBG = ip.Is4()
	if c.p.ARPBG != nil {
		c.arpBG = *c.p.ARPBG
	}
	c.reply = strings.Contains(c.p.SendARPOpts, "-A")
	return c, nil
}

// checkLabel refuses a label the kernel would refuse with ERANGE: the
// label is <nic>:<iflabel>, at most 15 characters (IFNAMSIZ less the NUL),
// as the anchor checks once findif has named the interface.
func (c *resource) checkLabel(nic string) error {
	if c.label == "" || !c.ip.Is4() {
		return nil
	}
	if l := nic + ":" + c.label; len(l) > 15 {
		return ocf.Errorf(ocf.ErrConfigured, "Interface label [%s] exceeds maximum character limit of 15", l)
	}
	return nil
}

// loadForStop never fails: when the configuration does not parse as a
// whole, the address is what ip says (with the clone number when asked),
// on nic if set, with the prefix of the covering route; an ip that does
// not parse leaves no address, and nothing of the resource runs here.
func loadForStop(ctx context.Context, e *ocf.Env) *resource {
	c, err := parseConfig(e)
	if err == nil {
		return c
	}
	c = &resource{}
	if derr := e.Decode(&c.p); derr != nil {
		e.Log.Warnf("%v", derr)
	}
	c.nic = c.p.NIC
	if base, _, ok := strings.Cut(c.nic, ":"); ok {
		c.nic = base
	}
	if clone := e.Clone(); clone.Max > 1 && !c.p.UniqueCloneAddress {
		c.clone = newCloneMode(e, c.p, clone.Max)
	}
	if ip, perr := parseIP(c.p.IP); perr == nil {
		if c.p.UniqueCloneAddress {
			if u, cerr := addCloneNumber(ip, e.MetaInt("clone", 0)); cerr == nil {
				ip = u
			}
		}
		c.ip = ip
		if m := c.p.CIDRNetmask; m != "" {
			c.bits, _ = parseNetmask(m, ip.BitLen())
		}
		e.Log.Warnf("%v: looking for %s with what could be read", err, ip)
	} else {
		e.Log.Warnf("%v: no address to look for", err)
	}
	return c
}

// parseIP accepts what findif's checks accept: a dotted quad whose first
// part is 1-255, or an IPv6 address without zone.
func parseIP(s string) (netip.Addr, error) {
	if strings.Contains(s, ":") {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() || a.Zone() != "" || a.Is4In6() {
			return netip.Addr{}, errors.New("not an IPv6 address")
		}
		return a, nil
	}
	return parseIPv4(s)
}

func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, errors.New("not an IPv4 address")
	}
	if a.As4()[0] == 0 {
		return netip.Addr{}, errors.New("first part must be 1-255")
	}
	return a, nil
}

// parseNetmask reads a prefix length, or converts a dotted quad mask.
func parseNetmask(m string, max int) (int, error) {
	if strings.Contains(m, ".") && max == 32 {
		a, err := netip.ParseAddr(m)
		if err != nil || !a.Is4() {
			return 0, errors.New("not a netmask")
		}
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		ones := bits.LeadingZeros32(^v)
		if ones == 0 || v<<ones != 0 {
			return 0, errors.New("not a contiguous netmask")
		}
		return ones, nil
	}
	n, err := strconv.Atoi(m)
	if err != nil || n < 1 || n > max {
		return 0, fmt.Errorf("must be 1-%d", max)
	}
	return n, nil
}

func addCloneNumber(ip netip.Addr, n int) (netip.Addr, error) {
	if !ip.Is4() {
		return ip, errors.New("only IPv4 addresses can be made unique per clone")
	}
	b := ip.As4()
	last := int(b[3]) + n
	if last > 255 {
		return ip, fmt.Errorf("%s plus clone %d leaves the /24", ip, n)
	}
	b[3] = byte(last)
	return netip.AddrFrom4(b), nil
}

// load is the strict load: the parameter checks, root for start, and for
// validate-all also the lookups on the machine (the interface exists, a
// route or cidr_netmask gives the prefix).
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	c, err := parseConfig(e)
	if err != nil {
		return nil, err
	}
	if e.Action == "start" && os.Geteuid() != 0 {
		return nil, ocf.Errorf(ocf.ErrPerm, "You must be root for %s operation.", e.Action)
	}
	if e.Action != "validate-all" {
		return c, nil
	}
	h, _, err := lookup(e, c)
	if h != nil {
		h.Close()
	}
	return c, err
}
