package multinode

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ParseStatus on crm_mon XML as Pacemaker 2.1 writes it: a promotable
// clone, a group, a stopped primitive, a failed one, nodes in each state.
func TestParseStatus(t *testing.T) {
	xml := `<pacemaker-result api-version="2.25" request="crm_mon -1 -r --output-as=xml">
  <summary><current_dc present="true" version="2.1.5" name="node2" id="2" with_quorum="true"/></summary>
  <nodes>
    <node name="node1" id="1" online="false" standby="false" unclean="true" pending="false" type="member"/>
    <node name="node2" id="2" online="true" standby="false" unclean="false" pending="false" type="member"/>
    <node name="node3" id="3" online="true" standby="true" unclean="false" pending="false" type="member"/>
  </nodes>
  <resources>
    <clone id="ms_drbd0" multi_state="true" unique="false" managed="true" failed="false">
      <resource id="res_drbd0" resource_agent="ocf:ocfkit:drbd" role="Promoted" active="true" failed="false" nodes_running_on="1">
        <node name="node2" id="2" cached="true"/>
      </resource>
      <resource id="res_drbd0" resource_agent="ocf:ocfkit:drbd" role="Stopped" active="false" failed="false" nodes_running_on="0"/>
      <resource id="res_drbd0:2" resource_agent="ocf:ocfkit:drbd" role="Unpromoted" active="true" failed="false" nodes_running_on="1">
        <node name="node3" id="3" cached="true"/>
      </resource>
    </clone>
    <group id="rg_httpd" number_resources="2" managed="true" disabled="false">
      <resource id="res_ip" resource_agent="ocf:ocfkit:IPaddr2" role="Started" active="true" failed="false" nodes_running_on="1">
        <node name="node2" id="2" cached="true"/>
      </resource>
      <resource id="res_httpd" resource_agent="ocf:ocfkit:apache" role="Stopped" active="false" failed="false" nodes_running_on="0"/>
    </group>
    <resource id="fip" resource_agent="ocf:ocfkit:floatip" role="Started" active="true" failed="true" nodes_running_on="1">
      <node name="node3" id="3" cached="true"/>
    </resource>
  </resources>
</pacemaker-result>`
	st, err := ParseStatus([]byte(xml))
	require.NoError(t, err)
	assert.Equal(t, "node2", st.DC)
	assert.Equal(t, []string{"node2", "node3"}, st.Online())
	assert.True(t, st.Nodes[0].Unclean)
	assert.True(t, st.Nodes[2].Standby)
	assert.Equal(t, []string{"node2", "node3"}, st.Where("res_drbd0"))
	assert.Equal(t, []string{"node2"}, st.Promoted("res_drbd0"))
	assert.Equal(t, "Unpromoted", st.Role("res_drbd0", "node3"))
	assert.Equal(t, []string{"node2"}, st.Where("res_ip"))
	assert.Empty(t, st.Where("res_httpd"))
	assert.Equal(t, []string{"node3"}, st.Failed["fip"])

	_, err = ParseStatus([]byte("<not-xml"))
	assert.Error(t, err)
}

func TestSamples(t *testing.T) {
	s := []Sample{
		{Holders: map[string][]string{"vip": {"node1"}}},
		{Holders: map[string][]string{"vip": {"node1", "node2"}}},
		{Holders: map[string][]string{"vip": {}}},
		{Holders: map[string][]string{"vip": {"node2"}}},
		{Holders: map[string][]string{"vip": {"node2"}}},
	}
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range s {
		s[i].At = base.Add(time.Duration(i) * 100 * time.Millisecond)
	}
	assert.Equal(t, []string{"03:04:05.100 vip on node1,node2"}, DoubleHolders(s))
	assert.Equal(t, s[3].At, FirstHeld(s, "vip", "node2"))
	assert.True(t, FirstHeld(s, "vip", "node1").IsZero())
}
