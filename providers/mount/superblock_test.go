package mount

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
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

func FuzzParseIdent(f *testing.F) {
	f.Add(extImage())
	f.Add(xfsImage())
	f.Add(btrfsImage())
	f.Add([]byte("XFSB"))
	f.Fuzz(func(t *testing.T, img []byte) {
		id, ok := parseIdent(bytes.NewReader(img))
		if ok && len(id.UUID) != 36 {
			t.Fatalf("bad uuid %q", id.UUID)
		}
	})
}
