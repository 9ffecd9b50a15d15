package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mnt")
	good := params{"device": "ocfkit-bad", "directory": dir, "fstype": "tmpfs"}
	recurring := "OCF_RESKEY_CRM_meta_interval"
	for _, tc := range []struct {
		name   string
		p      params
		action string
		code   int
		reason string
	}{
		{"device missing", good.with("device", ""), "validate-all", ocf.ErrConfigured, "device"},
		{"device missing at start", good.with("device", ""), "start", ocf.ErrConfigured, "device"},
		{"device missing, probe", good.with("device", ""), "monitor", ocf.NotRunning, ""},
		{"directory missing", good.with("directory", ""), "validate-all", ocf.ErrConfigured, "directory"},
		{"directory missing at stop", good.with("directory", ""), "stop", ocf.ErrConfigured, "directory"},
		{"fstype missing", good.with("fstype", ""), "validate-all", ocf.ErrConfigured, "fstype"},
		{"fstype unknown", good.with("fstype", "ocfkitnosuchfs"), "validate-all", ocf.ErrInstalled, "ocfkitnosuchfs"},
		{"fstype unknown at start", good.with("fstype", "ocfkitnosuchfs", "device", "/dev/ocfkit-none"), "start", ocf.ErrInstalled, "ocfkitnosuchfs"},
		{"run_fsck=maybe", good.with("run_fsck", "maybe"), "validate-all", ocf.ErrConfigured, "run_fsck"},
		{"run_fsck=maybe at start", good.with("run_fsck", "maybe"), "start", ocf.ErrConfigured, "run_fsck"},
		{"depth 15", good.with("OCF_CHECK_LEVEL", "15", recurring, "20000"), "monitor", ocf.ErrConfigured, "OCF_CHECK_LEVEL=15"},
		{"depth 15 probe", good.with("OCF_CHECK_LEVEL", "15"), "monitor", ocf.ErrConfigured, "OCF_CHECK_LEVEL=15"},
		{"depth 15 validate", good.with("OCF_CHECK_LEVEL", "15"), "validate-all", ocf.ErrConfigured, "OCF_CHECK_LEVEL=15"},
		{"depth not a number", good.with("OCF_CHECK_LEVEL", "deep", recurring, "20000"), "monitor", ocf.ErrConfigured, "OCF_CHECK_LEVEL"},
		{"relative directory", good.with("directory", "mnt/web"), "validate-all", ocf.ErrConfigured, "absolute"},
		{"relative directory at start", good.with("directory", "mnt/web"), "start", ocf.ErrConfigured, "absolute"},
		{"directory is /", good.with("directory", "/"), "start", ocf.ErrConfigured, "root filesystem"},
		{"directory is //", good.with("directory", "//"), "validate-all", ocf.ErrConfigured, "root filesystem"},
		{"force_unmount=sometimes", good.with("force_unmount", "sometimes"), "validate-all", ocf.ErrConfigured, "force_unmount"},
		{"fast_stop=perhaps", good.with("fast_stop", "perhaps"), "validate-all", ocf.ErrConfigured, "fast_stop"},
		{"empty UUID", good.with("device", "UUID=", "fstype", "ext4"), "validate-all", ocf.ErrConfigured, "UUID"},
		{"relative bind source", good.with("device", "src", "fstype", "none", "options", "bind"), "validate-all", ocf.ErrConfigured, "absolute"},
		{"bind source missing", good.with("device", dir+"-nothere", "fstype", "none", "options", "bind"), "validate-all", ocf.ErrInstalled, "does not exist"},
		{"ext4 clone", good.with("device", "/dev/ocfkit-none", "fstype", "ext4", "OCF_RESKEY_CRM_meta_clone_max", "2"), "start", ocf.ErrConfigured, "clone"},
		{"unknown action", good, "frobnicate", ocf.ErrUnimplemented, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.p, tc.action)
			require.Equal(t, tc.code, r.code, "stderr: %s", r.stderr)
			if tc.reason != "" {
				assert.Contains(t, r.reason(), tc.reason, "stderr: %s", r.stderr)
			}
			assert.NotContains(t, r.stderr, "panic")
		})
	}
}

func TestStartMissingDeviceIsNotInstalled(t *testing.T) {
	testenv.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "mnt")
	p := params{"device": "/dev/ocfkit-no-such-device", "directory": dir, "fstype": "ext4"}
	r := expect(t, p, "start", ocf.ErrInstalled)
	assert.Contains(t, r.reason(), "/dev/ocfkit-no-such-device")
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
}

func TestMetaData(t *testing.T) {
	r := expect(t, params{}, "meta-data", ocf.Success)
	for _, name := range []string{"device", "directory", "fstype", "options", "statusfile_prefix",
		"run_fsck", "fast_stop", "force_clones", "force_unmount"} {
		assert.Contains(t, r.stdout, `<parameter name="`+name+`"`)
	}
	assert.Contains(t, r.stdout, `default=".Filesystem_status/"`)
	xmllint := testenv.NeedCmd(t, "xmllint")
	rng := "/usr/share/resource-agents/metadata.rng"
	testenv.NeedFile(t, rng)
	cmd := exec.Command(xmllint, "--noout", "--relaxng", rng, "-")
	cmd.Stdin = strings.NewReader(r.stdout)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
