package httpd

import (
	"io"
	"os"
	"strings"
)

// LogMark is a position in httpd's error log, taken before a start, so
// that a start that fails can quote what httpd wrote there since: once
// httpd has opened its ErrorLog it reports there, not on stderr, and a
// server that dies early (a missing mime.types, say) leaves stderr empty.
type LogMark struct {
	path string
	size int64
}

// MarkLog notes the end of the error log at path ("" when the
// configuration names none httpd writes to a file).
func MarkLog(path string) LogMark {
	m := LogMark{path: path}
	if path == "" {
		return m
	}
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		m.size = st.Size()
	}
	return m
}

// maxLogRead bounds what is read of the log after a failed start.
const maxLogRead = 64 << 10

// Since returns the last lines httpd wrote after the mark (at most three,
// joined by " | "), "" when there are none or the log cannot be read. A
// log that shrank (rotated) is read from its start.
func (m LogMark) Since() string {
	if m.path == "" {
		return ""
	}
	f, err := os.Open(m.path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return ""
	}
	from := m.size
	if st.Size() < from {
		from = 0
	}
	if st.Size()-from > maxLogRead {
		from = st.Size() - maxLogRead
	}
	b, err := io.ReadAll(io.NewSectionReader(f, from, st.Size()-from))
	if err != nil {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, " | ")
}
