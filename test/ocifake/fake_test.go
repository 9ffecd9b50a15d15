package ocifake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/oci"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

func world(t *testing.T) (*ocifake.Fake, string, ocifake.Subnet, string) {
	f := ocifake.New(ocifake.Options{})
	url := ocifake.Serve(t, f)
	s := f.AddSubnet("10.0.0.0/24")
	f.AddInstance("a")
	v := f.AddVNIC("a", s.ID, "10.0.0.2", "02:00:17:00:00:0a")
	return f, url, s, v
}

// sdkCreds signs with whatever the SDK's own configuration provider holds.
type sdkCreds struct{ p common.ConfigurationProvider }

func (s sdkCreds) Signer(context.Context) (common.HTTPRequestSigner, error) {
	return common.DefaultRequestSigner(s.p), nil
}
func (s sdkCreds) Invalidate() {}

// The SDK's own instance principal implementation (not ours) federates
// with the fake and its token is accepted by the fake's API.
func TestSDKInstancePrincipalProvider(t *testing.T) {
	f, url, s, v := world(t)
	t.Setenv("OCI_METADATA_BASE_URL", ocifake.IMDSURL(url, "a"))
	t.Setenv("OCI_SDK_AUTH_CLIENT_REGION_URL", url)
	t.Setenv("OCI_SDK_AUTH_CLIENT_CIRCUIT_BREAKER_ENABLED", "false")
	p, err := auth.InstancePrincipalConfigurationProvider()
	require.NoError(t, err)
	region, err := p.Region()
	require.NoError(t, err)
	assert.Equal(t, "us-ashburn-1", region)
	tenancy, err := p.TenancyOCID()
	require.NoError(t, err)
	assert.Equal(t, f.Tenancy(), tenancy)

	c := &oci.Client{Endpoint: url, Creds: sdkCreds{p}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := c.Assign(ctx, "10.0.0.77", s.ID, v, "")
	require.NoError(t, err)
	assert.Equal(t, oci.Created, got)
	assert.Equal(t, 1, f.Count(ocifake.OpFederation))
}

// The SDK's own config-file provider signs requests the fake accepts.
func TestSDKAPIKeyProvider(t *testing.T) {
	f, url, s, _ := world(t)
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	p, err := common.ConfigurationProviderFromFile(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: url, Creds: sdkCreds{p}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ips, err := c.ListPrivateIPs(ctx, "", s.ID, "")
	require.NoError(t, err)
	require.Len(t, ips, 1)
	assert.Equal(t, "10.0.0.2", *ips[0].IPAddress)
}

// tamper rewrites the body after the request was signed.
type tamper struct{}

func (tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		b = bytes.Replace(b, []byte("10.0.0.2"), []byte("10.0.0.9"), 1)
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestTamperedBodyIsRefused(t *testing.T) {
	f, url, s, v := world(t)
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	k, err := oci.LoadAPIKey(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: url, Creds: k, HTTP: &http.Client{Transport: tamper{}}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.CreatePrivateIP(ctx, v, "10.0.0.20", "")
	var a *oci.APIError
	require.ErrorAs(t, err, &a)
	assert.Equal(t, 401, a.Status)
	assert.Equal(t, "NotAuthenticated", a.Code)
	// Untampered, the same request passes.
	c.HTTP = nil
	_, err = c.CreatePrivateIP(ctx, v, "10.0.0.20", "")
	require.NoError(t, err)
	_ = s
}

func get(t *testing.T, url string, hdr map[string]string) (int, http.Header, []byte) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

func TestWireFormat(t *testing.T) {
	f, url, s, v := world(t)
	bearer := map[string]string{"Authorization": "Bearer Oracle"}

	code, _, _ := get(t, ocifake.IMDSURL(url, "a")+"/instance/", nil)
	assert.Equal(t, 401, code, "IMDS v2 needs the bearer header")
	code, _, b := get(t, ocifake.IMDSURL(url, "a")+"/vnics/", bearer)
	require.Equal(t, 200, code)
	var vnics []map[string]any
	require.NoError(t, json.Unmarshal(b, &vnics))
	require.Len(t, vnics, 1)
	for _, k := range []string{"vnicId", "privateIp", "vlanTag", "macAddr", "virtualRouterIp", "subnetCidrBlock", "nicIndex"} {
		assert.Contains(t, vnics[0], k)
	}
	assert.Equal(t, v, vnics[0]["vnicId"])
	code, _, b = get(t, ocifake.IMDSURL(url, "a")+"/instance/region", bearer)
	assert.Equal(t, 200, code)
	assert.Equal(t, "iad", string(b))
	code, _, b = get(t, ocifake.IMDSURL(url, "a")+"/identity/cert.pem", bearer)
	assert.Equal(t, 200, code)
	assert.True(t, strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE-----"))

	// Unsigned API request: 401 with the OCI error body and a request id.
	code, hdr, b2 := get(t, url+"/20160918/privateIps?subnetId="+s.ID, map[string]string{"opc-request-id": "mine"})
	assert.Equal(t, 401, code)
	assert.True(t, strings.HasPrefix(hdr.Get("opc-request-id"), "mine/"))
	var e map[string]string
	require.NoError(t, json.Unmarshal(b2, &e))
	assert.Equal(t, "NotAuthenticated", e["code"])
	assert.NotEmpty(t, e["message"])
	_ = f
}

func TestListFilters(t *testing.T) {
	f, url, s, v := world(t)
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	k, err := oci.LoadAPIKey(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: url, Creds: k}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		ip, subnet, vnic string
		want             int
		code             string
	}{
		{subnet: s.ID, want: 1},
		{vnic: v, want: 1},
		{ip: "10.0.0.2", subnet: s.ID, want: 1},
		{ip: "10.0.0.3", subnet: s.ID, want: 0},
		{ip: "10.0.0.2", vnic: v, code: "InvalidParameter"},
		{ip: "10.0.0.2", code: "MissingParameter"},
		{code: "MissingParameter"},
		{subnet: "ocid1.subnet.oc1..nope", code: "NotAuthorizedOrNotFound"},
	} {
		ips, err := c.ListPrivateIPs(ctx, tc.ip, tc.subnet, tc.vnic)
		if tc.code != "" {
			var a *oci.APIError
			require.ErrorAs(t, err, &a)
			assert.Equal(t, tc.code, a.Code)
			continue
		}
		require.NoError(t, err)
		assert.Len(t, ips, tc.want)
	}
	// Writes the real service refuses.
	_, err = c.CreatePrivateIP(ctx, v, "10.0.1.5", "")
	assert.ErrorContains(t, err, "InvalidParameter")
	_, err = c.CreatePrivateIP(ctx, v, "10.0.0.2", "")
	assert.ErrorContains(t, err, "409 Conflict")
	p, err := c.CreatePrivateIP(ctx, v, "10.0.0.30", "vip")
	require.NoError(t, err)
	assert.Equal(t, "vip", *p.DisplayName)
	got, err := c.GetPrivateIP(ctx, *p.ID)
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.30", *got.IPAddress)
	require.NoError(t, c.DeletePrivateIP(ctx, *p.ID))
	_, err = c.GetPrivateIP(ctx, *p.ID)
	assert.True(t, oci.IsNotFound(err))
	primary, err := c.ListPrivateIPs(ctx, "10.0.0.2", s.ID, "")
	require.NoError(t, err)
	assert.ErrorContains(t, c.DeletePrivateIP(ctx, *primary[0].ID), "primary")
}

func TestWriteConfigModes(t *testing.T) {
	f := ocifake.New(ocifake.Options{})
	dir := t.TempDir()
	cfg, err := ocifake.WriteConfig(dir, f.AddAPIKey(), "us-ashburn-1", "")
	require.NoError(t, err)
	for _, p := range []string{cfg, filepath.Join(dir, "oci_api_key.pem")} {
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	}
}
