package dofake_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/dofake"
)

// TestServe: the fake answers on 127.0.0.1 to the token that Serve wrote,
// in a file only its owner can read.
func TestServe(t *testing.T) {
	f := dofake.New("t0ken-serve")
	f.AddDroplet(101, "da")
	env, tf := dofake.Serve(t, f)
	assert.True(t, strings.HasPrefix(env.APIURL, "http://127.0.0.1:"), env.APIURL)
	b, err := os.ReadFile(tf)
	require.NoError(t, err)
	assert.Equal(t, "t0ken-serve\n", string(b))
	fi, err := os.Stat(tf)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	d, _, err := client(t, env, strings.TrimSpace(string(b))).Droplets.Get(context.Background(), 101)
	require.NoError(t, err)
	assert.Equal(t, "da", d.Name)
}
