package mount

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseMapsLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
		want mapping
	}{
		{"7f2c4e3a1000-7f2c4e3a3000 r--p 00000000 fd:01 1234                       /usr/lib/libc.so.6",
			true, mapping{253, 1, 1234, "/usr/lib/libc.so.6"}},
		{"7f2c4e3a1000-7f2c4e3a3000 rw-s 00000000 07:00 12 /srv/web site/file (deleted)",
			true, mapping{7, 0, 12, "/srv/web site/file"}},
		{"00400000-00401000 r-xp 00000000 103:02 99 /a\\012b", true, mapping{0x103, 2, 99, "/a\nb"}},
		{"7ffd-7ffe rw-p 00000000 00:00 0                          [stack]", false, mapping{}},
		{"7ffd-7ffe rw-p 00000000 00:00 0", false, mapping{}},
		{"garbage", false, mapping{}},
		{"a b c zz:01 1 /x", false, mapping{}},
		{"", false, mapping{}},
	} {
		got, ok := parseMapsLine(tc.line)
		assert.Equal(t, tc.ok, ok, tc.line)
		assert.Equal(t, tc.want, got, tc.line)
	}
}

func TestParseFdinfo(t *testing.T) {
	id, ok := parseFdinfoMntID([]byte("pos:\t0\nflags:\t0100000\nmnt_id:\t31\nino:\t12\n"))
	assert.True(t, ok)
	assert.Equal(t, 31, id)
	_, ok = parseFdinfoMntID([]byte("pos:\t0\n"))
	assert.False(t, ok)
	ppid, ok := parseStatusPPid([]byte("Name:\tsleep\nPid:\t10\nPPid:\t7\n"))
	assert.True(t, ok)
	assert.Equal(t, 7, ppid)
}

func FuzzParseMapsLine(f *testing.F) {
	f.Add("7f2c4e3a1000-7f2c4e3a3000 r--p 00000000 fd:01 1234                       /usr/lib/libc.so.6")
	f.Add("7f2c4e3a1000-7f2c4e3a3000 rw-s 00000000 07:00 12 /srv/web site/file (deleted)")
	f.Add("7ffd-7ffe rw-p 00000000 00:00 0 [stack]")
	f.Add("1 2 3 4:5 6 /\\012")
	f.Fuzz(func(t *testing.T, line string) {
		m, ok := parseMapsLine(line)
		if !ok {
			return
		}
		if !strings.HasPrefix(m.Path, "/") || m.Major < 0 || m.Minor < 0 {
			t.Fatalf("%q parsed to %+v", line, m)
		}
		if strings.HasSuffix(m.Path, " (deleted)") && !strings.HasSuffix(line, " (deleted) (deleted)") {
			t.Fatalf("%q kept the deleted marker: %q", line, m.Path)
		}
	})
}

func FuzzParseFdinfo(f *testing.F) {
	f.Add([]byte("pos:\t0\nflags:\t0100000\nmnt_id:\t31\nino:\t12\n"))
	f.Add([]byte("mnt_id:"))
	f.Add([]byte("PPid:\t-1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseFdinfoMntID(b)
		parseStatusPPid(b)
	})
}

func TestParseStatusUid(t *testing.T) {
	r, e, ok := parseStatusUid([]byte("Name:\tx\nPPid:\t1\nUid:\t1000\t0\t0\t0\nGid:\t5\t5\t5\t5\n"))
	assert.True(t, ok)
	assert.Equal(t, [2]int{1000, 0}, [2]int{r, e})
	for _, s := range []string{"", "Uid:", "Uid:\t1", "Uid:\t-1\t0", "Uid:\tx\t0", "Uid:\t4294967296\t0"} {
		_, _, ok := parseStatusUid([]byte(s))
		assert.False(t, ok, "%q", s)
	}
}

// FuzzParseStatusUid: the uids of any status text are valid uids, and a
// Uid line with two numbers is never missed.
func FuzzParseStatusUid(f *testing.F) {
	f.Add([]byte("Name:\tsleep\nUid:\t65534\t65534\t65534\t65534\n"))
	f.Add([]byte("Uid:\t0\t0"))
	f.Add([]byte("Uid: 1 2\nUid: 3 4"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, e, ok := parseStatusUid(b)
		if ok && (r < 0 || e < 0 || r > 1<<32-1 || e > 1<<32-1) {
			t.Fatalf("%q: uids %d %d", b, r, e)
		}
	})
}
