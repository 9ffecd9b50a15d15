package drbd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Output of drbd-utils 9.x for a Secondary with one UpToDate peer.
const events2Healthy = `exists resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:10102
exists connection name:r0 peer-node-id:1 conn-name:node2 connection:Connected role:Secondary
exists device name:r0 volume:0 minor:0 backing_dev:/dev/vg/r0 disk:UpToDate client:no open:no quorum:yes
exists peer-device name:r0 peer-node-id:1 conn-name:node2 volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no
exists path name:r0 peer-node-id:1 conn-name:node2 local:ipv4:10.0.0.1:7789 peer:ipv4:10.0.0.2:7789 established:yes
exists -
`

func TestParseEvents2(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want Status
	}{
		{"healthy secondary", events2Healthy, Status{HaveQuorum: true, DiskAllUpToDate: true, DiskAllConsistent: true,
			PeerDiskAllUpToDate: true, SomePeerAllUpToDate: true, Disks: []string{"UpToDate"}}},
		{"older utils: no backing_dev, no open, Primary peer",
			`exists resource name:r0 role:Secondary suspended:no write-ordering:flush
exists connection name:r0 peer-node-id:0 conn-name:central connection:Connected role:Primary congested:no
exists device name:r0 volume:0 minor:1 disk:Outdated client:no quorum:yes size:765868
exists peer-device name:r0 peer-node-id:0 conn-name:central volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no received:765868
exists -
`, Status{HaveQuorum: true, SomePeerPrimary: true, PeerDiskAllUpToDate: true, SomePeerAllUpToDate: true, Disks: []string{"Outdated"}}},
		{"unconfigured: nothing but the marker", "exists -\n",
			Status{Unconfigured: true, HaveQuorum: true, DiskAllUpToDate: true, DiskAllConsistent: true, DisklessClient: true}},
		{"diskless client, peer unknown",
			`exists resource name:r0 role:Secondary suspended:no
exists connection name:r0 peer-node-id:1 conn-name:n2 connection:Connecting role:Unknown
exists device name:r0 volume:0 minor:0 backing_dev:none disk:Diskless client:yes open:no quorum:no
exists peer-device name:r0 peer-node-id:1 conn-name:n2 volume:0 replication:Off peer-disk:DUnknown peer-client:no resync-suspended:no
exists -
`, Status{HaveQuorum: true, DiskAllUpToDate: true, DiskAllConsistent: true, DisklessClient: true,
				SomePeerNotAllUpToDate: true, PeerDiskAnyUnknown: true, Disks: []string{"DisklessClient"}}},
		{"quorum lost, two volumes, one Attaching",
			`exists resource name:r0 role:Primary suspended:no
exists device name:r0 volume:0 minor:0 disk:UpToDate client:no quorum:no
exists device name:r0 volume:1 minor:1 disk:Attaching client:no quorum:yes
exists -
`, Status{Primary: true, DiskAllUpToDate: true, DiskAllConsistent: true, DiskTransitional: true, Disks: []string{"UpToDate", "Attaching"}}},
		{"peer that is a diskless client is ignored",
			`exists resource name:r0 role:Secondary
exists connection name:r0 peer-node-id:2 conn-name:c connection:Connected role:Primary
exists device name:r0 volume:0 minor:0 disk:Consistent client:no quorum:yes
exists peer-device name:r0 peer-node-id:2 conn-name:c volume:0 replication:Established peer-disk:Diskless peer-client:yes
exists -
`, Status{HaveQuorum: true, SomePeerPrimary: true, DiskAllConsistent: true, Disks: []string{"Consistent"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ParseEvents2([]byte(tt.out), "r0")
			require.NoError(t, err)
			assert.Equal(t, tt.want, st)
		})
	}
}

func TestParseEvents2OrderAndNoise(t *testing.T) {
	want, err := ParseEvents2([]byte(events2Healthy), "r0")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(events2Healthy), "\n")
	// reversed (peer devices before their connection), another resource
	// mixed in, and a change after the marker that must be ignored
	var b strings.Builder
	b.WriteString("exists resource name:r1 role:Primary\nexists device name:r1 volume:0 minor:5 disk:Inconsistent\n")
	for i := len(lines) - 2; i >= 0; i-- {
		b.WriteString(lines[i] + "\n")
	}
	b.WriteString("exists -\nchange device name:r0 volume:0 disk:Outdated\n")
	got, err := ParseEvents2([]byte(b.String()), "r0")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got, err = ParseEvents2([]byte(strings.Replace(events2Healthy, "exists -\n", "", 1)), "r0")
	require.NoError(t, err)
	assert.Equal(t, want, got, "the marker is optional")
}

func TestParseEvents2Errors(t *testing.T) {
	for _, out := range []string{
		"exists connection name:r0 conn-name:x connection:Connected role:Primary\n",
		"exists peer-device name:r0 peer-node-id:abc volume:0 peer-disk:UpToDate\n",
		"exists connection name:r0 peer-node-id:99 connection:Connected\n",
	} {
		_, err := ParseEvents2([]byte(out), "r0")
		assert.Error(t, err, out)
	}
}

// Output of drbdsetup sh-status (DRBD 8.4) for one Primary volume and one
// unconfigured one.
const shStatus84 = `_minor=0
_res_name=r0
_volume=0
_known=Configured

_cstate=Connected
_role=Primary
_peer=Secondary
_disk=UpToDate
_pdsk=UpToDate

_flags_susp=
_flags_aftr_isp=
_flags_peer_isp=
_flags_user_isp=

_resynced_percent=

_sh_status_process


_minor=1
_res_name=r0
_volume=1
_known=NA # not available or not yet created

_cstate=Unconfigured
_role=
_peer=
_disk=
_pdsk=
_flags_susp=
_flags_aftr_isp=
_flags_peer_isp=
_flags_user_isp=
_resynced_percent=

_sh_status_process


`

