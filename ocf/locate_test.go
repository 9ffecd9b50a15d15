package ocf

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPromotedElsewhere(t *testing.T) {
	dir := t.TempDir()
	script := `#!/bin/sh
[ "$1 $2 $3" = "--resource d --locate" ] || exit 1
echo "resource d is running on: node1 Promoted"
echo "resource d is running on: node2"
echo "resource d is running on: node3 Master"
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crm_resource"), []byte(script), 0o755))
	t.Setenv("PATH", dir)
	var a Attrs
	assert.Equal(t, "node1", a.PromotedElsewhere(context.Background(), "d", "node2"))
	assert.Equal(t, "node3", a.PromotedElsewhere(context.Background(), "d", "NODE1"), "names compare without case")
	assert.Equal(t, "", a.PromotedElsewhere(context.Background(), "other", "node2"), "a failed call: nobody")
}
