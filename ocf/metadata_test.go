package ocf

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMetaDataGolden(t *testing.T) {
	Version = "test"
	got := dummy().MetaData()
	golden := filepath.Join("testdata", "dummy.xml")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// TestMetaDataSchemas validates against both schemas Pacemaker tools use:
// ra-api-1.dtd (ocf-tester) and metadata.rng (resource-agents, pcs).
func TestMetaDataSchemas(t *testing.T) {
	xmllint := testenv.NeedCmd(t, "xmllint")
	dir := "/usr/share/resource-agents"
	testenv.NeedFile(t, filepath.Join(dir, "ra-api-1.dtd"))
	for _, args := range [][]string{
		{"--noout", "--valid", "-"},
		{"--noout", "--relaxng", filepath.Join(dir, "metadata.rng"), "-"},
	} {
		cmd := exec.Command(xmllint, args...)
		cmd.Dir = dir // as ocf-tester does: the DOCTYPE names ra-api-1.dtd relative to here
		cmd.Stdin = bytes.NewReader(dummy().MetaData())
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "xmllint %v: %s", args, out)
	}
}

func TestParseMetaDataRoundTrip(t *testing.T) {
	m, err := ParseMetaData(dummy().MetaData())
	require.NoError(t, err)
	assert.Equal(t, "Dummy", m.Name)
	require.Len(t, m.Params, 8)
	assert.Equal(t, "count", m.Params[1].Name)
	assert.Equal(t, "integer", m.Params[1].Content.Type)
	require.NotNil(t, m.Params[1].Content.Default)
	assert.Equal(t, "3", *m.Params[1].Content.Default)
	assert.Equal(t, "1", m.Params[0].Required)
	assert.Equal(t, "Promoted", m.Actions[3].Role)
	_, err = ParseMetaData([]byte("<resource-agent"))
	assert.Error(t, err)
}
