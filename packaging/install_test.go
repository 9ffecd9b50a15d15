package packaging_test

import (
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// dpkgStatus is the package's dpkg status ("" when dpkg does not know it).
func dpkgStatus(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "-f", "${db:Status-Abbrev}|${Version}", "ocfkit").Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return "" // dpkg-query exits 1 for a package it has never seen
	}
	require.NoError(t, err)
	st, _, _ := strings.Cut(string(out), "|")
	if strings.TrimSpace(st) == "un" {
		return ""
	}
	return string(out)
}

// TestInstallDeb installs the .deb for real, uses the agents the way an
// operator would, removes it again and checks the machine is as before.
func TestInstallDeb(t *testing.T) {
	testenv.NeedRoot(t)
	dpkg := testenv.NeedCmd(t, "dpkg")
	crmResource := testenv.NeedCmd(t, "crm_resource")
	pcs := testenv.NeedCmd(t, "pcs")
	testenv.NeedCmd(t, "man")
	b := buildPackages(t)
	deb := b.debs[hostArch(t)]
	testenv.LockSystem(t)

	// Refuse, without touching anything, if ocfkit is already here: it is
	// someone's installation, not ours to replace or remove.
	if st := dpkgStatus(t); st != "" {
		t.Fatalf("an ocfkit package is already known to dpkg (%s): not touching it", st)
	}
	owned := []string{}
	for p, e := range debEntries(t, deb) {
		if !strings.HasPrefix(e.mode, "d") || p == agentDir || p == "/etc/ocfkit" || p == "/usr/share/doc/ocfkit" {
			owned = append(owned, p)
		}
	}
	sort.Strings(owned)
	for _, p := range owned {
		if _, err := os.Lstat(p); err == nil {
			t.Fatalf("%s already exists and is not from this test: not touching it", p)
		}
	}
	// Shared directories must stay; the two that only packages write to
	// must keep exactly their other files. A parent dpkg had to create must
	// go again.
	parents := map[string][]string{}
	var absent []string
	for p, e := range debEntries(t, deb) {
		if strings.HasPrefix(e.mode, "d") && !contains(owned, p) {
			if names, err := dirNames(p); err == nil {
				parents[p] = names
			} else {
				absent = append(absent, p)
			}
		}
	}

	t.Cleanup(func() {
		if dpkgStatus(t) != "" {
			out, err := exec.Command(dpkg, "--purge", "ocfkit").CombinedOutput()
			if err != nil {
				t.Errorf("cleanup: dpkg --purge ocfkit: %v\n%s", err, out)
			}
		}
	})

	out, err := exec.Command(dpkg, "-i", deb).CombinedOutput()
	require.NoError(t, err, "dpkg -i:\n%s", out)
	assert.Equal(t, "ii |"+b.version, dpkgStatus(t))

	for p, mode := range map[string]os.FileMode{"/etc/ocfkit": os.ModeDir | 0o700, agentDir: os.ModeDir | 0o755} {
		st, err := os.Stat(p)
		if assert.NoError(t, err) {
			assert.Equal(t, mode, st.Mode(), p)
		}
	}

	// crm_resource lists exactly the packaged agents.
	out, err = exec.Command(crmResource, "--list-agents", "ocf:ocfkit").CombinedOutput()
	require.NoError(t, err, "crm_resource --list-agents ocf:ocfkit:\n%s", out)
	listed := strings.Fields(string(out))
	sort.Strings(listed)
	assert.Equal(t, b.ocf, listed)

	// The fencer sees the fence agents: listed, described, and each man
	// page found by name.
	if len(b.fence) > 0 {
		stonithAdmin := testenv.NeedCmd(t, "stonith_admin")
		out, err = exec.Command(stonithAdmin, "--list-installed").CombinedOutput()
		require.NoError(t, err, "stonith_admin --list-installed:\n%s", out)
		for _, a := range b.fence {
			assert.Contains(t, strings.Fields(string(out)), a)
			d, err := exec.Command(pcs, "stonith", "describe", a).CombinedOutput()
			require.NoError(t, err, "pcs stonith describe %s:\n%s", a, d)
			assert.True(t, strings.HasPrefix(string(d), a+" - "), "%s", d)
			where, err := exec.Command("man", "-w", a).Output()
			require.NoError(t, err)
			assert.Equal(t, "/usr/share/man/man8/"+a+".8.gz", strings.TrimSpace(string(where)))
		}
	}

	for _, a := range b.ocf {
		t.Run(a, func(t *testing.T) {
			st, err := os.Stat(filepath.Join(agentDir, a))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o755), st.Mode())

			out, err := exec.Command(pcs, "resource", "describe", "ocf:ocfkit:"+a).CombinedOutput()
			require.NoError(t, err, "pcs resource describe ocf:ocfkit:%s:\n%s", a, out)
			assert.True(t, strings.HasPrefix(string(out), "ocf:ocfkit:"+a+" - "), "%s", out)
			assert.Contains(t, string(out), "Default operations:")

			// The version stamped at build time is the package's.
			md, err := exec.Command(filepath.Join(agentDir, a), "meta-data").Output()
			require.NoError(t, err)
			var ra struct {
				Name    string `xml:"name,attr"`
				Version string `xml:"version,attr"`
			}
			require.NoError(t, xml.Unmarshal(md, &ra))
			assert.Equal(t, a, ra.Name)
			assert.Equal(t, b.version, ra.Version)

			page := "/usr/share/man/man7/ocf_ocfkit_" + a + ".7.gz"
			checkManFormats(t, page)
			// man finds the page by name, as a user types it.
			where, err := exec.Command("man", "-w", "ocf_ocfkit_"+a).Output()
			require.NoError(t, err)
			assert.Equal(t, page, strings.TrimSpace(string(where)))
		})
	}

	out, err = exec.Command(dpkg, "-r", "ocfkit").CombinedOutput()
	require.NoError(t, err, "dpkg -r:\n%s", out)
	// Without conffiles, removal leaves nothing for a purge.
	assert.Empty(t, dpkgStatus(t), "dpkg still knows ocfkit after dpkg -r")
	for _, p := range owned {
		_, err := os.Lstat(p)
		assert.True(t, os.IsNotExist(err), "%s left behind after dpkg -r", p)
	}
	for p, before := range parents {
		after, err := dirNames(p)
		if !assert.NoError(t, err, "%s was there before the install", p) {
			continue
		}
		if p == "/usr/lib/ocf/resource.d" || p == "/usr/share/man/man7" || p == "/usr/sbin" || p == "/usr/share/man/man8" {
			assert.Equal(t, before, after, "contents of %s changed", p)
		}
	}
	for _, p := range absent {
		_, err := os.Lstat(p)
		assert.True(t, os.IsNotExist(err), "%s was created by the install and left behind", p)
	}
}

func dirNames(dir string) ([]string, error) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(es))
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
