package main

import (
	"testing"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestOCFTester(t *testing.T) {
	testenv.NeedRoot(t)
	agent := testenv.BuildAgent(t, "apache")
	t.Run("status page", func(t *testing.T) {
		ts, _ := server(t, httpdtest.Options{})
		testenv.OCFTester(t, agent, "apache-ot", map[string]string{"configfile": ts.ConfigFile, "envfiles": "/nonexistent"})
	})
	t.Run("https with its certificate", func(t *testing.T) {
		ts, _ := server(t, httpdtest.Options{TLS: true})
		testenv.OCFTester(t, agent, "apache-ot-tls", map[string]string{"configfile": ts.ConfigFile, "tls_cafile": ts.CertFile, "envfiles": "/nonexistent"})
	})
}
