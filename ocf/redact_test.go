package ocf

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Overlapping secrets, and secrets inside others, are hidden whole: a
// replacer that stops at the first match would leave the rest of the
// second secret in the text.
func TestRedactOverlappingSecrets(t *testing.T) {
	RegisterSecret("ovl-1111-2222")
	RegisterSecret("2222-3333-ovl")
	RegisterSecret("in-xyzzy-side")
	RegisterSecret("xyzzy")
	for text, want := range map[string]string{
		"a ovl-1111-2222-3333-ovl b":   "a *** b",
		"a 2222-3333-ovl-1111-2222 b":  "a *** b",
		"a 2222-3333-ovl-1111 b":       "a ***-1111 b",
		"ovl-1111-2222ovl-1111-2222":   "***",
		"in-xyzzy-side and xyzzy":      "*** and ***",
		"in-xyzzy-sid":                 "in-***-sid",
		"ovl-1111-222 2222-3333-ov no": "ovl-1111-222 2222-3333-ov no",
	} {
		assert.Equal(t, want, Redact(text), text)
	}
}

// A 128 KiB secret in a 1 MiB text, in the shapes that make naive or
// Boyer-Moore matching quadratic (a repetitive secret; near misses all
// along the text): registering and redacting take a number of steps
// linear in the sizes, counted, not timed.
func TestRedactLinearWork(t *testing.T) {
	const n, m = 1 << 20, 128 << 10
	rnd := rand.New(rand.NewPCG(1, 2))
	random := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('a' + rnd.IntN(26))
		}
		return string(b)
	}
	repeat := func(unit string, k int) string { return strings.Repeat(unit, k/len(unit)+1)[:k] }
	randomSecret := random(m)
	for _, tc := range []struct {
		name, secret, text, want string
	}{
		{"all one letter", repeat("a", m), repeat("a", n), "***"},
		{"near misses", repeat("a", m), repeat(repeat("a", m-1)+"b", n), repeat(repeat("a", m-1)+"b", n)},
		{"periodic", repeat("ab", m), repeat("ab", n), "***"},
		{"random, absent", randomSecret, random(n), ""},
		{"random, present", randomSecret, "x" + randomSecret + "y" + random(n-m-2), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sec, steps := compile(tc.secret)
			assert.LessOrEqual(t, steps, 2*m, "registering")
			out, steps := redact(tc.text, []*secret{sec})
			assert.LessOrEqual(t, steps, 3*n, "redacting")
			if tc.want != "" {
				assert.Equal(t, tc.want, out)
			}
			assert.NotContains(t, out, tc.secret)
		})
	}
}

// The same through the public functions, which hold a 128 KiB secret as
// a do_token does.
func TestRedactLargeSecret(t *testing.T) {
	big := strings.Repeat("Q", 128<<10)
	RegisterSecret(big)
	text := strings.Repeat("Q", 1<<20) + " tail"
	require.Equal(t, "*** tail", Redact(text))
	assert.Equal(t, "a QQQ b", Redact("a QQQ b"))
}

// BenchmarkRedact measures a log line against a few ordinary secrets, and a
// 1 MiB text against a 128 KiB secret.
func BenchmarkRedact(b *testing.B) {
	var list []*secret
	for _, s := range []string{"dop_v1_0123456789abcdef0123456789abcdef", "ST$eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "hunter2-password"} {
		sec, _ := compile(s)
		list = append(list, sec)
	}
	line := "ListPrivateIps: HTTP 500 InternalServerError: injected fault (opc-request-id 0123456789abcdef) dop_v1_0123456789abcdef0123456789abcdef"
	b.Run("line", func(b *testing.B) {
		for b.Loop() {
			redact(line, list)
		}
	})
	big, _ := compile(strings.Repeat("a", 128<<10))
	text := strings.Repeat(strings.Repeat("a", 128<<10-1)+"b", 8)
	b.Run("1MiB-128KiB", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			redact(text, []*secret{big})
		}
	})
}
