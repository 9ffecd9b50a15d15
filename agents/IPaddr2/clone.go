package main

import (
	"context"
	"net"
	"slices"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/clusterip"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// cloneMode is the load-sharing clone (a clone with clone-max > 1 and
// without unique_clone_address): every node holds the address, and each
// clone instance accepts one hash bucket of its traffic (providers/
// clusterip, upstream's clusterip_firewall=nft).
type cloneMode struct {
	total, node int // clone-max, and this instance's bucket (CRM_meta_clone + 1)
	hash        clusterip.Hash
	seed        uint32           // 0: derived from the address, as upstream
	mac         net.HardwareAddr // nil: derived from the address, as upstream
	mangle      bool
}

// newCloneMode reads the clone's parameters. Their checks ran at dispatch
// (Strict: a bad value is ERR_CONFIGURED); the stop path, which reads
// what it can, gets the defaults for values that do not parse.
func newCloneMode(e *ocf.Env, p params, total int) *cloneMode {
	m := &cloneMode{total: total, node: e.MetaInt("clone", 0) + 1, mangle: p.ClusterIPMACMangle}
	m.hash, _ = clusterip.ParseHash(p.ClusterIPHash)
	if p.ClusterIPHashSeed != "" {
		m.seed, _ = clusterip.ParseSeed(p.ClusterIPHashSeed)
	}
	if checkMAC(p.MAC) == nil {
		m.mac, _ = net.ParseMAC(p.MAC)
	}
	return m
}

// checkClone refuses the clone configurations that cannot share the load.
func checkClone(c *resource) error {
	m := c.clone
	if m.node < 1 || m.node > m.total {
		return ocf.Errorf(ocf.ErrConfigured, "clone instance %d of clone-max %d", m.node-1, m.total)
	}
	if m.mangle && c.ip.Is6() {
		return ocf.Errorf(ocf.ErrConfigured, "clusterip_mac_mangle is not supported for IPv6")
	}
	return nil
}

// config is the cluster address as the rules need it, on the target.
func (m *cloneMode) config(c *resource, t *target) clusterip.Config {
	seed, mac := clusterip.Derive(c.ip, t.prefix.Bits(), t.addr.Broadcast)
	if m.seed != 0 {
		seed = m.seed
	}
	if m.mac != nil {
		mac = m.mac
	}
	return clusterip.Config{IP: c.ip, Link: t.link.Index, Total: m.total, Seed: seed, Hash: m.hash,
		MAC: mac, MangleARP: m.mangle}
}

// openRules locks the address against this node's other instances and
// opens nftables in the interface's namespace; done undoes both. A stop
// whose lock file cannot be made (HA_RSCTMP a file, or read-only) goes on
// without it, as a stop never fails on its environment: at worst two
// stopping instances both remove rules that are going anyway.
func openRules(ctx context.Context, e *ocf.Env, c *resource, h *netif.Handle, stopping bool) (conn *clusterip.Conn, done func(), err error) {
	unlock, err := clusterip.Lock(ctx, ocf.StateDir(), c.ip)
	switch {
	case err != nil && stopping && ctx.Err() == nil:
		e.Log.Warnf("stopping without the lock of the clone instances: %v", err)
		unlock = func() {}
	case err != nil:
		return nil, nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	conn, err = clusterip.Open(h.NamespaceFD())
	if err != nil {
		unlock()
		return nil, nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	return conn, unlock, nil
}

// startClone makes the address's table if this is the node's first
// instance, adds this instance's bucket, and puts the address up. No
// ARP is sent, as upstream: the cluster MAC answers for the address on
// every node. No IPv6 duplicate detection either: the other nodes hold
// the address by design.
func startClone(ctx context.Context, e *ocf.Env, c *resource, h *netif.Handle, t *target) error {
	m := c.clone
	if c.p.RunArping {
		e.Log.Warnf("run_arping is skipped in clone mode: every node holds %s", c.ip)
	}
	conn, done, err := openRules(ctx, e, c, h, false)
	if err != nil {
		return err
	}
	defer done()
	cfg := m.config(c, t)
	nodes, exists, err := conn.Nodes(c.ip)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if !exists {
		e.Log.Infof("Setting up cluster IP %s: table %s, multicast MAC %s, %d buckets", c.ip,
			clusterip.TableName(c.ip), cfg.MAC, m.total)
		if err := conn.Setup(cfg); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "firewall setup failed: %v", err)
		}
	}
	if !slices.Contains(nodes, m.node) {
		if err := conn.AddNode(cfg, m.node); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "firewall insert failed: %v", err)
		}
	}
	up, err := h.Has(t.link, t.prefix)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if up {
		return nil
	}
	return addAddress(ctx, e, c, h, t, true)
}

// stopClone removes this instance's bucket; the node's last instance
// also removes the tables, the multicast MAC and the address. t is nil
// when the interface or its route is gone: the tables, named by the
// address, still go (the MAC went with the interface).
func stopClone(ctx context.Context, e *ocf.Env, c *resource, h *netif.Handle, t *target, up bool) error {
	m := c.clone
	conn, done, err := openRules(ctx, e, c, h, true)
	if err != nil {
		return err
	}
	defer done()
	if err := conn.DelNode(c.ip, m.node); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "firewall delete failed: %v", err)
	}
	nodes, _, err := conn.Nodes(c.ip)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if len(nodes) > 0 {
		e.Log.Infof("%s stays up for the clone instances of buckets %v", c.ip, nodes)
		return nil
	}
	cfg := clusterip.Config{IP: c.ip} // Link 0: no multicast MAC to remove
	if t != nil {
		// The MAC comes from the broadcast address as start saw it.
		if rt, err := resolve(h, c, true); err == nil {
			t.addr.Broadcast = rt.addr.Broadcast
		}
		cfg = m.config(c, t)
	}
	if err := conn.Teardown(cfg); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "firewall cleanup failed: %v", err)
	}
	if t == nil || !up {
		return nil
	}
	e.Log.Infof("Removing %s from device %s", t.prefix, t.link.Name)
	if err := h.Del(t.link, t.prefix); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "Unable to remove IP [%s] from interface [%s]: %v", t.prefix.Addr(), t.link.Name, err)
	}
	clearAddrLabel(e, h, c)
	return nil
}

// monitorClone: this instance runs here when the address is up and its
// bucket's rule is in the table. The address up without the table is an
// error (it would answer every client), also for a probe; the address
// and table with another instance's bucket only is this instance not
// running here (upstream says 1 for both).
func monitorClone(e *ocf.Env, c *resource, h *netif.Handle, t *target) error {
	conn, err := clusterip.Open(h.NamespaceFD())
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	nodes, exists, err := conn.Nodes(c.ip)
	switch {
	case err != nil:
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	case !exists:
		return ocf.Errorf(ocf.ErrGeneric, "IP %s is on %s without its cluster rules (table %s)", c.ip, t.link.Name,
			clusterip.TableName(c.ip))
	case !slices.Contains(nodes, c.clone.node):
		e.Log.Debugf("%s is up for buckets %v, not for %d", c.ip, nodes, c.clone.node)
		return ocf.Exit(ocf.NotRunning)
	}
	return nil
}
