package main

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// LVS direct routing: a real server keeps the VIP as a /32 on loopback.
// When this node becomes the director the loopback copy is removed (and
// remembered) so the address can live on the network interface; on stop it
// is put back. The record is the shell agent's: $HA_RSCTMP/<ip> holding
// "<ip> 32 255.255.255.255 lo", so switching agents mid-life keeps working.

func loopbackRecord(ip netip.Addr) string {
	return filepath.Join(ocf.StateDir(), ip.String())
}

func moveLoopbackAside(e *ocf.Env, h *netif.Handle, ip netip.Addr) error {
	host := netip.PrefixFrom(ip, 32)
	links, err := h.Where(host)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	for _, name := range links {
		if !strings.HasPrefix(name, "lo") {
			continue
		}
		e.Log.Infof("Removing conflicting loopback %s.", name)
		if err := os.MkdirAll(ocf.StateDir(), 0o755); err == nil {
			err = ocf.WriteState(loopbackRecord(ip), []byte(ip.String()+" 32 255.255.255.255 "+name+"\n"), 0o644)
		}
		if err != nil {
			e.Log.Errorf("Could not save conflicting loopback %s: it will not be restored: %v", name, err)
		}
		l, err := h.Link(name)
		if err == nil {
			err = h.Del(l, host)
		}
		if err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "could not remove %s from %s: %v", host, name, err)
		}
	}
	return nil
}

func restoreLoopback(e *ocf.Env, h *netif.Handle, ip netip.Addr) {
	path := loopbackRecord(ip)
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	f := strings.Fields(string(b))
	if len(f) != 4 || f[0] != ip.String() || f[1] != "32" {
		e.Log.Warnf("ignoring unreadable loopback record %s", path)
		return
	}
	e.Log.Infof("Restoring loopback IP Address %s on %s.", ip, f[3])
	l, err := h.Link(f[3])
	if err == nil {
		err = h.Add(l, netif.Address{Prefix: netip.PrefixFrom(ip, 32), PreferredLft: -1})
	}
	if err != nil && !errors.Is(err, netif.ErrExists) {
		e.Log.Errorf("could not restore %s on %s: %v", ip, f[3], err)
		return
	}
	os.Remove(path)
}
