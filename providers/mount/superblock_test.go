package mount

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testUUID = []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}

const testUUIDText = "12345678-9abc-def0-0123-456789abcdef"

func extImage() []byte {
	b := make([]byte, 4096)
	binary.LittleEndian.PutUint16(b[1024+56:], 0xEF53)
	copy(b[1024+104:], testUUID)
	copy(b[1024+120:], "web data")
	return b
}

func xfsImage() []byte {
	b := make([]byte, 4096)
	copy(b, "XFSB")
	copy(b[32:], testUUID)
	copy(b[108:], "webxfs")
	return b
}

func btrfsImage() []byte {
	b := make([]byte, 65536+4096)
	sb := b[65536:]
	copy(sb[64:], "_BHRfS_M")
	copy(sb[32:], testUUID)
	copy(sb[299:], "webbtrfs")
	return b
}

func TestParseIdent(t *testing.T) {
	for _, tc := range []struct {
		img  []byte
		want ident
	}{
		{extImage(), ident{"ext", testUUIDText, "web data"}},
		{xfsImage(), ident{"xfs", testUUIDText, "webxfs"}},
		{btrfsImage(), ident{"btrfs", testUUIDText, "webbtrfs"}},
	} {
		got, ok := parseIdent(bytes.NewReader(tc.img))
		assert.True(t, ok)
		assert.Equal(t, tc.want, got)
	}
	_, ok := parseIdent(bytes.NewReader(make([]byte, 8192)))
	assert.False(t, ok)
	_, ok = parseIdent(bytes.NewReader(nil))
	assert.False(t, ok)

	d := Device{Kind: KindTag, Tag: "UUID", Value: "12345678-9ABC-DEF0-0123-456789ABCDEF"}
	m, known := d.matchesTag(ident{UUID: testUUIDText})
	assert.True(t, m && known, "UUIDs compare without case")
	d = Device{Kind: KindTag, Tag: "PARTUUID", Value: "x"}
	_, known = d.matchesTag(ident{UUID: testUUIDText})
	assert.False(t, known)
}

// image is a disk image of size bytes held as the regions parseIdent
// reads, zeros elsewhere: the xfs superblock at 0, the ext one at 1024,
// the btrfs one at 64 KiB. It answers ReadAt from memory.
type image struct {
	size    int64
	regions []region
}

type region struct {
	at int64
	b  []byte
}

const (
	extAt   = 1024
	btrfsAt = 65536
	// imageMax is the largest image parseIdent reads the whole of.
	imageMax = btrfsAt + 4096
)

// newImage lays out the three superblock regions in an image of size
// bytes, each cut to the bytes parseIdent looks at (xfs: up to its label
// at 108-120; ext: up to its label at 120-136; btrfs: up to the end of
// its label at 299-555), so that the fuzzer's inputs stay that small.
func newImage(size int64, xfs, ext, btrfs []byte) image {
	cut := func(b []byte, n int) []byte { return b[:min(len(b), n)] }
	return image{size: min(max(size, 0), imageMax), regions: []region{
		{0, cut(xfs, 120)}, {extAt, cut(ext, 136)}, {btrfsAt, cut(btrfs, 555)},
	}}
}

