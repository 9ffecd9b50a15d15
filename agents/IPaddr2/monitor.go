package main

import (
	"context"
	"os"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

func monitor(ctx context.Context, e *ocf.Env, c *resource) error {
	h, t, up, err := findHere(e, c)
	if err != nil {
		return err
	}
	if h != nil {
		defer h.Close()
	}
	if !up {
		return ocf.Exit(ocf.NotRunning)
	}
	if linkDown(c, t) {
		// Upstream says 7. A probe says 1 instead: the address is here, and
		// a 7 would let Pacemaker start it elsewhere without removing it
		// here, where it comes back with the carrier.
		if e.IsProbe() {
			return ocf.Errorf(ocf.ErrGeneric, "IP %s is on %s, but the device has status down (check_link_status)", c.ip, t.link.Name)
		}
		e.Log.Infof("IP %s is on %s, but the device has status down (check_link_status)", c.ip, t.link.Name)
		return ocf.Exit(ocf.NotRunning)
	}
	if c.clone != nil {
		return monitorClone(e, c, h, t)
	}
	if n := c.p.ARPCountRefresh; n > 0 && t.prefix.Addr().Is4() {
		interval := time.Duration(c.p.ARPInterval) * time.Millisecond
		if err := h.Announce(ctx, t.link, t.prefix.Addr(), n, interval, false); err != nil {
			e.Log.Warnf("ARP refresh: %v", err)
		}
	}
	return nil
}

// status is the legacy action: monitor with a word on stdout.
func status(ctx context.Context, e *ocf.Env, c *resource) error {
	err := monitor(ctx, e, c)
	switch ocf.CodeOf(err) {
	case ocf.Success:
		os.Stdout.WriteString("running\n")
	case ocf.NotRunning:
		os.Stdout.WriteString("stopped\n")
	}
	return err
}
