package oci

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const twoVNICs = `[ {
  "vnicId" : "ocid1.vnic.oc1.phx.a",
  "privateIp" : "10.0.0.8",
  "vlanTag" : 0,
  "macAddr" : "90:e2:ba:d4:f1:68",
  "virtualRouterIp" : "10.0.0.1",
  "subnetCidrBlock" : "10.0.0.0/24",
  "nicIndex" : 0
}, {
  "vnicId" : "ocid1.vnic.oc1.phx.b",
  "privateIp" : "10.0.4.5",
  "vlanTag" : 1,
  "macAddr" : "02:00:17:05:CF:51",
  "virtualRouterIp" : "10.0.4.1",
  "subnetCidrBlock" : "10.0.4.0/24",
  "nicIndex" : 0
} ]`

func TestVNICFor(t *testing.T) {
	vnics, err := ParseVNICs([]byte(twoVNICs))
	require.NoError(t, err)
	for _, tc := range []struct {
		ip, vnic, want, err string
	}{
		{ip: "10.0.0.200", want: "ocid1.vnic.oc1.phx.a"},
		{ip: "10.0.4.200", want: "ocid1.vnic.oc1.phx.b"},
		{ip: "10.0.4.200", vnic: "ocid1.vnic.oc1.phx.b", want: "ocid1.vnic.oc1.phx.b"},
		{ip: "10.0.4.200", vnic: "ocid1.vnic.oc1.phx.a", err: "outside the subnet 10.0.0.0/24"},
		{ip: "10.0.0.200", vnic: "ocid1.vnic.oc1.phx.zzz", err: "not attached to this instance"},
		{ip: "192.168.1.1", err: "outside every subnet of this instance (10.0.0.0/24, 10.0.4.0/24)"},
	} {
		v, err := VNICFor(vnics, netip.MustParseAddr(tc.ip), tc.vnic)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.ip)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, v.VnicID)
	}
}

func TestParseInstance(t *testing.T) {
	in, err := ParseInstance([]byte(`{"id":"ocid1.instance.oc1.iad.x","region":"iad","canonicalRegionName":"us-ashburn-1",
		"regionInfo":{"realmKey":"OC1","realmDomainComponent":"oraclecloud.com","regionKey":"IAD","regionIdentifier":"us-ashburn-1"}}`))
	require.NoError(t, err)
	assert.Equal(t, "https://auth.us-ashburn-1.oraclecloud.com", in.Endpoint("auth"))
	in, err = ParseInstance([]byte(`{"id":"x","regionInfo":{"realmDomainComponent":"oraclegovcloud.com","regionIdentifier":"us-langley-1"}}`))
	require.NoError(t, err)
	assert.Equal(t, "https://iaas.us-langley-1.oraclegovcloud.com", in.Endpoint("iaas"))
	for _, bad := range []string{``, `[]`, `{}`, `{"id":"x"}`, `{"id":5}`} {
		_, err := ParseInstance([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestParseVNICsRejects(t *testing.T) {
	for _, bad := range []string{``, `{}`, `[{"privateIp":"10.0.0.1"}]`, `[1]`} {
		_, err := ParseVNICs([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func FuzzParseVNICs(f *testing.F) {
	f.Add([]byte(twoVNICs))
	f.Add([]byte(`[{"vnicId":"x","subnetCidrBlock":"300.0.0.0/99"}]`))
	f.Add([]byte(`[{"vnicId":"x","subnetCidrBlock":"::/0"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		vnics, err := ParseVNICs(b)
		if err != nil {
			return
		}
		VNICFor(vnics, netip.MustParseAddr("10.0.0.1"), "")
		VNICFor(vnics, netip.MustParseAddr("10.0.0.1"), "x")
	})
}

func FuzzParseInstance(f *testing.F) {
	f.Add([]byte(`{"id":"ocid1.instance.oc1.iad.x","canonicalRegionName":"us-ashburn-1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if in, err := ParseInstance(b); err == nil {
			_ = in.Endpoint("iaas")
		}
	})
}

func TestTokenTimes(t *testing.T) {
	_, _, err := tokenTimes("a.b")
	assert.Error(t, err)
	_, _, err = tokenTimes("a.!!!.c")
	assert.Error(t, err)
	_, _, err = tokenTimes("a.e30.c") // {}
	assert.Error(t, err)
	iat, exp, err := tokenTimes("a.eyJpYXQiOjEwMCwiZXhwIjoyMDB9.c") // {"iat":100,"exp":200}
	require.NoError(t, err)
	assert.Equal(t, int64(100), iat.Unix())
	assert.Equal(t, int64(200), exp.Unix())
}
