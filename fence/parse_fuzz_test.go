package fence

import (
	"strings"
	"testing"
)

// FuzzParseStdin: whatever the fencer (or anyone) writes on stdin, parsing
// neither panics nor invents options: every key it returns is a known
// option's canonical name, and flags come out as 0 or 1.
func FuzzParseStdin(f *testing.F) {
	for _, s := range []string{"action=off\nport=node1\n", "# c\n\nplug-separator=\"x\"\nverbose=yes\n", "=\n==\n\"\"", "debug=/tmp/x\nnodename=n\nquiet=maybe\n"} {
		f.Add(s)
	}
	opts := standardOptions()
	known := map[string]Option{}
	for _, o := range opts {
		known[o.Name] = o
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, _ := parseStdin(strings.NewReader(in), opts, func(string, ...any) {})
		for k, v := range out {
			o, ok := known[k]
			if !ok {
				t.Fatalf("unknown key %q from %q", k, in)
			}
			if o.Flag() && v != "0" && v != "1" {
				t.Fatalf("flag %s = %q", k, v)
			}
		}
	})
}

// FuzzParseArgv: any command line parses or fails with a parse error,
// never a panic, and only known options come out.
func FuzzParseArgv(f *testing.F) {
	for _, s := range []string{"-o\x00off\x00-n\x00node1", "--act=on\x00--plug", "-vvvq\x00--\x00-x", "-C", "--verbose=1"} {
		f.Add(s)
	}
	opts := standardOptions()
	f.Fuzz(func(t *testing.T, in string) {
		args := strings.Split(in, "\x00")
		out, err := parseArgv(args, opts, func(string, ...any) {})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "Parse error: ") {
				t.Fatalf("error %q", err)
			}
			return
		}
		for k := range out {
			found := false
			for _, o := range opts {
				found = found || o.Name == k
			}
			if !found {
				t.Fatalf("unknown key %q from %q", k, args)
			}
		}
	})
}
