package ocf

import (
	"slices"
	"strings"
	"sync"
)

// The registry of secrets. The list only grows and its elements are never
// changed, so Redact can work on a copy of the slice header outside the lock.
var secrets struct {
	sync.RWMutex
	list []*secret
	seen map[string]bool
}

// secret is a registered string with its Knuth-Morris-Pratt failure table,
// built once at registration: finding it in a text is then linear in the
// text, whatever the secret looks like. (strings.Replacer is not: its
// Boyer-Moore table takes time quadratic in a repetitive secret, and its
// trie for several secrets rescans the text.)
type secret struct {
	s    string
	fail []int32 // fail[i]: length of the longest proper border of s[:i+1]
}

// compile builds the failure table; steps counts the inner loop's work.
func compile(s string) (sec *secret, steps int) {
	fail := make([]int32, len(s))
	k := int32(0)
	for i := 1; i < len(s); i++ {
		for k > 0 && s[i] != s[k] {
			k = fail[k-1]
			steps++
		}
		if s[i] == s[k] {
			k++
		}
		fail[i] = k
		steps++
	}
	return &secret{s: s, fail: fail}, steps
}

// RegisterSecret makes every later log line and exit reason print "***"
// instead of s. Register a credential as soon as it is read, before any
// error that might quote it can be formed.
func RegisterSecret(s string) {
	s = strings.TrimSpace(s)
	if len(s) < 4 { // too short to redact without mangling ordinary text
		return
	}
	secrets.Lock()
	defer secrets.Unlock()
	if secrets.seen[s] {
		return
	}
	if secrets.seen == nil {
		secrets.seen = map[string]bool{}
	}
	secrets.seen[s] = true
	sec, _ := compile(s)
	secrets.list = append(secrets.list, sec)
}

// Redact replaces every registered secret in s.
func Redact(s string) string {
	secrets.RLock()
	list := secrets.list
	secrets.RUnlock()
	out, _ := redact(s, list)
	return out
}

// span is a half-open byte range [from, to) of the text.
type span struct{ from, to int }

// redact replaces with "***" every byte of text that lies inside an
// occurrence of any secret, overlapping occurrences and secrets that are
// substrings of others included: the union of all occurrences is hidden,
// so that no part of a secret survives because another one matched first.
// It takes O(len(text)) steps per secret plus a sort of the matched spans;
// steps counts the scanning work, for tests.
func redact(text string, list []*secret) (out string, steps int) {
	var spans []span
	for _, sec := range list {
		spans, steps = find(text, sec, spans, steps)
	}
	if len(spans) == 0 {
		return text, steps
	}
	// Each secret's spans are sorted and disjoint; together they are not.
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for i := 0; i < len(spans); {
		from, to := spans[i].from, spans[i].to
		for i++; i < len(spans) && spans[i].from <= to; i++ {
			to = max(to, spans[i].to)
		}
		b.WriteString(text[at:from])
		b.WriteString("***")
		at = to
		steps++
	}
	b.WriteString(text[at:])
	return b.String(), steps + len(text)
}

// find appends the occurrences of sec in text to spans, overlapping ones
// merged, and adds its work to steps.
func find(text string, sec *secret, spans []span, steps int) ([]span, int) {
	s, m := sec.s, int32(len(sec.s))
	if len(text) < len(s) {
		return spans, steps
	}
	mine := len(spans) // this secret's spans start here
	k := int32(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if k == 0 {
			// Nothing matched so far: skip to the next first byte (the
			// common case, and a vectorised scan).
			j := strings.IndexByte(text[i:], s[0])
			if j < 0 {
				steps += len(text) - i
				break
			}
			steps += j
			i += j
			c = text[i]
		}
		for k > 0 && c != s[k] {
			k = sec.fail[k-1]
			steps++
		}
		if c == s[k] {
			k++
		}
		steps++
		if k == m {
			from, to := i+1-int(m), i+1
			if n := len(spans); n > mine && spans[n-1].to >= from {
				spans[n-1].to = to
			} else {
				spans = append(spans, span{from, to})
			}
			k = sec.fail[k-1]
		}
	}
	return spans, steps
}
