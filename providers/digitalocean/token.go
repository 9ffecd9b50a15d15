package digitalocean

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"unicode"
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
// and the problem, never the content.
type TokenError struct {
	Path    string
	Problem TokenProblem
	Detail  string
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("token file %s: %s", e.Path, e.Detail)
}

// maxTokenSize bounds what is read: real tokens are ~70 bytes.
const maxTokenSize = 4096

// ReadTokenFile reads an API token from path. The file must be a regular
// file owned by root with no access for group or others (mode 0600 or
// 0400), and hold one token (surrounding whitespace is ignored).
func ReadTokenFile(path string) (Token, error) {
	return readTokenFile(path, 0)
}

func readTokenFile(path string, owner uint32) (Token, error) {
	fail := func(p TokenProblem, format string, args ...any) (Token, error) {
		return Token{}, &TokenError{Path: path, Problem: p, Detail: fmt.Sprintf(format, args...)}
	}
	// O_NOFOLLOW is not used: a symlink to a root-owned 0600 file is fine,
	// and the checks below are on the opened file itself.
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(TokenMissing, "does not exist")
	case errors.Is(err, fs.ErrPermission):
		return fail(TokenPermissions, "cannot be opened: permission denied")
	case err != nil:
		return fail(TokenUnreadable, "cannot be opened: %v", unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(TokenUnreadable, "cannot be examined: %v", unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return fail(TokenUnreadable, "is not a regular file")
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid != owner {
		return fail(TokenPermissions, "is owned by uid %d, not root (chown root:root %s)", sys.Uid, path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return fail(TokenPermissions, "has mode %04o: group and others must have no access (chmod 600 %s)", perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxTokenSize+1))
	if err != nil {
		return fail(TokenUnreadable, "cannot be read: %v", unwrapPath(err))
	}
	if len(b) > maxTokenSize {
		return fail(TokenMalformed, "is larger than %d bytes: it does not hold a token", maxTokenSize)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return fail(TokenMalformed, "is empty")
	}
	if i := strings.IndexFunc(tok, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) || r > unicode.MaxASCII }); i >= 0 {
		return fail(TokenMalformed, "holds more than one word or non-printable characters: it must hold the token alone")
	}
	return Token{secret: tok}, nil
}

// unwrapPath drops the *PathError wrapper, whose text repeats the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
