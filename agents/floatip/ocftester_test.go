package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestOCFTester(t *testing.T) {
	c := newCloud(t)
	agent := testenv.BuildAgent(t, "floatip")
	for _, unassign := range []string{"false", "true"} {
		t.Run("unassign_on_stop="+unassign, func(t *testing.T) {
			testenv.OCFTester(t, agent, "fip-ocftester", map[string]string{
				"floating_ip":      fip,
				"token_file":       c.tokenFile,
				"api_url":          c.APIURL,
				"metadata_url":     c.Metadata[dropA],
				"unassign_on_stop": unassign,
			}, "HA_RSCTMP="+t.TempDir())
			assert.Positive(t, c.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"), "ocf-tester's start moved the IP through the fake")
		})
	}
}
