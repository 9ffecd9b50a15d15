package mount

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleTable = `22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
30 22 0:25 / /srv/web\040site rw,relatime shared:5 - tmpfs tmpfs rw
31 30 7:0 / /srv/web\040site/data rw,relatime shared:6 - ext4 /dev/loop0 rw
32 31 7:1 / /srv/web\040site/data/sub rw - xfs /dev/loop1 rw
33 30 7:2 / /srv/web\040site/other rw - xfs /dev/loop2 rw
34 22 7:0 /exported /mnt/bind rw - ext4 /dev/loop0 rw
35 30 0:26 / /srv/web\040site rw - tmpfs second rw
36 22 0:50 / /mnt/nfs rw - nfs4 server:/export/ rw,vers=4.2
`

func sample(t *testing.T) Table {
	t.Helper()
	tab, err := ParseTable(strings.NewReader(sampleTable))
	require.NoError(t, err)
	return tab
}

func TestTableAtUnescapesAndPrefersTopmost(t *testing.T) {
	tab := sample(t)
	e := tab.At("/srv/web site")
	require.NotNil(t, e)
	assert.Equal(t, "second", e.Source, "stacked mounts: the last one is visible")
	assert.Nil(t, tab.At("/srv/web\\040site"))
	assert.Nil(t, tab.At("/srv/web site/"), "At expects canonical paths")
	assert.Nil(t, tab.At("/srv"))
}

func TestTableUnderDeepestFirst(t *testing.T) {
	tab := sample(t)
	var got []string
	for _, e := range tab.Under("/srv/web site") {
		got = append(got, e.Mountpoint)
	}
	assert.Equal(t, []string{"/srv/web site/data/sub", "/srv/web site/other", "/srv/web site/data"}, got)
	assert.Empty(t, tab.Under("/srv/web"), "a sibling with a common prefix is not below")
}

func TestCanonical(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	real := filepath.Join(base, "real dir")
	require.NoError(t, os.Mkdir(real, 0o755))
	require.NoError(t, os.Symlink(real, filepath.Join(base, "link")))

	for _, tc := range []struct{ in, want string }{
		{real, real},
		{real + "/", real},
		{real + "///", real},
		{base + "//real dir/./", real},
		{base + "/link", real},
		{base + "/link/", real},
		{base + "/link/missing/deeper", real + "/missing/deeper"},
		{base + "/missing/", base + "/missing"},
		{"/", "/"},
	} {
		got, err := Canonical(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"relative", "./x", "", "x/"} {
		_, err := Canonical(bad)
		assert.ErrorIs(t, err, ErrRelative, bad)
	}
}

func TestCleanSourceAndSameType(t *testing.T) {
	assert.Equal(t, "server:/export", cleanSource("server:/export/"))
	assert.Equal(t, "server:/", cleanSource("server:/"))
	assert.Equal(t, "//srv/share", cleanSource("//srv/share/"))
	assert.True(t, sameType("nfs", "nfs4"))
	assert.True(t, sameType("", "ext4"))
	assert.True(t, sameType("fuse.sshfs", "fuse.sshfs"))
	assert.True(t, sameType("glusterfs", "fuse.glusterfs"))
	assert.False(t, sameType("tmpfs", "ext4"))
}

// FuzzTable feeds arbitrary mountinfo text through the parser and the
// lookups the agent makes: no panic, and a mount point written with octal
// escapes is found by its plain path.
func FuzzTable(f *testing.F) {
	f.Add(sampleTable, "/srv/web site")
	f.Add("1 0 0:1 / / rw - rootfs rootfs rw\n", "/")
	f.Add("1 0 8:1 / /a\\011b\\134c rw master:2 - ext4 /dev/sda1 rw\n", "/a\tb\\c")
	f.Add("bad line\n", "/x")
	f.Add("1 0 8:1 / /x rw shared:1 - nfs srv:/a\\040b rw\n", "/x")
	f.Fuzz(func(t *testing.T, text, dir string) {
		tab, err := ParseTable(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, e := range tab {
			got := tab.At(e.Mountpoint)
			if got == nil || got.Mountpoint != e.Mountpoint {
				t.Fatalf("At(%q) did not find its own entry", e.Mountpoint)
			}
			for _, u := range tab.Under(e.Mountpoint) {
				if !isUnder(u.Mountpoint, e.Mountpoint) || u.Mountpoint == e.Mountpoint {
					t.Fatalf("Under(%q) returned %q", e.Mountpoint, u.Mountpoint)
				}
			}
		}
		// An escaped mount point line round-trips to the plain path.
		if filepath.IsAbs(dir) && !strings.ContainsAny(dir, "\x00") {
			line := "7 1 8:1 / " + escape(dir) + " rw - ext4 /dev/sda1 rw\n"
			tab, err := ParseTable(strings.NewReader(line))
			if err != nil || len(tab) != 1 || tab.At(dir) == nil {
				t.Fatalf("escaped %q: %v %v", dir, err, tab)
			}
		}
	})
}

// escape writes a path as the kernel does in mountinfo.
func escape(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case ' ', '\t', '\n', '\\', '#':
			b.WriteString("\\" + string('0'+c>>6) + string('0'+(c>>3)&7) + string('0'+c&7))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
