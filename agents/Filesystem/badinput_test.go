package main

import (
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mnt")
	good := kvs{"device": "ocfkit-bad", "directory": dir, "fstype": "tmpfs"}
	recurring := "OCF_RESKEY_CRM_meta_interval"
	for _, tc := range []struct {
		name   string
		p      kvs
		action string
		code   int
		reason string
	}{
		{"device missing", good.With("device", ""), "validate-all", ocf.ErrConfigured, "device"},
		{"device missing at start", good.With("device", ""), "start", ocf.ErrConfigured, "device"},
		{"device missing, probe", good.With("device", ""), "monitor", ocf.NotRunning, ""},
		{"directory missing", good.With("directory", ""), "validate-all", ocf.ErrConfigured, "directory"},
		{"directory missing at stop", good.With("directory", ""), "stop", ocf.Success, ""},
		{"fstype missing", good.With("fstype", ""), "validate-all", ocf.ErrConfigured, "fstype"},
		{"fstype unknown", good.With("fstype", "ocfkitnosuchfs"), "validate-all", ocf.ErrInstalled, "ocfkitnosuchfs"},
		{"fstype unknown at start", good.With("fstype", "ocfkitnosuchfs", "device", "/dev/ocfkit-none"), "start", ocf.ErrInstalled, "ocfkitnosuchfs"},
		// Tolerated as the anchor tolerates it: a warning and the default.
		{"run_fsck=maybe", good.With("run_fsck", "maybe"), "validate-all", ocf.Success, ""},
		{"depth 15", good.With("OCF_CHECK_LEVEL", "15", recurring, "20000"), "monitor", ocf.ErrConfigured, "OCF_CHECK_LEVEL=15"},
		{"depth 15 probe", good.With("OCF_CHECK_LEVEL", "15"), "monitor", ocf.ErrConfigured, "OCF_CHECK_LEVEL=15"},
		{"depth 15 validate", good.With("OCF_CHECK_LEVEL", "15"), "validate-all", ocf.ErrConfigured, "OCF_CHECK_LEVEL=15"},
		{"depth not a number is 0", good.With("OCF_CHECK_LEVEL", "deep", recurring, "20000"), "monitor", ocf.NotRunning, ""},
		{"relative directory", good.With("directory", "mnt/web"), "validate-all", ocf.ErrConfigured, "absolute"},
		{"relative directory at start", good.With("directory", "mnt/web"), "start", ocf.ErrConfigured, "absolute"},
		{"directory is /", good.With("directory", "/"), "start", ocf.ErrConfigured, "root filesystem"},
		{"directory is //", good.With("directory", "//"), "validate-all", ocf.ErrConfigured, "root filesystem"},
		{"force_unmount=sometimes", good.With("force_unmount", "sometimes"), "validate-all", ocf.Success, ""},
		{"fast_stop=perhaps", good.With("fast_stop", "perhaps"), "validate-all", ocf.Success, ""},
		{"empty UUID", good.With("device", "UUID=", "fstype", "ext4"), "validate-all", ocf.ErrConfigured, "UUID"},
		{"relative bind source", good.With("device", "src", "fstype", "none", "options", "bind"), "validate-all", ocf.ErrConfigured, "absolute"},
		{"bind source missing", good.With("device", dir+"-nothere", "fstype", "none", "options", "bind"), "validate-all", ocf.ErrInstalled, "does not exist"},
		{"ext4 clone", good.With("device", "/dev/ocfkit-none", "fstype", "ext4", "OCF_RESKEY_CRM_meta_clone_max", "2"), "start", ocf.ErrConfigured, "clone"},
		{"device is an option", good.With("device", "--version"), "validate-all", ocf.ErrConfigured, "device"},
		{"device is a remount", good.With("device", "-oremount,ro", "fstype", "ext4"), "validate-all", ocf.ErrConfigured, "device"},
		{"device is a remount at start", good.With("device", "-oremount,ro", "fstype", "ext4"), "start", ocf.ErrConfigured, "device"},
		{"device is a remount at stop", good.With("device", "-oremount,ro", "fstype", "ext4"), "stop", ocf.Success, ""},
		{"unknown action", good, "frobnicate", ocf.ErrUnimplemented, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.p, tc.action)
			require.Equal(t, tc.code, r.Code, "stderr: %s", r.Stderr)
			if tc.reason != "" {
				assert.Contains(t, r.Reason(), tc.reason, "stderr: %s", r.Stderr)
			}
			assert.NotContains(t, r.Stderr, "panic")
		})
	}
}

func TestStartMissingDeviceIsNotInstalled(t *testing.T) {
	testenv.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "mnt")
	p := kvs{"device": "/dev/ocfkit-no-such-device", "directory": dir, "fstype": "ext4"}
	r := expect(t, p, "start", ocf.ErrInstalled)
	assert.Contains(t, r.Reason(), "/dev/ocfkit-no-such-device")
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
}

func TestMetaData(t *testing.T) {
	r := expect(t, kvs{}, "meta-data", ocf.Success)
	for _, name := range []string{"device", "directory", "fstype", "options", "statusfile_prefix",
		"run_fsck", "fast_stop", "force_clones", "force_unmount"} {
		assert.Contains(t, r.Stdout, `<parameter name="`+name+`"`)
	}
	assert.Contains(t, r.Stdout, `default=".Filesystem_status/"`)
	agenttest.CheckMetaData(t, r.Stdout, agenttest.RNG)
}
