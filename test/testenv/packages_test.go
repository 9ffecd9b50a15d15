package testenv

import (
	"strings"
	"testing"
)

func TestParsePackages(t *testing.T) {
	l, err := ParsePackages(strings.NewReader(`# comment
a  =   demo x,/usr/share/a/*
b  bb  test -
a  =   test y
c  -   test /usr/bin/c
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 3 || l[0].Fedora != "a" || !l[0].Demo || l[1].Fedora != "bb" || l[2].Fedora != "" {
		t.Fatalf("parsed %+v", l)
	}
	for cmd, want := range map[string]string{
		"x": "a", "y": "a", "/usr/share/a/b/c.rng": "a", "/usr/sbin/x": "a", "c": "", "/usr/bin/c": "c", "z": "",
	} {
		got := ""
		if p := l.Provider(cmd); p != nil {
			got = p.Debian
		}
		if got != want {
			t.Errorf("Provider(%q) = %q, want %q", cmd, got, want)
		}
	}
	for _, bad := range []string{"a b c\n", "a = later x\n"} {
		if _, err := ParsePackages(strings.NewReader(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// The list in the repository parses, and a skip names the package.
func TestMissingHint(t *testing.T) {
	if _, err := ReadPackages(PackagesFile()); err != nil {
		t.Fatal(err)
	}
	if h := MissingHint("crm_mon"); !strings.Contains(h, "(package pacemaker-cli-utils)") {
		t.Errorf("MissingHint(crm_mon) = %q", h)
	}
	if h := MissingHint("ocfkit-no-such-command"); !strings.Contains(h, "no package of test/packages.txt provides it") {
		t.Errorf("MissingHint = %q", h)
	}
}