func (m image) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= m.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), m.size-off))
	clear(p[:n])
	for _, r := range m.regions {
		start, end := max(off, r.at), min(off+int64(n), r.at+int64(len(r.b)))
		if start < end {
			copy(p[start-off:end-off], r.b[start-r.at:end-r.at])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// bytes is the image as a plain byte slice.
func (m image) bytes() []byte {
	b := make([]byte, m.size)
	for _, r := range m.regions {
		if r.at < m.size {
			copy(b[r.at:], r.b)
		}
	}
	return b
}

// TestImageReadAt: the fuzz harness's image reads like the bytes it
// stands for.
func TestImageReadAt(t *testing.T) {
	ext, xfs, btrfs := extImage(), xfsImage(), btrfsImage()
	for _, m := range []image{
		newImage(0, nil, nil, nil),
		newImage(4096, nil, ext[extAt:], nil),
		newImage(2047, nil, ext[extAt:], nil),
		newImage(2048, xfs, nil, nil),
		newImage(imageMax, nil, nil, btrfs[btrfsAt:]),
		newImage(imageMax-1, xfs, ext[extAt:], btrfs[btrfsAt:]),
		newImage(1<<40, []byte("XFSB"), nil, []byte("x")),
	} {
		whole := bytes.NewReader(m.bytes())
		for _, off := range []int64{0, 1, extAt, 2047, btrfsAt - 1, btrfsAt, btrfsAt + 1, imageMax - 1, imageMax} {
			for _, n := range []int{1, 2048, 4096} {
				want, got := make([]byte, n), make([]byte, n)
				wn, werr := whole.ReadAt(want, off)
				gn, gerr := m.ReadAt(got, off)
				require.Equal(t, wn, gn, "off %d n %d", off, n)
				require.Equal(t, werr == nil, gerr == nil, "off %d n %d", off, n)
				require.Equal(t, want[:wn], got[:gn])
			}
		}
		a, aok := parseIdent(m)
		b, bok := parseIdent(whole)
		require.Equal(t, bok, aok)
		require.Equal(t, b, a)
	}
}

// FuzzParseIdent: whatever the superblocks hold, parseIdent recognises
// one of its three filesystems with a well-formed UUID, or nothing.
//
// The fuzzer gets the image size and the bytes of the three superblock
// regions, not a whole image: an input that reaches a filesystem is at
// least 2 KiB as an image (68 KiB for btrfs), and Go's minimiser, which
// tries removing every subset of an interesting input's bytes (quadratic
// in its length), then spent its 60 s minimise budget on each new input
// instead of fuzzing (a few hundred to a few thousand executions in 30 s,
// mostly 0/s). The regions that matter are a few hundred bytes.
func FuzzParseIdent(f *testing.F) {
	ext, xfs, btrfs := extImage()[extAt:extAt+136], xfsImage()[:120], btrfsImage()[btrfsAt:btrfsAt+555]
	f.Add(uint32(4096), []byte(nil), ext, []byte(nil))
	f.Add(uint32(2048), xfs, []byte(nil), []byte(nil))
	f.Add(uint32(imageMax), []byte(nil), []byte(nil), btrfs)
	f.Add(uint32(4), []byte("XFSB"), []byte(nil), []byte(nil))
	f.Add(uint32(imageMax-1), xfs, ext, btrfs)
	f.Fuzz(func(t *testing.T, size uint32, xfs, ext, btrfs []byte) {
		img := newImage(int64(size), xfs, ext, btrfs)
		id, ok := parseIdent(img)
		if !ok {
			if id != (ident{}) {
				t.Fatalf("no filesystem, but %+v", id)
			}
			return
		}
		if len(id.UUID) != 36 || strings.Trim(id.UUID, "0123456789abcdef-") != "" {
			t.Fatalf("bad uuid %q", id.UUID)
		}
		if strings.IndexByte(id.Label, 0) >= 0 || len(id.Label) > 256 {
			t.Fatalf("bad label %q", id.Label)
		}
		magic := func(b []byte, at int, m string) bool { return len(b) >= at+len(m) && string(b[at:at+len(m)]) == m }
		switch {
		case id.Type == "xfs" && img.size >= 2048 && magic(xfs, 0, "XFSB"):
		case id.Type == "ext" && img.size >= 2048 && magic(ext, 56, "\x53\xef"):
		case id.Type == "btrfs" && img.size == imageMax && magic(btrfs, 64, "_BHRfS_M"):
		default:
			t.Fatalf("%s from a %d-byte image without its magic", id.Type, img.size)
		}
	})
}
