package seeds

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Seed002 is seed 002's stack on a single-node cluster: DRBD promotable
// clone ms_drbd0 (the fake), and the group rg_httpd of a VIP, a filesystem
// and apache, colocated with the promoted DRBD instance and ordered after
// its promotion. The VIP lives on a veth pair of the test's own.
type Seed002 struct {
	*Stack002
	C       *cluster.Cluster
	NIC     string
	DRBDDir string
	State   string // the fake DRBD's world
	Verbose bool   // print the pcs commands (the demo)
}

// VIP002 is the single-node stack's address.
const VIP002 = "198.18.52.10"

// New002 prepares the machine's side (veth, loop device, apache
// configuration, fake DRBD) and then starts the cluster, so that the
// cluster stops before those are removed. more adds agents and
// environment for other resources in the same cluster (the clouds').
func New002(t testing.TB, more cluster.Options) *Seed002 {
	t.Helper()
	s := &Seed002{}
	v := netiftest.NewVeth(t, []string{"198.18.52.1/24"}, []string{"198.18.52.2/24"})
	s.NIC = v.Host
	s.Stack002 = NewStack002(t, VIP002)

	fake := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
	s.DRBDDir = t.TempDir()
	require.NoError(t, os.Chmod(s.DRBDDir, 0o755))
	require.NoError(t, drbdfake.Install(fake, s.DRBDDir))
	w := drbdfake.NewWorld(s.DRBDDir, "9.2.7", 1, 0)
	r0 := w.Resources["r0"]
	r0.Up, r0.Attached, r0.Connected = false, false, false
	s.State = drbdfake.Path(s.DRBDDir)
	require.NoError(t, w.Save(s.State))
	require.NoError(t, os.WriteFile(filepath.Join(s.DRBDDir, "drbd.conf"), nil, 0o644))

	s.C = cluster.Start(t, cluster.Options{
		Agents: append(append([]string{}, Agents002...), more.Agents...),
		Env:    more.Env,
	})
	return s
}

// Configure writes the seed's configuration with pcs into a copy of the
// CIB and pushes it at once, as the seed's `commit` does.
func (s *Seed002) Configure(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	cib, orig := filepath.Join(dir, "seed002.xml"), filepath.Join(dir, "orig.xml")
	s.C.Pcs(t, "cluster", "cib", orig)
	b, err := os.ReadFile(orig)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cib, b, 0o600))
	for _, args := range append(append([][]string{}, Properties002...), s.Commands(s.NIC, s.DRBDDir)...) {
		s.Echo("pcs %s", strings.Join(args, " "))
		s.C.Pcs(t, append([]string{"-f", cib}, args...)...)
	}
	s.Echo("pcs cluster cib-push (all of the above at once)")
	s.C.Pcs(t, "cluster", "cib-push", cib, "diff-against="+orig)
}

// Echo shows a command in the demo; tests stay quiet.
func (s *Seed002) Echo(format string, args ...any) {
	if s.Verbose {
		fmt.Printf("  # "+format+"\n", args...)
	}
}

// Up reports whether the whole stack runs: DRBD Primary and promoted, the
// group started, the filesystem mounted, the page served at the VIP.
func (s *Seed002) Up(t testing.TB) bool {
	t.Helper()
	return s.C.ResourceRole(t, "ms_drbd0") == "Promoted" && s.DRBDRole(t) == "Primary" &&
		s.C.ResourceRole(t, "rg_httpd") == "Started" && mounttest.Mounted(t, s.Mnt) && s.Get() == s.Page
}

// WaitUp waits up to 3 minutes for Up.
func (s *Seed002) WaitUp(t testing.TB, what string) {
	t.Helper()
	s.C.WaitFor(t, 3*time.Minute, what, func() bool { return s.Up(t) })
}

// DRBDRole is r0's role in the fake's world.
func (s *Seed002) DRBDRole(t testing.TB) string {
	t.Helper()
	w, err := drbdfake.Read(s.State)
	require.NoError(t, err)
	return w.Resources["r0"].Role
}

// SetDisk sets r0's disk state (UpToDate, Outdated, ...) behind
// Pacemaker's back.
func (s *Seed002) SetDisk(t testing.TB, disk string) {
	t.Helper()
	require.NoError(t, drbdfake.Modify(s.State, func(w *drbdfake.World) {
		w.Resources["r0"].Volumes[0].Disk = disk
	}))
}

// Get fetches the page at the VIP ("" when it cannot).
func (s *Seed002) Get() string {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(s.URL())
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(b)
}

// Unmount takes the filesystem away behind Pacemaker's back.
func (s *Seed002) Unmount(t testing.TB) {
	t.Helper()
	for try := 0; ; try++ {
		err := syscall.Unmount(s.Mnt, 0)
		if err == nil {
			return
		}
		if try == 50 {
			require.NoError(t, err, "unmount %s", s.Mnt)
		}
		time.Sleep(100 * time.Millisecond) // a request in flight holds it
	}
}
