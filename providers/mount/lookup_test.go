package mount

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// summary is what the monitor reads of a Found.
func summary(f Found) string {
	s := func(e *Entry) string {
		if e == nil {
			return "-"
		}
		return fmt.Sprintf("%d:%d", e.Major, e.Minor)
	}
	return fmt.Sprintf("mine=%s other=%s unverified=%v", s(f.Mine), s(f.Other), f.Unverified)
}

// TestSystemLookupAgreesWithTheTable mounts a loop ext4, a tmpfs, a bind
// mount and a stack of mounts in a private mount namespace and checks,
// for each way Lookup can answer (statmount, the device number, the
// table), that it says what Find says from the whole table.
func TestSystemLookupAgreesWithTheTable(t *testing.T) {
	needSystem(t)
	if !mounttest.Private(t) {
		return
	}
	ctx := context.Background()
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "ocfklookup")
	base := mounttest.Dir(t, "m")
	mk := func(name string) string {
		d := filepath.Join(base, name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	ext, tmp, bind, src, stacked, empty := mk("ext"), mk("tmp"), mk("bind"), mk("src"), mk("stacked"), mk("empty")
	subBind, loop := mk("subbind"), mk("loop")
	mounttest.Mount(t, "-t", "ext4", dev, ext)
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-lookup", tmp)
	mounttest.Mount(t, "--bind", src, bind)
	sub := filepath.Join(ext, "sub dir")
	require.NoError(t, os.Mkdir(sub, 0o755))
	mounttest.Mount(t, "--bind", sub, subBind)
	img := filepath.Join(t.TempDir(), "image")
	require.NoError(t, os.WriteFile(img, nil, 0o600))
	require.NoError(t, os.Truncate(img, 32<<20))
	mounttest.Run(t, "mkfs.ext4", "-q", "-F", img)
	mounttest.Mount(t, "-t", "ext4", "-o", "loop", img, loop)
	stackDev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", stackDev, "ocfkstack")
	mounttest.Mount(t, "-t", "ext4", stackDev, stacked)
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-over", stacked)
	for i := 0; i < 50; i++ {
		require.NoError(t, unix.Mount("ocfkit-other", mk(fmt.Sprintf("other/%d", i)), "tmpfs", 0, "size=4k"))
	}
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(base, link))

	type way struct {
		name                       string
		noStatmount, noStatx, hang bool
	}
	ways := []way{{"statmount", false, false, false}, {"stat", true, false, false}, {"table", true, true, false}, {"statx hangs", false, false, true}}
	limit := lookupLimit
	// hang makes statx hang until the lookup gave up on it.
	hang := func() func() {
		lookupLimit, hangStatx = 50*time.Millisecond, make(chan struct{})
		return func() { close(hangStatx); lookupLimit, hangStatx = limit, nil }
	}
	for _, tc := range []struct {
		name, device, dir, fstype, options string
		// via: the way each of ways but the last answers (a statx
		// that hangs leaves it to the table).
		via [3]Via
	}{
		{"block by path", dev, ext, "ext4", "", [3]Via{ViaStatmount, ViaStat, ViaTable}},
		{"block by label", "LABEL=ocfklookup", ext, "ext4", "", [3]Via{ViaStatmount, ViaStat, ViaTable}},
		{"block through a symlinked directory", dev, filepath.Join(link, "ext"), "ext4", "", [3]Via{ViaStatmount, ViaStat, ViaTable}},
		{"another block device there", stackDev, ext, "ext4", "", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"tmpfs", "ocfkit-lookup", tmp, "tmpfs", "", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"tmpfs of another name", "ocfkit-else", tmp, "tmpfs", "", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"bind", src, bind, "none", "bind", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"bind without the option", src, bind, "none", "", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"bind of another directory", empty, bind, "none", "bind", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"bind of a directory in a mount", sub, subBind, "none", "bind", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"bind through a symlink", filepath.Join(link, "ext", "sub dir"), subBind, "none", "bind", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"bind of a missing directory", filepath.Join(base, "gone"), bind, "none", "bind", [3]Via{ViaTable, ViaTable, ViaTable}},
		{"loop", img, loop, "ext4", "loop", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"loop of another image", filepath.Join(base, "other.img"), loop, "ext4", "loop", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"under a foreign mount", stackDev, stacked, "ext4", "", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"the foreign mount on top", "ocfkit-over", stacked, "tmpfs", "", [3]Via{ViaStatmount, ViaTable, ViaTable}},
		{"nothing mounted", dev, empty, "ext4", "", [3]Via{ViaTable, ViaTable, ViaTable}},
		{"no directory", dev, filepath.Join(base, "gone"), "ext4", "", [3]Via{ViaTable, ViaTable, ViaTable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDevice(tc.device, tc.fstype, tc.options)
			require.NoError(t, err)
			canon, err := Canonical(tc.dir)
			require.NoError(t, err)
			quick, err := CanonicalLookup(ctx, tc.dir)
			require.NoError(t, err)
			assert.Equal(t, canon, quick, "CanonicalLookup")
			done := hang()
			quick, err = CanonicalLookup(ctx, tc.dir)
			done()
			require.NoError(t, err)
			assert.Equal(t, canon, quick, "CanonicalLookup while statx hangs")
			f := FS{Device: d, Dir: canon, FSType: tc.fstype, Options: tc.options}
			tab, err := ReadTable()
			require.NoError(t, err)
			want := f.Find(ctx, tab, false)
			for i, w := range ways {
				noStatmount, noStatx = w.noStatmount, w.noStatx
				done := func() {}
				if w.hang {
					done = hang()
				}
				got, via, err := f.Lookup(ctx)
				done()
				noStatmount, noStatx = false, false
				require.NoError(t, err)
				wantVia := ViaTable
				if i < len(tc.via) {
					wantVia = tc.via[i]
				}
				assert.Equal(t, wantVia, via, "%s: answered by", w.name)
				assert.Equal(t, summary(want), summary(got), "%s: answer", w.name)
				if want.Mine != nil && got.Mine != nil && via == ViaStatmount {
					e := *want.Mine
					e.Options, e.Optional, e.VFSOptions = "", "", "" // not asked for
					assert.Equal(t, e, *got.Mine, "%s: the mount", w.name)
				}
			}
		})
	}
}

