package main

import (
	"context"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// announce tells the neighbours, in the background for IPv4 by default
// (arp_bg), as the shell agent backgrounds send_arp.
func announce(ctx context.Context, e *ocf.Env, c *resource, h *netif.Handle, t *target) error {
	if t.link.Loopback {
		return nil // no neighbours to tell
	}
	count := c.p.ARPCount
	interval := time.Duration(c.p.ARPInterval) * time.Millisecond
	if !c.arpBG || count == 1 {
		if err := h.Announce(ctx, t.link, t.prefix.Addr(), count, interval, c.reply); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "could not announce %s: %v", t.prefix.Addr(), err)
		}
		return nil
	}
	err := netif.StartBackground(netif.Background{Namespace: c.p.Namespace, Link: t.link.Name,
		Prefix: t.prefix, Count: count, Interval: interval, Reply: c.reply})
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "could not start the ARP sender: %v", err)
	}
	return nil
}

// stopSenders ends every background sender of the address, on link (any
// interface when link is ""): overlapping starts may have left several.
func stopSenders(ctx context.Context, e *ocf.Env, c *resource, link string) {
	ip := c.ip
	n, err := netif.StopBackground(ctx, c.p.Namespace, link, ip)
	if err != nil {
		e.Log.Warnf("looking for ARP senders of %s: %v", ip, err)
	}
	if n > 0 {
		e.Log.Infof("killed %d previously running ARP sender(s) for %s", n, ip)
	}
}
