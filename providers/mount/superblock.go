package mount

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
)

// ident is what a superblock says about a filesystem.
type ident struct {
	Type, UUID, Label string
}

// probeIdent reads the filesystem's UUID and label from the superblock of
// the device at path, for the filesystems this package can read without
// blkid (ext2/3/4, xfs, btrfs). ok is false for anything else.
func probeIdent(path string) (id ident, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return ident{}, false
	}
	defer f.Close()
	return parseIdent(f)
}

// parseIdent recognises a superblock in r.
func parseIdent(r io.ReaderAt) (ident, bool) {
	buf := make([]byte, 2048)
	if n, _ := r.ReadAt(buf, 0); n == len(buf) {
		if bytes.Equal(buf[0:4], []byte("XFSB")) {
			return ident{"xfs", formatUUID(buf[32:48]), cString(buf[108:120])}, true
		}
		ext := buf[1024:]
		if binary.LittleEndian.Uint16(ext[56:58]) == 0xEF53 {
			return ident{"ext", formatUUID(ext[104:120]), cString(ext[120:136])}, true
		}
	}
	sb := make([]byte, 4096)
	if n, _ := r.ReadAt(sb, 65536); n == len(sb) && bytes.Equal(sb[64:72], []byte("_BHRfS_M")) {
		return ident{"btrfs", formatUUID(sb[32:48]), cString(sb[299 : 299+256])}, true
	}
	return ident{}, false
}

func formatUUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// matchesTag reports whether id carries the device's tag; known is false
// when the superblock cannot say (PARTUUID and PARTLABEL live in the
// partition table, not the filesystem).
func (d Device) matchesTag(id ident) (match, known bool) {
	switch d.Tag {
	case "UUID":
		return strings.EqualFold(id.UUID, d.Value), true
	case "LABEL":
		return id.Label == d.Value, true
	}
	return false, false
}
