package bench_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/testenv"
	"golang.org/x/sys/unix"
)

// before is the agent name built from an earlier commit, in the
// directory OCFKIT_BENCH_BEFORE (make bin/<agent> there).
func before(name string) string {
	return filepath.Join(os.Getenv("OCFKIT_BENCH_BEFORE"), name)
}

// TestBenchIPaddr2Scale times the IPaddr2 monitor of both agents with 0,
// 1,000 and 4,000 addresses on another interface (an LVS director, a
// Kubernetes node in IPVS mode): ocfkit's must not grow with them. Each
// state is a network namespace of its own (see runner), with a veth pair
// for the address and another carrying the others; they go with it.
func TestBenchIPaddr2Scale(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t)
	testenv.NeedFile(t, heartbeatIPaddr2)
	// Without nic both agents find the interface from the routes; with
	// nic and cidr_netmask no route is needed.
	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "vip", "ip": "198.18.61.10", "cidr_netmask": "24"}
	if nic := os.Getenv("OCFKIT_BENCH_NIC"); nic != "" {
		p = p.With("nic", nic)
	}
	if inRunner(t) {
		ip := testenv.NeedCmd(t, "ip")
		n, _ := strconv.Atoi(os.Getenv("OCFKIT_BENCH_ADDRS"))
		var b strings.Builder
		b.WriteString("link set lo up\n")
		b.WriteString("link add ocfkv0 type veth peer name ocfkv1\nlink set ocfkv0 up\nlink set ocfkv1 up\n")
		b.WriteString("addr add 198.18.61.1/24 brd + dev ocfkv0\n")
		b.WriteString("link add ocfkc0 type veth peer name ocfkc1\nlink set ocfkc0 up\nlink set ocfkc1 up\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "addr add 198.19.%d.%d/32 dev ocfkc0\n", i/256, i%256)
		}
		cmd := exec.Command(ip, "-batch", "-")
		cmd.Stdin = strings.NewReader(b.String())
		if out, err := cmd.CombinedOutput(); err != nil {
			fail(t, fmt.Errorf("ip -batch: %v: %s", err, out))
		}
		ours := os.Getenv("OCFKIT_BENCH_OURS")
		if err := act(ours, agenttest.Environ(p.With("arp_bg", "false", "arp_count", "1")), "start", 0); err != nil {
			fail(t, err)
		}
		monitor := agenttest.Environ(p.With("CRM_meta_interval", "10000"))
		serve(map[string]func() (time.Duration, error){
			"ocfkit":    func() (time.Duration, error) { return monitorCPU(ours, monitor, 0) },
			"heartbeat": func() (time.Duration, error) { return monitorCPU(heartbeatIPaddr2, monitor, 0) },
			"before":    func() (time.Duration, error) { return monitorCPU(before("IPaddr2"), monitor, 0) },
		})
		return
	}
	ours := testenv.BuildAgent(t, "IPaddr2")
	for _, c := range []struct{ what, nic string }{{"IPaddr2, nic given", "ocfkv0"}, {"IPaddr2, no nic", ""}} {
		var rs []*runner
		for _, n := range []int{0, 1000, 4000} {
			rs = append(rs, startRunner(t, fmt.Sprintf("%d addrs elsewhere", n), []string{"--net"},
				"OCFKIT_BENCH_ADDRS="+strconv.Itoa(n), "OCFKIT_BENCH_OURS="+ours, "OCFKIT_BENCH_NIC="+c.nic))
		}
		compareScale(t, c.what, bench.Runs(), rs)
	}
}

// TestBenchFilesystemScale times the Filesystem monitor of both agents
// with 20, 1,000 and 5,000 mounts in the mount namespace: ocfkit's must
// not grow with them. Each state is a private mount namespace of its own
// (see runner), agents included: the host sees none of the mounts, and
// they go with the namespace.
func TestBenchFilesystemScale(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t)
	testenv.NeedFile(t, anchorFilesystem)
	if inRunner(t) {
		want, _ := strconv.Atoi(os.Getenv("OCFKIT_BENCH_MOUNTS"))
		dev := mounttest.Loop(t, 64)
		mounttest.Mkfs(t, "ext4", dev, "benchscale")
		dir := filepath.Join(mounttest.Dir(t, "bench"), "web")
		p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "benchfs", "device": dev, "directory": dir, "fstype": "ext4", "CRM_meta_timeout": "20000"}
		ours := os.Getenv("OCFKIT_BENCH_OURS")
		if err := act(ours, agenttest.Environ(p), "start", 0); err != nil {
			fail(t, err)
		}
		// The other mounts: tmpfs under one tmpfs, which a lazy
		// unmount takes away at once at the end.
		others := filepath.Join(t.TempDir(), "others")
		if err := os.Mkdir(others, 0o755); err != nil {
			fail(t, err)
		}
		if err := unix.Mount("ocfkit-bench", others, "tmpfs", 0, "size=64m"); err != nil {
			fail(t, err)
		}
		defer unix.Unmount(others, unix.MNT_DETACH)
		all, err := mountinfo.GetMounts(nil)
		if err != nil {
			fail(t, err)
		}
		for i := len(all); i < want; i++ {
			d := filepath.Join(others, strconv.Itoa(i))
			if err := os.Mkdir(d, 0o755); err != nil {
				fail(t, err)
			}
			if err := unix.Mount("ocfkit-bench", d, "tmpfs", 0, "size=4k"); err != nil {
				fail(t, fmt.Errorf("mount tmpfs on %s: %w", d, err))
			}
		}
		monitor := agenttest.Environ(p.With("CRM_meta_interval", "20000"))
		serve(map[string]func() (time.Duration, error){
			"ocfkit":    func() (time.Duration, error) { return monitorCPU(ours, monitor, 0) },
			"heartbeat": func() (time.Duration, error) { return monitorCPU(anchorFilesystem, monitor, 0) },
			"before":    func() (time.Duration, error) { return monitorCPU(before("Filesystem"), monitor, 0) },
		})
		if err := act(ours, agenttest.Environ(p), "stop", 0); err != nil {
			t.Error(err)
		}
		return
	}
	ours := testenv.BuildAgent(t, "Filesystem")
	var rs []*runner
	for _, n := range []int{20, 1000, 5000} {
		rs = append(rs, startRunner(t, fmt.Sprintf("%d mounts", n), []string{"--mount", "--propagation", "private"},
			"OCFKIT_BENCH_MOUNTS="+strconv.Itoa(n), "OCFKIT_BENCH_OURS="+ours))
	}
	compareScale(t, "Filesystem monitor", bench.Runs(), rs)
}
