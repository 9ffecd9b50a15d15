package digitalocean

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

const secret = "dop_v1_0123456789abcdef"

func TestReadTokenFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		require.NoError(t, os.Chmod(p, mode))
		return p
	}
	for _, tc := range []struct {
		name    string
		path    string
		problem TokenProblem
		want    string
	}{
		{"0600 with newline", write("ok", secret+"\n", 0o600), 0, secret},
		{"0400", write("ro", "  "+secret+"  ", 0o400), 0, secret},
		{"missing", filepath.Join(dir, "nope"), TokenMissing, ""},
		{"world readable", write("644", secret, 0o644), TokenPermissions, ""},
		{"group readable", write("640", secret, 0o640), TokenPermissions, ""},
		{"group writable", write("620", secret, 0o620), TokenPermissions, ""},
		{"empty", write("empty", "", 0o600), TokenMalformed, ""},
		{"blank", write("blank", " \n\t\n", 0o600), TokenMalformed, ""},
		{"two words", write("two", "export DO_TOKEN="+secret, 0o600), TokenMalformed, ""},
		{"too big", write("big", strings.Repeat("a", maxTokenSize+1), 0o600), TokenMalformed, ""},
		{"directory", dir, TokenUnreadable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := ReadTokenFile(tc.path)
			if tc.problem == 0 {
				require.NoError(t, err)
				assert.Equal(t, tc.want, tok.Reveal())
				return
			}
			var te *TokenError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.problem, te.Problem, err.Error())
			assert.Contains(t, err.Error(), tc.path)
			assert.NotContains(t, err.Error(), secret, "the token never shows in an error")
			assert.True(t, tok.Empty())
		})
	}
}

func TestReadTokenFileOwner(t *testing.T) {
	testenv.NeedRoot(t)
	p := filepath.Join(t.TempDir(), "tok")
	require.NoError(t, os.WriteFile(p, []byte(secret), 0o600))
	tok, err := ReadTokenFile(p)
	require.NoError(t, err)
	assert.Equal(t, secret, tok.Reveal())
	require.NoError(t, os.Chown(p, 65534, 65534))
	_, err = ReadTokenFile(p)
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, TokenPermissions, te.Problem)
	assert.Contains(t, err.Error(), "not root")
}

func TestTokenNeverPrints(t *testing.T) {
	tok := NewToken(secret)
	for _, s := range []string{tok.String(), tok.GoString(), sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		assert.NotContains(t, s, secret)
	}
}
