package digitalocean

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/ocfkit/ocfkit/providers/credfile"
)

// FuzzParseToken: a token is one printable ASCII word from the file; any
// other content is a TokenError that unwraps to credfile.ErrMalformed and
// never quotes the content (marked, so that it cannot match the fixed
// texts). The file checks themselves are credfile's (FuzzRead there).
func FuzzParseToken(f *testing.F) {
	for _, s := range []string{secret, secret + "\n", "  " + secret + "\t\n", "", " \n", "a b", "\x00\xff", "dop_v1_\u00e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		content = "Zq9x" + content
		tok, err := parseToken("/etc/ocfkit/digitalocean.token", []byte(content))
		if err == nil {
			s := tok.Reveal()
			if s == "" || !strings.Contains(content, s) || strings.IndexFunc(s, func(r rune) bool {
				return unicode.IsSpace(r) || !unicode.IsPrint(r) || r > unicode.MaxASCII
			}) >= 0 {
				t.Fatalf("parseToken(%q) = %q", content, s)
			}
			return
		}
		var te *TokenError
		if !errors.As(err, &te) || te.Problem != TokenMalformed || !errors.Is(err, credfile.ErrMalformed) {
			t.Fatalf("parseToken(%q): %v is not a malformed-token error", content, err)
		}
		if strings.Contains(err.Error(), strings.TrimSpace(content)) {
			t.Fatalf("parseToken(%q): the error quotes the content: %v", content, err)
		}
	})
}
