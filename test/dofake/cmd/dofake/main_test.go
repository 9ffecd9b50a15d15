package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestRefusesBadArguments(t *testing.T) {
	tok := filepath.Join(t.TempDir(), "tok")
	require.NoError(t, os.WriteFile(tok, []byte("secret\n"), 0o600))
	for _, args := range [][]string{
		{},
		{"-token-file", tok, "-listen", "0.0.0.0:0"},
		{"-token-file", tok, "-droplet", "x"},
		{"-token-file", tok, "-droplet", "1=10.0.0.1:80"},
		{"-token-file", tok, "-ip", "not-an-ip"},
		{"-token-file", tok, "-ip", "203.0.113.10=7"},
	} {
		assert.Error(t, run(args), "%v", args)
	}
}

func TestStandalone(t *testing.T) {
	bin := testenv.BuildCmd(t, "test/dofake/cmd/dofake", "dofake")
	tok := filepath.Join(t.TempDir(), "tok")
	require.NoError(t, os.WriteFile(tok, []byte("secret\n"), 0o600))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-token-file", tok, "-droplet", "1001", "-droplet", "1002", "-ip", "203.0.113.10=1001")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	urls := map[string]string{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "ready" {
		f := strings.Fields(sc.Text())
		urls[strings.Join(f[:len(f)-1], " ")] = f[len(f)-1]
	}
	require.Contains(t, urls, "api")
	require.Contains(t, urls, "metadata 1002")

	req, _ := http.NewRequest("GET", urls["api"]+"/v2/reserved_ips/203.0.113.10", nil)
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), `"id":1001`)

	resp, err = http.Post(urls["api"]+"/_dofake/assign", "application/json", strings.NewReader(`{"ip":"203.0.113.10","droplet_id":1002}`))
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = http.Get(urls["metadata 1002"] + "/metadata/v1/reserved_ip/ipv4/ip_address")
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "203.0.113.10", string(b))

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "SIGTERM ends the fake cleanly")
}
