package drbdfake

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run calls the fake in dir as prog with args.
func run(t *testing.T, dir, prog string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{filepath.Join(dir, prog)}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

func install(t *testing.T, w *World, dir string) {
	t.Helper()
	require.NoError(t, w.Save(Path(dir)))
}

func TestEvents2Format(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "9.2.7", 1, 1)
	install(t, w, dir)
	out, _, code := run(t, dir, "drbdsetup", "events2", "--now", "r0")
	require.Equal(t, 0, code)
	assert.Equal(t, `exists resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:yes promotion_score:10102
exists connection name:r0 peer-node-id:1 conn-name:node2 connection:Connected role:Secondary
exists device name:r0 volume:0 minor:0 backing_dev:/dev/fakevg/r0_0 disk:UpToDate client:no open:no quorum:yes
exists peer-device name:r0 peer-node-id:1 conn-name:node2 volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no
exists path name:r0 peer-node-id:1 conn-name:node2 local:ipv4:127.0.0.1:7789 peer:ipv4:127.0.0.3:7789 established:yes
exists -
`, out)
}

func TestShStatusFormat(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "8.4.11", 1, 1)
	w.Resources["r0"].Role = "Primary"
	install(t, w, dir)
	out, _, code := run(t, dir, "drbdsetup", "sh-status", "r0")
	require.Equal(t, 0, code)
	assert.Equal(t, "_minor=0\n_res_name=r0\n_volume=0\n_known=Configured\n\n_cstate=Connected\n_role=Primary\n_peer=Secondary\n_disk=UpToDate\n_pdsk=UpToDate\n\n"+
		"_flags_susp=\n_flags_aftr_isp=\n_flags_peer_isp=\n_flags_user_isp=\n\n_resynced_percent=\n\n_sh_status_process\n\n\n", out)
}

func TestVersionFormat(t *testing.T) {
	dir := t.TempDir()
	install(t, NewWorld(dir, "9.2.7", 1, 0), dir)
	out, _, code := run(t, dir, "drbdadm", "--version")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "DRBD_KERNEL_VERSION_CODE=0x090207\nDRBD_KERNEL_VERSION=9.2.7\nDRBDADM_VERSION_CODE=0x091600\nDRBDADM_VERSION=9.22.0\n")
	proc, err := os.ReadFile(filepath.Join(dir, "proc_drbd"))
	require.NoError(t, err)
	assert.Contains(t, string(proc), "version: 9.2.7 (api:2/proto:86-122)\n")
}

func TestPrimaryNeedsUpToDateData(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "9.2.7", 2, 1)
	w.Resources["r0"].Volumes[1].Disk = "Outdated"
	w.Resources["r0"].Peers[0].Reachable = false
	install(t, w, dir)
	_, stderr, code := run(t, dir, "drbdadm", "primary", "r0")
	assert.Equal(t, 17, code)
	assert.Contains(t, stderr, "Need access to UpToDate data")

	require.NoError(t, Update(Path(dir), func(w *World) error {
		w.Resources["r0"].Peers[0].Reachable = true
		w.dirty = true
		return nil
	}))
	_, _, code = run(t, dir, "drbdadm", "primary", "r0")
	assert.Equal(t, 0, code, "a reachable UpToDate peer is access to good data")
	w, err := Load(Path(dir))
	require.NoError(t, err)
	assert.Equal(t, "Primary", w.Resources["r0"].Role)

	calls, err := Calls(filepath.Join(dir, "calls.log"))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"drbdadm", "primary", "r0"}, {"drbdadm", "primary", "r0"}}, calls)
}

func TestDownUpLifecycle(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "9.2.7", 1, 1)
	install(t, w, dir)
	_, _, code := run(t, dir, "drbdadm", "down", "r0")
	require.Equal(t, 0, code)
	out, _, _ := run(t, dir, "drbdsetup", "events2", "--now", "r0")
	assert.Equal(t, "exists -\n", out)
	if os.Geteuid() == 0 {
		_, err := os.Stat(filepath.Join(dir, "dev", "drbd0"))
		assert.True(t, os.IsNotExist(err), "device node removed on down")
	}
	for _, c := range [][]string{{"new-resource", "r0"}, {"new-minor", "r0"}, {"adjust", "--skip-net", "r0"}} {
		_, stderr, code := run(t, dir, "drbdadm", c...)
		require.Equal(t, 0, code, stderr)
	}
	out, _, _ = run(t, dir, "drbdsetup", "events2", "--now", "r0")
	assert.Contains(t, out, "connection:StandAlone role:Unknown")
	assert.Contains(t, out, "disk:UpToDate")
	assert.Contains(t, out, "peer-disk:DUnknown")
	if os.Geteuid() == 0 {
		st, err := os.Stat(filepath.Join(dir, "dev", "drbd0"))
		require.NoError(t, err)
		assert.NotZero(t, st.Mode()&os.ModeDevice)
	}
	_, _, code = run(t, dir, "drbdadm", "adjust", "r0")
	require.Equal(t, 0, code)
	out, _, _ = run(t, dir, "drbdsetup", "events2", "--now", "r0")
	assert.Contains(t, out, "connection:Connected role:Secondary")
}

