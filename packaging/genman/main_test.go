package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeAgent writes an executable called name that behaves like an agent's
// meta-data action: it prints the given XML file, or runs body.
func fakeAgent(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return p
}

func TestRunFromAgentBinary(t *testing.T) {
	xml, err := filepath.Abs("testdata/simple.xml")
	require.NoError(t, err)
	agent := fakeAgent(t, "vip", `[ "$1" = meta-data ] || exit 3; cat '`+xml+`'`)
	out := t.TempDir()
	var stderr bytes.Buffer
	require.NoError(t, run([]string{"-o", out, "-version", "1.2.3", "-date", "2026-01-02", agent}, &stderr))
	got, err := os.ReadFile(filepath.Join(out, "ocf_ocfkit_vip.7"))
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/simple.7")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestRunFromXMLFile(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, run([]string{"-o", out, "-provider", "acme", "testdata/promotable.xml"}, &bytes.Buffer{}))
	assert.FileExists(t, filepath.Join(out, "ocf_acme_repl.7"))
}

func TestRunFailures(t *testing.T) {
	xml, err := filepath.Abs("testdata/simple.xml")
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		agent func(t *testing.T) string
		args  []string
		err   string
	}{
		{"no agents", nil, nil, "no agents given"},
		{"agent fails", func(t *testing.T) string {
			return fakeAgent(t, "vip", "echo 'ocf-exit-reason:broken' >&2; exit 1")
		}, nil, "ocf-exit-reason:broken"},
		{"name differs from binary", func(t *testing.T) string {
			return fakeAgent(t, "other", "cat '"+xml+"'")
		}, nil, `meta-data names the agent "vip", the binary is "other"`},
		{"garbage", func(t *testing.T) string {
			return fakeAgent(t, "vip", "echo usage")
		}, nil, "not OCF XML"},
		{"hangs", func(t *testing.T) string {
			return fakeAgent(t, "vip", "exec sleep 30")
		}, []string{"-timeout", "200ms"}, "no answer within 200ms"},
		{"missing binary", func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "vip")
		}, nil, "no such file"},
		{"missing xml", func(t *testing.T) string { return "testdata/none.xml" }, nil, "no such file"},
		{"bad flag", nil, []string{"-nope"}, "not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-o", t.TempDir()}, tc.args...)
			if tc.agent != nil {
				args = append(args, tc.agent(t))
			}
			err := run(args, &bytes.Buffer{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestDefaultDateHonoursSourceDateEpoch(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767312000")
	assert.Equal(t, "2026-01-02", defaultDate())
}
