package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestOCFTester(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	b := c.node("b", false)
	agent := testenv.BuildAgent(t, "ocivip")
	for _, tc := range []struct{ name, auth, unassign string }{
		{"instance_principal", "instance_principal", "false"},
		{"api_key+unassign_on_stop", "api_key", "true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The IP starts on the other instance, so start has to move it.
			_, err := c.f.AssignSecondary(c.addr(200), b.vnic)
			if err != nil {
				t.Fatal(err)
			}
			c.f.ResetCounts()
			params := map[string]string{
				"secondary_private_ip": c.addr(200),
				"nic":                  a.nic,
				"metadata_url":         a.p["metadata_url"],
				"api_endpoint":         c.url,
				"auth":                 tc.auth,
				"unassign_on_stop":     tc.unassign,
			}
			if tc.auth == "api_key" {
				params["config_file"] = c.config
			} else {
				params["auth_endpoint"] = c.url
			}
			stateDir := t.TempDir()
			testenv.OCFTester(t, agent, "vip-ocftester", params, "HA_RSCTMP="+stateDir)
			assert.Positive(t, c.f.Count(ocifake.OpUpdatePrivateIp), "ocf-tester's start moved the IP through the fake")
			// ocf-tester ends with migrate_to (stop) and migrate_from (start).
			assert.True(t, a.hasAddr(c.addr(200)))
			p := kvs{"OCF_RESOURCE_INSTANCE": "vip-ocftester"}
			for k, v := range params {
				p[k] = v
			}
			expect(t, ocf.Success, stateDir, p, "stop")
			assert.False(t, a.hasAddr(c.addr(200)))
		})
	}
}
