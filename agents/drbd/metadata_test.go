package main

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

func metaData(t *testing.T) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	require.Equal(t, 0, agent.Run([]string{"meta-data"}, &out, &errb), errb.String())
	return out.Bytes()
}

// xmllint validates meta-data with the given arguments, from dir.
func xmllint(t *testing.T, dir string, md []byte, args ...string) error {
	t.Helper()
	cmd := exec.Command(testenv.NeedCmd(t, "xmllint"), append(append([]string{"--noout"}, args...), "-")...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(md)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("xmllint %v: %s", args, out)
	}
	return err
}

func TestMetaDataValid(t *testing.T) {
	const dtdDir = "/usr/share/resource-agents"
	testenv.NeedFile(t, filepath.Join(dtdDir, "ra-api-1.dtd"))
	md := metaData(t)
	assert.NoError(t, xmllint(t, dtdDir, md, "--valid"), "ra-api-1.dtd (ocf-tester)")
	assert.NoError(t, xmllint(t, dtdDir, md, "--relaxng", filepath.Join(dtdDir, "metadata.rng")), "metadata.rng")
}

// TestAnchorMetaDataInvalid records why the anchor fails ocf-tester: some
// of its parameters have no shortdesc, which ra-api-1.dtd requires.
func TestAnchorMetaDataInvalid(t *testing.T) {
	const anchor = "/usr/lib/ocf/resource.d/linbit/drbd"
	testenv.NeedFile(t, anchor)
	md, err := exec.Command(anchor, "meta-data").Output()
	require.NoError(t, err)
	assert.Error(t, xmllint(t, "/usr/share/resource-agents", md, "--valid"))
}

func TestMetaDataDeclares(t *testing.T) {
	var x struct {
		Params []struct {
			Name    string `xml:"name,attr"`
			Content struct {
				Default string `xml:"default,attr"`
			} `xml:"content"`
		} `xml:"parameters>parameter"`
		Actions []struct {
			Name     string `xml:"name,attr"`
			Interval string `xml:"interval,attr"`
			Role     string `xml:"role,attr"`
		} `xml:"actions>action"`
	}
	require.NoError(t, xml.Unmarshal(metaData(t), &x))
	defaults := map[string]string{}
	for _, p := range x.Params {
		defaults[p.Name] = p.Content.Default
	}
	// the anchor's names and defaults
	for name, def := range map[string]string{
		"drbd_resource": "", "drbdconf": "/etc/drbd.conf", "adjust_master_score": "0 10 1000 10000",
		"stop_outdates_secondary": "false", "ignore_missing_notifications": "false", "wfc_timeout": "5",
		"remove_master_score_if_peer_primary": "false", "fail_promote_early_if_peer_primary": "false",
		"unfence_if_all_uptodate": "false", "unfence_extra_args": defaultUnfenceArgs,
		"require_drbd_module_version_ge": "8.0.0", "require_drbd_module_version_lt": "10.0.0",
		"connect_only_after_promote": "false",
	} {
		got, ok := defaults[name]
		assert.True(t, ok, "parameter %s declared", name)
		assert.Equal(t, def, got, "default of %s", name)
	}
	roles := map[string]string{}
	actions := map[string]bool{}
	for _, a := range x.Actions {
		actions[a.Name] = true
		if a.Name == "monitor" {
			roles[a.Role] = a.Interval
		}
	}
	assert.Equal(t, map[string]string{"Promoted": "10s", "Unpromoted": "20s"}, roles)
	for _, a := range []string{"start", "stop", "promote", "demote", "notify", "reload", "validate-all", "meta-data"} {
		assert.True(t, actions[a], a)
	}
}

func TestOCFTester(t *testing.T) {
	testenv.NeedRoot(t)
	bin := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, down)
	testenv.OCFTester(t, bin, "d", map[string]string{
		"drbd_resource":                "r0",
		"drbdconf":                     filepath.Join(dir, "drbd.conf"),
		"drbdadm":                      filepath.Join(dir, "drbdadm"),
		"drbdsetup":                    filepath.Join(dir, "drbdsetup"),
		"proc_drbd":                    filepath.Join(dir, "proc_drbd"),
		"ignore_missing_notifications": "true",
	}, "PATH="+dir+":/usr/sbin:/usr/bin:/sbin:/bin")
	w := world(t, dir)
	assert.False(t, w.Resources["r0"].Up, "ocf-tester ends with the resource stopped")
	assert.True(t, called(calls(t, dir), "primary", "r0"), "ocf-tester promoted it")
}
