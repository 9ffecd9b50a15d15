package ocf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCrmAttribute records its arguments and answers queries from a file.
func fakeCrmAttribute(t *testing.T) (path, record, value string) {
	dir := t.TempDir()
	path = filepath.Join(dir, "crm_attribute")
	record = filepath.Join(dir, "calls")
	value = filepath.Join(dir, "value")
	script := `#!/bin/sh
echo "$*" >> ` + record + `
case "$*" in
*-G*) [ -f ` + value + ` ] || { echo "not found" >&2; exit 105; }; cat ` + value + ` ;;
esac
`
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	return
}

func TestAttrs(t *testing.T) {
	bin, record, value := fakeCrmAttribute(t)
	ctx := context.Background()
	a := &Attrs{Path: bin}

	_, ok, err := a.PromotionScore(ctx)
	require.NoError(t, err)
	assert.False(t, ok, "no score set")

	require.NoError(t, a.SetPromotionScore(ctx, 10000))
	require.NoError(t, os.WriteFile(value, []byte("10000\n"), 0o644))
	n, ok, err := a.PromotionScore(ctx)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 10000, n)
	require.NoError(t, a.DeletePromotionScore(ctx))
	require.NoError(t, (&Attrs{Path: bin, Resource: "ms_drbd0"}).SetPromotionScore(ctx, 10))
	require.NoError(t, a.Set(ctx, "node1", "drbd-r0-uptodate", "1"))
	require.NoError(t, a.Delete(ctx, "", "drbd-r0-uptodate"))

	calls, err := os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"-p -l reboot -G -q",
		"-p -l reboot -v 10000",
		"-p -l reboot -G -q",
		"-p -l reboot -D",
		"--promotion=ms_drbd0 -l reboot -v 10",
		"-N node1 -n drbd-r0-uptodate -l reboot -v 1",
		"-n drbd-r0-uptodate -l reboot -D",
	}, strings.Split(strings.TrimSpace(string(calls)), "\n"))

	broken := &Attrs{Path: filepath.Join(t.TempDir(), "missing")}
	assert.Error(t, broken.SetPromotionScore(ctx, 1))
}

func TestStatePath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rsctmp")
	t.Setenv("HA_RSCTMP", dir)
	e := &Env{Agent: &Agent{Name: "floatip"}, Instance: "vip:0"}
	p, err := e.StatePath("droplet")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "floatip-vip_0.droplet"), p)
	require.NoError(t, WriteState(p, []byte("123"), 0o600))
	st, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	b, _ := os.ReadFile(p)
	assert.Equal(t, "123", string(b))
}

func TestAttrsOldPacemaker(t *testing.T) {
	bin, record, _ := fakeCrmAttribute(t)
	ctx := context.Background()
	t.Setenv("OCF_RESOURCE_INSTANCE", "drbd_r0:1")
	t.Setenv("OCF_RESKEY_crm_feature_set", "3.2.1") // Pacemaker 2.0
	require.NoError(t, (&Attrs{Path: bin}).SetPromotionScore(ctx, 1000))
	t.Setenv("OCF_RESKEY_crm_feature_set", "3.10.0")
	require.NoError(t, (&Attrs{Path: bin}).SetPromotionScore(ctx, 1000))
	t.Setenv("OCF_RESKEY_crm_feature_set", "3.16.2")
	require.NoError(t, (&Attrs{Path: bin}).DeletePromotionScore(ctx))
	calls, err := os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"-n master-drbd_r0 -l reboot -v 1000",
		"-p -l reboot -v 1000",
		"-p -l reboot -D",
	}, strings.Split(strings.TrimSpace(string(calls)), "\n"))
	assert.True(t, olderThan("3.9", 3, 10))
	assert.False(t, olderThan("4.0.0", 3, 10))
	assert.False(t, olderThan("garbage", 3, 10))
}
