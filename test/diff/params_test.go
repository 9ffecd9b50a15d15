package diff

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// upstreamParams are the parameters of the newest ClusterLabs
// resource-agents agents (main at bf01ad08, August 2026): a configuration
// written for them must not meet a parameter ocfkit silently ignores.
var upstreamParams = map[string]string{
	"IPaddr2": "ip nic cidr_netmask broadcast proto iflabel lvs_support lvs_ipv6_addrlabel lvs_ipv6_addrlabel_value mac " +
		"clusterip_firewall clusterip_hash_seed clusterip_table clusterip_chain clusterip_mac_mangle unique_clone_address " +
		"arp_interval arp_count arp_count_refresh arp_bg arp_sender send_arp_opts flush_routes run_arping nodad noprefixroute " +
		"preferred_lft network_namespace check_link_status",
	"Filesystem": "device directory fstype options statusfile_prefix run_fsck fast_stop force_clones force_unmount " +
		"term_signals kill_signals signal_delay",
	"apache": "configfile httpd port statusurl testregex client testurl testregex10 testconffile testname options envfiles use_ipv6",
	"ocivip": "ocicli secondary_private_ip cidr_netmask interface_alias api_delay",
}

// anchors are the installed anchors (provider, name) of ocfkit's agents.
var anchors = map[string]string{
	"IPaddr2": "heartbeat", "Filesystem": "heartbeat", "apache": "heartbeat", "ocivip": "heartbeat", "drbd": "linbit",
}

// TestAnchorParameters: every parameter the installed anchor's meta-data
// declares, and every parameter of the newest upstream agent, is declared
// by ocfkit's agent (implemented, or refused at validate-all with a reason).
func TestAnchorParameters(t *testing.T) {
	for name, provider := range anchors {
		t.Run(name, func(t *testing.T) {
			anchor := Installed(t, provider, name)
			ours := declared(t, testenv.BuildAgent(t, name))
			theirs := declared(t, anchor)
			require.NotEmpty(t, theirs)
			for p := range theirs {
				assert.True(t, ours[p], "%s: the installed anchor's parameter %s is not declared by ocfkit", name, p)
			}
			for _, p := range strings.Fields(upstreamParams[name]) {
				assert.True(t, ours[p], "%s: the newest upstream agent's parameter %s is not declared by ocfkit", name, p)
			}
		})
	}
}

// declared runs an agent's meta-data and returns its parameter names.
func declared(t *testing.T, bin string) map[string]bool {
	t.Helper()
	cmd := agenttest.Command(t, bin, "meta-data", nil)
	out, err := cmd.Output()
	require.NoError(t, err, "%s meta-data", bin)
	m, err := ocf.ParseMetaData(out)
	require.NoError(t, err, "%s meta-data", bin)
	names := map[string]bool{}
	for _, p := range m.Params {
		names[p.Name] = true
	}
	return names
}
