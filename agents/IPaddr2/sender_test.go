package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
)

// senders lists the background ARP senders of ip still alive, whatever
// started them: re-executed agents with __announce and ip in their argv.
func senders(t *testing.T, ip string) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []int
	for _, d := range ents {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err != nil {
			continue // gone, or a zombie: it sends nothing
		}
		argv := strings.Split(string(b), "\x00")
		if len(argv) < 2 || argv[1] != "__announce" {
			continue
		}
		for _, a := range argv[2:] {
			if a == ip || strings.HasPrefix(a, ip+"/") {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// killSenders ends what a failed test leaves behind: only the senders of
// the test's own address, by pid.
func killSenders(t *testing.T, ip string) {
	t.Cleanup(func() {
		for _, pid := range senders(t, ip) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// Start and stop overlapping, 30 times, then a last stop: no sender of the
// address may remain, whichever start wrote a pid file last.
func TestNoSenderOutlivesStop(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.34.1/24 brd +"}, nil)
	const ip = "198.18.34.10"
	killSenders(t, ip)
	env := reskeys("ip", ip, "nic", v.Host, "arp_count", "100", "arp_interval", "100")

	// The same race, made certain: a second start (the address had gone
	// meanwhile) spawns a second sender while the first still runs.
	expect(t, 0, "start", env)
	out, err := exec.Command("ip", "addr", "del", ip+"/24", "dev", v.Host).CombinedOutput()
	require.NoError(t, err, "%s", out)
	expect(t, 0, "start", env)
	expect(t, 0, "stop", env)
	assert.Empty(t, senders(t, ip), "senders left running after start, start, stop")

	for i := 0; i < 30; i++ {
		var wg sync.WaitGroup
		for _, action := range []string{"start", "stop"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Not expect: only the test's goroutine may end it.
				r := run(t, action, env)
				assert.Equal(t, 0, r.Code, "%s: %s", action, r.Stderr)
			}()
		}
		wg.Wait()
	}
	expect(t, 0, "stop", env)
	assert.False(t, hostHas(t, v.Host, ip+"/24"))
	assert.Empty(t, senders(t, ip), "senders left running after 30 overlapping start and stop")
}

// A sender whose address left the interface (removed by hand, or by a
// stop that missed it) stops by itself instead of announcing an address
// the node no longer holds.
func TestSenderStopsWhenAddressGone(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.35.1/24 brd +"}, nil)
	const ip = "198.18.35.10"
	killSenders(t, ip)
	env := reskeys("ip", ip, "nic", v.Host, "arp_count", "10000", "arp_interval", "20")
	expect(t, 0, "start", env)
	require.NotEmpty(t, senders(t, ip), "a sender runs after start")
	out, err := exec.Command("ip", "addr", "del", ip+"/24", "dev", v.Host).CombinedOutput()
	require.NoError(t, err, "%s", out)
	// 10000 packets 20 ms apart would take 200 s; a sender that checks
	// before each packet is gone after one interval.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && len(senders(t, ip)) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	assert.Empty(t, senders(t, ip), "sender still announcing an address that is gone")
}
