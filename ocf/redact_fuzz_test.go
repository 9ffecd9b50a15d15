package ocf

import (
	"strings"
	"testing"
)

// naiveRedact is the specification: mark every byte inside any occurrence
// of any secret (all start positions), replace each marked run with "***".
func naiveRedact(text string, list []string) string {
	mask := make([]bool, len(text))
	for _, s := range list {
		for i := 0; i+len(s) <= len(text); i++ {
			if text[i:i+len(s)] == s {
				for j := i; j < i+len(s); j++ {
					mask[j] = true
				}
			}
		}
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if !mask[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		for i < len(text) && mask[i] {
			i++
		}
		b.WriteString("***")
	}
	return b.String()
}

// FuzzRedact checks the linear redactor against the naive one, with a
// fuzzed secret and two cut from the text at fuzzed places (so that they
// occur, overlap and nest), and bounds the steps it takes.
func FuzzRedact(f *testing.F) {
	f.Add("a ovl-1111-2222-3333-ovl b", "ovl-1111-2222", uint16(0x0a0d), uint16(0x0203))
	f.Add("aaaaaaaaab", "aaaa", uint16(0x0304), uint16(0x0002))
	f.Add(`ST$eyJ.e30.sig keyId="ST$eyJ.e30.sig"`, "eyJ.e30.sig", uint16(0x190e), uint16(0x0f04))
	f.Add("abababab", "abab", uint16(0x0104), uint16(0x0000))
	f.Fuzz(func(t *testing.T, text, s1 string, cut2, cut3 uint16) {
		if len(text) > 4096 {
			text = text[:4096]
		}
		names := []string{s1}
		for _, c := range []uint16{cut2, cut3} {
			if len(text) > 0 {
				from := int(c>>8) % len(text)
				names = append(names, text[from:min(len(text), from+1+int(c&0xff)%64)])
			}
		}
		var list []*secret
		for i, s := range names {
			if s == "" || len(s) > 64 {
				names[i] = ""
				continue
			}
			sec, steps := compile(s)
			if steps > 2*len(s) {
				t.Fatalf("compile(%q) took %d steps", s, steps)
			}
			list = append(list, sec)
		}
		got, steps := redact(text, list)
		if want := naiveRedact(text, names); got != want {
			t.Fatalf("redact(%q, %q) = %q, want %q", text, names, got, want)
		}
		if steps > 3*len(text)*max(len(list), 1)+len(text) {
			t.Fatalf("redact(%q, %q) took %d steps", text, names, steps)
		}
	})
}
