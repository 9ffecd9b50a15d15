package mount

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDevice(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		raw, fstype, options string
		kind                 Kind
		tag, value, source   string
	}{
		{"/dev/drbd0", "ext4", "", KindPath, "", "", "/dev/drbd0"},
		{"-U 1234-abcd", "ext4", "", KindTag, "UUID", "1234-abcd", "UUID=1234-abcd"},
		{"-U1234", "xfs", "", KindTag, "UUID", "1234", "UUID=1234"},
		{"--uuid=1234", "xfs", "", KindTag, "UUID", "1234", "UUID=1234"},
		{"--label data", "xfs", "", KindTag, "LABEL", "data", "LABEL=data"},
		{"-L web data", "ext4", "", KindTag, "LABEL", "web data", "LABEL=web data"},
		{`UUID="1234"`, "ext4", "", KindTag, "UUID", "1234", "UUID=1234"},
		{"LABEL=web", "ext4", "", KindTag, "LABEL", "web", "LABEL=web"},
		{"PARTUUID=ab-01", "ext4", "", KindTag, "PARTUUID", "ab-01", "PARTUUID=ab-01"},
		{dir, "none", "bind", KindDir, "", "", dir},
		{dir, "", "ro,bind", KindDir, "", "", dir},
		{dir, "ext4", "", KindDir, "", "", dir},
		{"/srv/img", "ext4", "loop,ro", KindLoop, "", "", "/srv/img"},
		{"tmpfs", "tmpfs", "size=1m", KindSource, "", "", "tmpfs"},
		{"server:/export", "nfs", "", KindSource, "", "", "server:/export"},
		{"//srv/share", "cifs", "", KindSource, "", "", "//srv/share"},
		{"/dev/whatever", "tmpfs", "", KindSource, "", "", "/dev/whatever"},
	} {
		d, err := ParseDevice(tc.raw, tc.fstype, tc.options)
		require.NoError(t, err, tc.raw)
		assert.Equal(t, tc.kind, d.Kind, tc.raw)
		assert.Equal(t, tc.tag, d.Tag, tc.raw)
		assert.Equal(t, tc.value, d.Value, tc.raw)
		assert.Equal(t, tc.source, d.MountSource(), tc.raw)
	}
}

func TestParseDeviceErrors(t *testing.T) {
	for _, tc := range []struct{ raw, fstype, options string }{
		{"", "ext4", ""},
		{"   ", "ext4", ""},
		{"-U", "ext4", ""},
		{"UUID=", "ext4", ""},
		{"relative/dir", "none", "bind"},
		{"img", "ext4", "loop"},
	} {
		_, err := ParseDevice(tc.raw, tc.fstype, tc.options)
		assert.Error(t, err, tc.raw)
	}
	_, err := ParseDevice("", "ext4", "")
	assert.ErrorIs(t, err, ErrNoDevice)
}

func TestResolveWithoutFork(t *testing.T) {
	d, err := ParseDevice("UUID=00000000-dead-beef-0000-000000000000", "ext4", "")
	require.NoError(t, err)
	_, err = d.Resolve(context.Background(), false)
	assert.ErrorIs(t, err, ErrNotFound)
	d, err = ParseDevice("/dev/ocfkit-no-such-device", "ext4", "")
	require.NoError(t, err)
	_, err = d.Resolve(context.Background(), true)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestUdevEscape(t *testing.T) {
	assert.Equal(t, `web\x20data\x2fx`, udevEscape("web data/x"))
	assert.Equal(t, "/dev/disk/by-label/web", Device{Kind: KindTag, Tag: "LABEL", Value: "web"}.udevLink())
}

func TestHasOption(t *testing.T) {
	assert.True(t, HasOption("ro,bind", "bind"))
	assert.True(t, HasOption("bind", "bind"))
	assert.False(t, HasOption("rbind", "bind"))
	assert.False(t, HasOption("nobind,ro", "bind"))
	assert.False(t, HasOption("", "bind"))
}

func TestRedact(t *testing.T) {
	assert.Equal(t, "user=a,password=***,vers=3", Redact("user=a,password=s3cr3t,vers=3"))
	assert.Equal(t, "name=admin,secret=***", Redact("name=admin,secret=AQBx=="))
	assert.Equal(t, "ro,noatime", Redact("ro,noatime"))
}

func FuzzParseDevice(f *testing.F) {
	f.Add("-U 1234", "ext4", "")
	f.Add("LABEL=\"web data\"", "xfs", "ro")
	f.Add("/srv/src", "none", "bind")
	f.Add("host:/export/", "nfs", "vers=4")
	f.Add("--label", "", "")
	f.Fuzz(func(t *testing.T, raw, fstype, options string) {
		d, err := ParseDevice(raw, fstype, options)
		if err != nil {
			return
		}
		if d.Kind == KindTag && (d.Value == "" || d.Tag == "") {
			t.Fatalf("%q: empty tag %+v", raw, d)
		}
		if src := d.MountSource(); src == "" || strings.HasPrefix(src, "-") {
			t.Fatalf("%q: mount source %q", raw, src)
		}
		if args := (FS{Device: d, Dir: "/m", FSType: fstype, Options: options}).MountArgs(); args[len(args)-3] != "--" {
			t.Fatalf("%q: operands not after --: %q", raw, args)
		}
		_ = d.udevLink()
		_ = cleanSource(raw)
	})
}
