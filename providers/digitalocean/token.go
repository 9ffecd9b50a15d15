package digitalocean

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/ocfkit/ocfkit/providers/credfile"
)

// Token is a DigitalOcean API token. It formats as "[redacted]" so that it
// cannot reach a log line or an error by accident.
type Token struct{ secret string }

// NewToken wraps a token string (from do_token, for compatibility).
func NewToken(s string) Token { return Token{secret: strings.TrimSpace(s)} }

// Reveal returns the secret, for the Authorization header and for
// registering it with a log redactor.
func (t Token) Reveal() string { return t.secret }

// Empty reports whether there is no token.
func (t Token) Empty() bool { return t.secret == "" }

func (t Token) String() string   { return "[redacted]" }
func (t Token) GoString() string { return "digitalocean.Token{[redacted]}" }

// TokenProblem says what is wrong with a token file.
type TokenProblem int

const (
	TokenMissing     TokenProblem = iota + 1 // no such file
	TokenUnreadable                          // exists but cannot be read (not a regular file, I/O error)
	TokenPermissions                         // not owned by root, or group/other have access
	TokenMalformed                           // empty, too long, or not a token
)

// TokenError is a token file that cannot be used. Its text names the file
// and the problem, never the content. It unwraps to a credfile sentinel
// (credfile.ErrMissing, ErrPermissions, ErrUnreadable, ErrTooLarge,
// ErrMalformed).
type TokenError struct {
	Path    string
	Problem TokenProblem
	Detail  string
	err     error
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("token file %s: %s", e.Path, e.Detail)
}

func (e *TokenError) Unwrap() error { return e.err }

// maxTokenSize bounds what is read: real tokens are ~70 bytes.
const maxTokenSize = 4096

// ReadTokenFile reads an API token from path. The file must be a regular
// file owned by root with no access for group or others (mode 0600 or
// 0400), and hold one token (surrounding whitespace is ignored). The
// checks are credfile's, shared with the other credential files.
func ReadTokenFile(path string) (Token, error) { return readTokenFile(path, credfile.Read) }

// ReadTokenFileUnchecked is ReadTokenFile without the ownership and mode
// checks, for a stop that must release what it holds (see
// credfile.ReadUnchecked).
func ReadTokenFileUnchecked(path string) (Token, error) {
	return readTokenFile(path, credfile.ReadUnchecked)
}

func readTokenFile(path string, read func(string, int) ([]byte, error)) (Token, error) {
	b, err := read(path, maxTokenSize)
	var ce *credfile.Error
	if errors.As(err, &ce) {
		p := TokenUnreadable
		switch {
		case errors.Is(err, credfile.ErrMissing):
			p = TokenMissing
		case errors.Is(err, credfile.ErrPermissions):
			p = TokenPermissions
		case errors.Is(err, credfile.ErrTooLarge):
			p, ce.Detail = TokenMalformed, ce.Detail+": it does not hold a token"
		}
		return Token{}, &TokenError{Path: path, Problem: p, Detail: ce.Detail, err: err}
	}
	if err != nil {
		return Token{}, &TokenError{Path: path, Problem: TokenUnreadable, Detail: err.Error(), err: err}
	}
	return parseToken(path, b)
}

// parseToken reads the token in the content b of the file at path.
func parseToken(path string, b []byte) (Token, error) {
	fail := func(format string) (Token, error) {
		return Token{}, &TokenError{Path: path, Problem: TokenMalformed, Detail: format, err: credfile.ErrMalformed}
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return fail("is empty")
	}
	if i := strings.IndexFunc(tok, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) || r > unicode.MaxASCII }); i >= 0 {
		return fail("holds more than one word or non-printable characters: it must hold the token alone")
	}
	return Token{secret: tok}, nil
}
