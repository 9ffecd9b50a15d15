package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// announceCmd is the hidden first argument of the background sender: the
// agent re-executes itself so start returns at once while the packets go
// out arp_interval apart, as the shell agent backgrounds send_arp.
const announceCmd = "__announce"

func announce(ctx context.Context, e *ocf.Env, c *config, h *netif.Handle, t *target) error {
	if t.link.Loopback {
		return nil // no neighbours to tell
	}
	count := e.Int("arp_count")
	interval := time.Duration(e.Int("arp_interval")) * time.Millisecond
	if !c.arpBG || count == 1 {
		if err := h.Announce(ctx, t.link, t.prefix.Addr(), count, interval, c.reply); err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "could not announce %s: %v", t.prefix.Addr(), err)
		}
		return nil
	}
	pidfile, err := announcePidfile(e.Str("network_namespace"), t.prefix.Addr())
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	self, err := os.Executable()
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	cmd := exec.Command(self, announceCmd, e.Str("network_namespace"), t.link.Name,
		t.prefix.Addr().String(), strconv.Itoa(count), interval.String(), strconv.FormatBool(c.reply))
	// Detached: Pacemaker waits for the agent's output pipes to close, so
	// the sender gets none of them and a session of its own.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "could not start the ARP sender: %v", err)
	}
	if err := os.WriteFile(pidfile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		e.Log.Warnf("pid file of the ARP sender: %v", err)
	}
	cmd.Process.Release()
	return nil
}

// announceMain runs in the background sender.
func announceMain(args []string) int {
	if len(args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: IPaddr2 "+announceCmd+" NAMESPACE NIC IP COUNT INTERVAL REPLY")
		return ocf.ErrArgs
	}
	ip, err1 := netip.ParseAddr(args[2])
	count, err2 := strconv.Atoi(args[3])
	interval, err3 := time.ParseDuration(args[4])
	reply, err4 := strconv.ParseBool(args[5])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return ocf.ErrArgs
	}
	if pidfile, err := announcePidfile(args[0], ip); err == nil {
		defer removeIfOurs(pidfile, ip)
	}
	h, err := netif.Open(args[0])
	if err != nil {
		return ocf.ErrGeneric
	}
	defer h.Close()
	link, err := h.Link(args[1])
	if err != nil {
		return ocf.ErrGeneric
	}
	// Bounded: the sender never outlives its packets by more than a moment.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(count)*interval+5*time.Second)
	defer cancel()
	if err := h.Announce(ctx, link, ip, count, interval, reply); err != nil {
		return ocf.ErrGeneric
	}
	return ocf.Success
}

// announcePidfile is the shell agent's send_arp-<ip>, with the namespace
// in the name when there is one: the same address may live in several.
func announcePidfile(namespace string, ip netip.Addr) (string, error) {
	dir := ocf.StateDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := "send_arp-" + ip.String()
	if namespace != "" {
		name = "send_arp-" + strings.ReplaceAll(namespace, "/", "_") + "-" + ip.String()
	}
	return filepath.Join(dir, name), nil
}

// stopBackgroundAnnounce ends a sender still running from start, but only if
// the pid still belongs to one: a recycled pid is never signalled.
func stopBackgroundAnnounce(e *ocf.Env) {
	c, err := parseConfig(e)
	if err != nil {
		return
	}
	pidfile, err := announcePidfile(e.Str("network_namespace"), c.ip)
	if err != nil {
		return
	}
	pid, ok := senderPid(pidfile, c.ip)
	if ok {
		if err := syscall.Kill(pid, syscall.SIGTERM); err == nil {
			e.Log.Infof("killed previously running ARP sender for %s", c.ip)
		}
	}
	os.Remove(pidfile)
}

// senderPid is the pid in pidfile if it is still a sender of this address.
func senderPid(pidfile string, ip netip.Addr) (int, bool) {
	b, err := os.ReadFile(pidfile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return 0, false
	}
	argv := strings.Split(string(cmdline), "\x00")
	return pid, len(argv) > 4 && argv[1] == announceCmd && argv[4] == ip.String()
}

func removeIfOurs(pidfile string, ip netip.Addr) {
	if pid, ok := senderPid(pidfile, ip); ok && pid == os.Getpid() {
		os.Remove(pidfile)
	}
}