// TestSystemStatmountDescribesTheTable compares statmount's description
// of mounts made in a private namespace (names with spaces, a bind mount
// of a subdirectory, a loop device) with their lines in mountinfo.
func TestSystemStatmountDescribesTheTable(t *testing.T) {
	needSystem(t)
	if !mounttest.Private(t) {
		return
	}
	base := mounttest.Dir(t, "m")
	mk := func(name string) string {
		d := filepath.Join(base, name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "ocfkstatm")
	mounttest.Mount(t, "-t", "ext4", dev, mk("ext"))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit name with spaces", mk("web site"))
	require.NoError(t, os.MkdirAll(filepath.Join(base, "ext", "sub dir"), 0o755))
	mounttest.Mount(t, "--bind", filepath.Join(base, "ext", "sub dir"), mk("bound"))

	tab, err := ReadTable()
	require.NoError(t, err)
	n := 0
	for _, e := range tab {
		if !isUnder(e.Mountpoint, base) {
			continue
		}
		st, err := statDir(e.Mountpoint)
		require.NoError(t, err)
		require.True(t, st.mountRoot, e.Mountpoint)
		if !st.unique {
			t.Skip("no STATX_MNT_ID_UNIQUE on this kernel")
		}
		m, err := statMount(st.mountID)
		if err == errNoStatmount {
			t.Skip("no statmount on this kernel")
		}
		require.NoError(t, err)
		want := *e
		want.Options, want.Optional, want.VFSOptions = "", "", ""
		if !m.source {
			want.Source = ""
		}
		assert.Equal(t, want, m.e)
		n++
	}
	assert.Equal(t, 3, n)
}
