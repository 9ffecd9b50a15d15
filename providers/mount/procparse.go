package mount

import (
	"bytes"
	"strconv"
	"strings"
)

// mapping is the part of a /proc/<pid>/maps line that says which file is
// mapped: its device number and its path.
type mapping struct {
	Major, Minor int
	Inode        uint64
	Path         string
}

// parseMapsLine reads one line of /proc/<pid>/maps:
//
//	7f2c4e3a1000-7f2c4e3a3000 r--p 00000000 fd:01 1234     /usr/lib/libc.so.6
//
// The path may contain spaces and ends in " (deleted)" for a removed file;
// the kernel escapes a newline in it as \012. ok is false for anonymous
// mappings and malformed lines.
func parseMapsLine(line string) (m mapping, ok bool) {
	rest := line
	var fields [5]string
	for i := range fields {
		rest = strings.TrimLeft(rest, " ")
		var f string
		f, rest, _ = strings.Cut(rest, " ")
		if f == "" {
			return mapping{}, false
		}
		fields[i] = f
	}
	maj, min, found := strings.Cut(fields[3], ":")
	if !found {
		return mapping{}, false
	}
	ma, err1 := strconv.ParseUint(maj, 16, 32)
	mi, err2 := strconv.ParseUint(min, 16, 32)
	ino, err3 := strconv.ParseUint(fields[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return mapping{}, false
	}
	path := strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(path, "/") {
		return mapping{}, false // anonymous, [heap], [stack], [vdso]...
	}
	path = strings.TrimSuffix(path, " (deleted)")
	path = strings.ReplaceAll(path, `\012`, "\n")
	return mapping{int(ma), int(mi), ino, path}, true
}

// parseFdinfoMntID returns the mnt_id field of a /proc/<pid>/fdinfo/<fd>
// file: the mount the descriptor's file was opened through.
func parseFdinfoMntID(b []byte) (int, bool) {
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte("\n"))
		if v, found := bytes.CutPrefix(line, []byte("mnt_id:")); found {
			id, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			return id, err == nil
		}
	}
	return 0, false
}

// parseStatusPPid returns the PPid field of /proc/<pid>/status.
func parseStatusPPid(b []byte) (int, bool) {
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte("\n"))
		if v, found := bytes.CutPrefix(line, []byte("PPid:")); found {
			id, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			return id, err == nil
		}
	}
	return 0, false
}

// parseStatusUid returns the real and effective uids of the Uid line of
// /proc/<pid>/status ("Uid:\treal\teffective\tsaved\tfs").
func parseStatusUid(b []byte) (ruid, euid int, ok bool) {
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte("\n"))
		v, found := bytes.CutPrefix(line, []byte("Uid:"))
		if !found {
			continue
		}
		f := strings.Fields(string(v))
		if len(f) < 2 {
			return 0, 0, false
		}
		r, err1 := strconv.ParseUint(f[0], 10, 32)
		e, err2 := strconv.ParseUint(f[1], 10, 32)
		if err1 != nil || err2 != nil {
			return 0, 0, false
		}
		return int(r), int(e), true
	}
	return 0, 0, false
}