func TestNotInConfig(t *testing.T) {
	dir := t.TempDir()
	install(t, NewWorld(dir, "9.2.7", 1, 0), dir)
	_, stderr, code := run(t, dir, "drbdadm", "-c", "/etc/drbd.conf", "sh-dev", "r9")
	assert.Equal(t, 1, code)
	assert.Equal(t, "'r9' not defined in your config (for this host).\n", stderr)
}

func TestCrmAttribute(t *testing.T) {
	dir := t.TempDir()
	install(t, NewWorld(dir, "9.2.7", 1, 0), dir)
	_, _, code := run(t, dir, "crm_attribute", "-n", "master-d", "--lifetime", "forever", "-Q", "-l", "reboot", "-v", "10000")
	require.Equal(t, 0, code)
	out, _, code := run(t, dir, "crm_attribute", "-n", "master-d", "-q", "-l", "reboot", "-G")
	require.Equal(t, 0, code)
	assert.Equal(t, "10000\n", out)
	t.Setenv("OCF_RESOURCE_INSTANCE", "d")
	_, _, code = run(t, dir, "crm_attribute", "-p", "-l", "reboot", "-D")
	require.Equal(t, 0, code)
	_, _, code = run(t, dir, "crm_attribute", "--promotion=d", "-q", "-G")
	assert.Equal(t, 105, code)
}

func TestInjectedFailure(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "9.2.7", 1, 0)
	w.Fail = map[string]int{"events2": 20}
	install(t, w, dir)
	_, stderr, code := run(t, dir, "drbdsetup", "events2", "--now", "r0")
	assert.Equal(t, 20, code)
	assert.Contains(t, stderr, "injected")
}

func TestDumpAndShow(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "9.2.7", 1, 1)
	w.Resources["r0"].AllowTwoPrimaries = true
	w.Resources["r0"].Peers[0].Reachable = false
	install(t, w, dir)
	out, _, code := run(t, dir, "drbdadm", "-c", "/etc/drbd.conf", "-d", "-v", "dump", "r0")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "resource r0 {\n")
	assert.Contains(t, out, "\n        allow-two-primaries yes;\n")
	out, _, _ = run(t, dir, "drbdadm", "role", "r0")
	assert.Equal(t, "Secondary\n", out)
	out, _, _ = run(t, dir, "drbdadm", "cstate", "r0")
	assert.Equal(t, "Connecting\n", out)
	out, _, _ = run(t, dir, "drbdadm", "dstate", "r0")
	assert.Equal(t, "UpToDate/DUnknown\n", out)
	out, _, code = run(t, dir, "drbdadm", "-d", "connect", "r0:node2")
	require.Equal(t, 0, code)
	assert.Equal(t, "drbdsetup connect r0 1\n", out)
	_, _, code = run(t, dir, "drbdsetup", "wait-connect-resource", "r0", "--wfc-timeout=5")
	assert.Equal(t, 5, code, "times out at once instead of waiting")
}

func TestShow84(t *testing.T) {
	dir := t.TempDir()
	w := NewWorld(dir, "8.4.11", 2, 1)
	w.Resources["r0"].Role = "Primary"
	install(t, w, dir)
	out, _, _ := run(t, dir, "drbdadm", "role", "r0")
	assert.Equal(t, "Primary/Secondary\n", out)
	out, _, _ = run(t, dir, "drbdadm", "dstate", "r0")
	assert.Equal(t, "UpToDate/UpToDate\nUpToDate/UpToDate\n", out)
	out, _, _ = run(t, dir, "drbdadm", "--version")
	assert.Contains(t, out, "DRBDADM_API_VERSION=1\nDRBD_KERNEL_VERSION_CODE=0x08040b\n")

	_, _, code := run(t, dir, "drbdadm", "down", "r0")
	require.Equal(t, 0, code)
	_, stderr, code := run(t, dir, "drbdsetup", "sh-status", "r0")
	assert.Equal(t, 10, code)
	assert.Contains(t, stderr, "No such resource")
	out, _, _ = run(t, dir, "drbdadm", "role", "r0")
	assert.Equal(t, "Unconfigured\n", out)

	// attached but not connected: StandAlone, configured
	for _, c := range [][]string{{"new-resource", "r0"}, {"new-minor", "r0"}, {"attach", "r0"}} {
		_, stderr, code := run(t, dir, "drbdadm", c...)
		require.Equal(t, 0, code, stderr)
	}
	out, _, _ = run(t, dir, "drbdsetup", "sh-status", "r0")
	assert.Contains(t, out, "_known=Configured\n\n_cstate=StandAlone\n_role=Secondary\n_peer=Unknown\n_disk=UpToDate\n_pdsk=DUnknown\n")
}

func TestModuleNotLoaded(t *testing.T) {
	dir := t.TempDir()
	install(t, NewWorld(dir, "", 1, 0), dir)
	out, _, code := run(t, dir, "drbdadm", "--version")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "DRBD_KERNEL_VERSION_CODE=0x000000\nDRBD_KERNEL_VERSION=0\n")
	_, err := os.Stat(filepath.Join(dir, "proc_drbd"))
	assert.True(t, os.IsNotExist(err), "no proc file without the module")
	_, _, code = run(t, dir, "drbdsetup", "events2", "--now", "r0")
	assert.Equal(t, 20, code)
}