func TestParseShStatus(t *testing.T) {
	st, err := ParseShStatus([]byte(shStatus84))
	require.NoError(t, err)
	assert.Equal(t, Status{Primary: true, HaveQuorum: true, DiskAllConsistent: true, PeerDiskAnyUnknown: true,
		SomePeerNotAllUpToDate: true, Disks: []string{"UpToDate", "Unconfigured"}}, st)

	st, err = ParseShStatus(nil)
	require.NoError(t, err)
	assert.True(t, st.Unconfigured)
	assert.False(t, st.DiskAllUpToDate)

	st, err = ParseShStatus([]byte("_volume=-1\n_role=Secondary\n_disk=Negotiating\n_pdsk=DUnknown\n_sh_status_process\n"))
	require.NoError(t, err)
	assert.Equal(t, Status{HaveQuorum: true, DiskAllConsistent: true, DiskTransitional: true, PeerDiskAnyUnknown: true,
		SomePeerNotAllUpToDate: true, Disks: []string{"Negotiating"}}, st)

	_, err = ParseShStatus([]byte("rm -rf /\n"))
	assert.Error(t, err)
	_, err = ParseShStatus([]byte("_volume=x\n_sh_status_process\n"))
	assert.Error(t, err)
}

func TestParseVersion(t *testing.T) {
	// drbd-utils 9.22 with DRBD 9.2.7 loaded
	out := `DRBDADM_BUILDTAG=GIT-hash:\ 409097fe02187f83790b88ac3e0d94f3c167adab\ reproducible\ build\,\ 2023-01-09\ 14:51:18
DRBDADM_API_VERSION=2
DRBD_KERNEL_VERSION_CODE=0x090207
DRBD_KERNEL_VERSION=9.2.7
DRBDADM_VERSION_CODE=0x091600
DRBDADM_VERSION=9.22.0
`
	v, err := ParseVersion([]byte(out))
	require.NoError(t, err)
	assert.Equal(t, Version{KernelCode: 0x090207, Kernel: "9.2.7", UtilsCode: 0x091600, Utils: "9.22.0", API: 2}, v)
	assert.True(t, v.V9())
	assert.True(t, v.MultiVolume())

	v, err = ParseVersion([]byte(strings.NewReplacer("0x090207", "0x000000", "=9.2.7", "=0").Replace(out)))
	require.NoError(t, err)
	assert.Zero(t, v.KernelCode, "module not loaded")

	_, err = ParseVersion([]byte("drbdadm: command not found\n"))
	assert.Error(t, err)
	_, err = ParseVersion([]byte("DRBD_KERNEL_VERSION_CODE=zz\n"))
	assert.Error(t, err)
}

func TestParseProcVersion(t *testing.T) {
	v, err := ParseProcVersion([]byte("version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 0\n"))
	require.NoError(t, err)
	assert.Equal(t, 0x08040b, v.KernelCode)
	assert.False(t, v.V9())
	v, err = ParseProcVersion([]byte("version: 9.2.0-rc.7 (api:2/proto:86-121)\n"))
	require.NoError(t, err)
	assert.Equal(t, 0x090200, v.KernelCode)
	_, err = ParseProcVersion([]byte("Transports: tcp\n"))
	assert.Error(t, err)
}

func TestVersionCode(t *testing.T) {
	c, err := VersionCode("9.0.16")
	require.NoError(t, err)
	assert.Equal(t, 0x090010, c)
	for _, bad := range []string{"9.0", "9.0.x", "9.0.256", "a.b.c", "9..1", "-1.0.0"} {
		_, err := VersionCode(bad)
		assert.Error(t, err, bad)
	}
}

func FuzzParseEvents2(f *testing.F) {
	f.Add([]byte(events2Healthy))
	f.Add([]byte("exists -\n"))
	f.Add([]byte("exists device name:r0 volume:0 disk:Diskless client:yes quorum:no\nexists peer-device name:r0 peer-node-id:3 peer-disk:UpToDate peer-client:yes\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseEvents2(b, "r0")
		if err == nil && st.Primary && st.Unconfigured {
			t.Fatal("Primary and unconfigured at once")
		}
	})
}

func FuzzParseShStatus(f *testing.F) {
	f.Add([]byte(shStatus84))
	f.Add([]byte("_volume=-1\n_sh_status_process\n"))
	f.Add([]byte("_res_name=r\\ 0\n_role='Primary'\n_sh_status_process\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseShStatus(b)
		if err == nil && st.Primary && st.Unconfigured {
			t.Fatal("Primary and unconfigured at once")
		}
	})
}

func FuzzParseVersion(f *testing.F) {
	f.Add([]byte("DRBD_KERNEL_VERSION_CODE=0x090207\nDRBDADM_VERSION_CODE=0x091600\n"))
	f.Add([]byte("DRBDADM_API_VERSION=x\n"))
	f.Add([]byte("version: 9.2.7 (api:2/proto:86-122)\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := ParseVersion(b); err == nil && (v.KernelCode < 0 || v.KernelCode > 0xffffff) {
			t.Fatalf("code out of range: %x", v.KernelCode)
		}
		if v, err := ParseProcVersion(b); err == nil && (v.KernelCode < 0 || v.KernelCode > 0xffffff) {
			t.Fatalf("code out of range: %x", v.KernelCode)
		}
	})
}
