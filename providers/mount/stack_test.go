package mount

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mountpoints(es []*Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Mountpoint+" "+e.Source)
	}
	return out
}

// stackedTable: an ext4 on /srv/data with a submount made before a tmpfs
// was mounted over it, and a submount on that tmpfs.
const stackedTable = `22 1 253:1 / / rw - ext4 /dev/vda1 rw
40 22 7:0 / /srv/data rw - ext4 /dev/loop0 rw
41 40 0:30 / /srv/data/hidden rw - tmpfs below rw
42 40 0:31 / /srv/data rw - tmpfs squatter rw
43 42 0:32 / /srv/data/top rw - tmpfs above rw
44 43 0:33 / /srv/data/top/deeper rw - tmpfs deeper rw
45 22 7:0 /sub /mnt/elsewhere rw - ext4 /dev/loop0 rw
`

func TestStackAndDescendants(t *testing.T) {
	tab, err := ParseTable(strings.NewReader(stackedTable))
	require.NoError(t, err)
	assert.Equal(t, []string{"/srv/data /dev/loop0", "/srv/data squatter"}, mountpoints(tab.Stack("/srv/data")))
	stack := tab.Stack("/srv/data")
	assert.Equal(t, []string{"/srv/data/top/deeper deeper", "/srv/data/top above"}, mountpoints(tab.Descendants(stack[1])))
	assert.Equal(t, []string{"/srv/data/top/deeper deeper", "/srv/data/top above", "/srv/data squatter", "/srv/data/hidden below"},
		mountpoints(tab.Descendants(stack[0])))
	assert.Empty(t, tab.Stack("/srv"))
}

func TestStopPlanGoesThroughForeignMountsToOurs(t *testing.T) {
	tab, err := ParseTable(strings.NewReader(stackedTable))
	require.NoError(t, err)
	ctx := context.Background()
	// A device that can no longer be found: which device is mounted cannot
	// be told, so it counts as ours; the tmpfs on top goes first.
	gone := FS{Device: Device{Raw: "/dev/disk/by-id/ocfkit-gone", Kind: KindPath}, Dir: "/srv/data", FSType: "ext4"}
	assert.Equal(t, []string{
		"/srv/data/top/deeper deeper", "/srv/data/top above", "/srv/data squatter",
		"/srv/data/hidden below", "/mnt/elsewhere /dev/loop0", "/srv/data /dev/loop0",
	}, mountpoints(gone.StopPlan(ctx, tab)))
	// The monitor still only sees the tmpfs on top, which is not ours.
	assert.NotNil(t, gone.Find(ctx, tab, false).Other)

	// The tmpfs alone, with the device gone: another type, left alone.
	alone, err := ParseTable(strings.NewReader("22 1 253:1 / / rw - ext4 /dev/vda1 rw\n42 22 0:31 / /srv/data rw - tmpfs squatter rw\n"))
	require.NoError(t, err)
	assert.Empty(t, gone.StopPlan(ctx, alone))
	// Nothing can be read of the device: anything of the type goes.
	unknownDev := FS{Device: Device{Kind: KindUnknown}, Dir: "/srv/data"}
	assert.Equal(t, []string{"/srv/data squatter"}, mountpoints(unknownDev.StopPlan(ctx, alone)))
	// A tmpfs of another name is provably another tmpfs.
	other := FS{Device: Device{Raw: "mine", Kind: KindSource}, Dir: "/srv/data", FSType: "tmpfs"}
	assert.Empty(t, other.StopPlan(ctx, alone))
}

// TestSystemStopPlanStacked: an ext4 under a tmpfs stacked on the same
// directory, each with a submount: the plan takes everything, topmost
// first; the monitor's Find still says "someone else's".
func TestSystemStopPlanStacked(t *testing.T) {
	needSystem(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "ocfkitstack")
	dir := mounttest.Dir(t, "stack")
	mounttest.Mount(t, dev, dir)
	hidden := filepath.Join(dir, "hidden")
	require.NoError(t, os.Mkdir(hidden, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-hidden", hidden)
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-squatter", dir)
	top := filepath.Join(dir, "top")
	require.NoError(t, os.Mkdir(top, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-top", top)

	for _, device := range []string{dev, "LABEL=ocfkitstack"} {
		f := fsFor(t, device, dir, "ext4", "")
		tab, err := ReadTable()
		require.NoError(t, err)
		assert.NotNil(t, f.Find(context.Background(), tab, false).Other, device)
		assert.Equal(t, []string{top + " ocfkit-top", dir + " ocfkit-squatter", hidden + " ocfkit-hidden", dir + " " + dev},
			mountpoints(f.StopPlan(context.Background(), tab)), device)
	}
	// Another existing device is provably not what is mounted.
	other := mounttest.Loop(t, 64)
	tab, err := ReadTable()
	require.NoError(t, err)
	assert.Empty(t, fsFor(t, other, dir, "ext4", "").StopPlan(context.Background(), tab))
}

// TestSystemRelabelledIsStillStopped: the label a LABEL= device names is
// gone (relabelled while mounted; no udev link here either): the monitor
// cannot call the mount its own, but a stop must unmount it.
func TestSystemRelabelledIsStillStopped(t *testing.T) {
	needSystem(t)
	e2label := testenv.NeedCmd(t, "e2label")
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "ocfkitold")
	dir := mounttest.Dir(t, "relabel")
	f := fsFor(t, "LABEL=ocfkitold", dir, "ext4", "")
	require.NoError(t, Mount(context.Background(), f))
	mounttest.Run(t, e2label, dev, "ocfkitnew")
	tab, err := ReadTable()
	require.NoError(t, err)
	assert.NotNil(t, f.Find(context.Background(), tab, false).Other)
	assert.Equal(t, []string{dir + " " + dev}, mountpoints(f.StopPlan(context.Background(), tab)))
}

// FuzzStack: any table, cycles in the parent links included, gives a
// stack of the mounts at the directory and descendants that are below
// it and never the mount itself, without a panic or a hang.
func FuzzStack(f *testing.F) {
	f.Add(stackedTable, "/srv/data")
	f.Add("1 2 0:1 / /a rw - tmpfs a rw\n2 1 0:2 / /a rw - tmpfs b rw\n", "/a")
	f.Add("1 1 0:1 / /a rw - tmpfs a rw\n", "/a")
	f.Fuzz(func(t *testing.T, text, dir string) {
		tab, err := ParseTable(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, e := range tab.Stack(dir) {
			if e.Mountpoint != dir {
				t.Fatalf("Stack(%q) returned %q", dir, e.Mountpoint)
			}
			for _, d := range tab.Descendants(e) {
				if d == e {
					t.Fatalf("Descendants(%d) contains itself", e.ID)
				}
			}
		}
		FS{Device: Device{Kind: KindUnknown}, Dir: dir}.StopPlan(context.Background(), tab)
	})
}
