package httpd

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reference is grep -Ei without shortcuts: any line matches (an empty
// page has no lines; a final newline ends the last line, it starts none).
func reference(t testing.TB, expr string, body []byte) bool {
	re := regexp.MustCompile("(?im)" + expr)
	if len(body) == 0 {
		return false
	}
	for _, l := range bytes.Split(bytes.TrimSuffix(body, []byte{'\n'}), []byte{'\n'}) {
		if re.Match(l) {
			return true
		}
	}
	return false
}

func TestMatcher(t *testing.T) {
	page := []byte("<HTML><body>\n<h1>Apache Server Status</h1>\nTotal Accesses: 12\n</BODY></Html >\n")
	tests := []struct {
		expr string
		want bool
	}{
		{`</ *html *>`, true},
		{`^total accesses: [0-9]+$`, true},
		{`server status`, true},
		{`apache.*status`, true},
		{`status.*apache`, false},
		{`body>\n<h1`, false}, // grep matches within a line
		{`idle workers`, false},
		{`(accesses|workers): 12`, true},
		{`sk`, false},
		{`x?`, true},
	}
	for _, tc := range tests {
		m, err := CompileRegex(tc.expr)
		require.NoError(t, err, tc.expr)
		assert.Equal(t, tc.want, m.Match(page), tc.expr)
		assert.Equal(t, reference(t, tc.expr, page), m.Match(page), tc.expr)
		assert.Equal(t, tc.expr, m.String())
	}
	m, _ := CompileRegex(`</ *html *>`)
	assert.Equal(t, []byte("html"), m.lit, "the default expression uses the literal search")
	_, err := CompileRegex(`(unclosed`)
	assert.Error(t, err)
}

func BenchmarkMatcherStatusPage(b *testing.B) {
	page, err := os.ReadFile("testdata/server-status.html")
	require.NoError(b, err)
	m, _ := CompileRegex(defaultRegexForBench)
	re := regexp.MustCompile("(?im)" + defaultRegexForBench)
	b.Run("matcher", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			m.Match(page)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			re.Match(page)
		}
	})
}

const defaultRegexForBench = `</ *html *>`

func FuzzMatcher(f *testing.F) {
	f.Add(`</ *html *>`, "<html>\n</HTML>\n")
	f.Add(`sk`, "\u017fK")
	f.Add(`a(b)c`, "xABC\nabc")
	f.Add(`^x$`, "y\nx\n")
	f.Fuzz(func(t *testing.T, expr, body string) {
		m, err := CompileRegex(expr)
		if err != nil {
			return
		}
		if got, want := m.Match([]byte(body)), reference(t, expr, []byte(body)); got != want {
			t.Fatalf("Match(%q, %q) = %v, grep says %v", expr, body, got, want)
		}
	})
}
