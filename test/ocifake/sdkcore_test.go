//go:build ocisdkcore

// The SDK's core.VirtualNetworkClient, unmodified, against the fake. Opt-in
// (go test -tags ocisdkcore ./test/ocifake/) because core takes about a
// minute and a gigabyte to compile per build mode; providers/oci carries
// core's field names and tags, and this test is what keeps the fake and
// those names honest against the real client.
package ocifake_test

import (
	"context"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/ocifake"
)

func TestSDKCoreClient(t *testing.T) {
	f := ocifake.New(ocifake.Options{PageSize: 2})
	url := ocifake.Serve(t, f)
	s := f.AddSubnet("10.0.0.0/24")
	f.AddInstance("a")
	f.AddInstance("b")
	va := f.AddVNIC("a", s.ID, "10.0.0.2", "02:00:17:00:00:0a")
	vb := f.AddVNIC("b", s.ID, "10.0.0.3", "02:00:17:00:00:0b")
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	p, err := common.ConfigurationProviderFromFile(cfg, "")
	require.NoError(t, err)
	c, err := core.NewVirtualNetworkClientWithConfigurationProvider(p)
	require.NoError(t, err)
	c.Host = url
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	created, err := c.CreatePrivateIp(ctx, core.CreatePrivateIpRequest{CreatePrivateIpDetails: core.CreatePrivateIpDetails{
		VnicId: &va, IpAddress: common.String("10.0.0.200"), DisplayName: common.String("vip")}})
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.200", *created.IpAddress)
	assert.Equal(t, va, *created.VnicId)
	assert.NotNil(t, created.Etag)
	assert.NotNil(t, created.OpcRequestId)
	assert.NotNil(t, created.TimeCreated)

	list, err := c.ListPrivateIps(ctx, core.ListPrivateIpsRequest{IpAddress: common.String("10.0.0.200"), SubnetId: &s.ID})
	require.NoError(t, err)
	require.Len(t, list.Items, 1)
	assert.Equal(t, *created.Id, *list.Items[0].Id)
	assert.False(t, *list.Items[0].IsPrimary)

	moved, err := c.UpdatePrivateIp(ctx, core.UpdatePrivateIpRequest{PrivateIpId: created.Id,
		UpdatePrivateIpDetails: core.UpdatePrivateIpDetails{VnicId: &vb}})
	require.NoError(t, err)
	assert.Equal(t, vb, *moved.VnicId)

	got, err := c.GetPrivateIp(ctx, core.GetPrivateIpRequest{PrivateIpId: created.Id})
	require.NoError(t, err)
	assert.Equal(t, vb, *got.VnicId)

	vnic, err := c.GetVnic(ctx, core.GetVnicRequest{VnicId: &vb})
	require.NoError(t, err)
	assert.Equal(t, s.ID, *vnic.SubnetId)
	assert.Equal(t, core.VnicLifecycleStateAvailable, vnic.LifecycleState)
	assert.Equal(t, "10.0.0.3", *vnic.PrivateIp)

	// Paging with opc-next-page: three IPs, pages of two.
	var n, pages int
	req := core.ListPrivateIpsRequest{SubnetId: &s.ID}
	for {
		r, err := c.ListPrivateIps(ctx, req)
		require.NoError(t, err)
		n, pages = n+len(r.Items), pages+1
		if r.OpcNextPage == nil {
			break
		}
		req.Page = r.OpcNextPage
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 2, pages)

	_, err = c.DeletePrivateIp(ctx, core.DeletePrivateIpRequest{PrivateIpId: created.Id})
	require.NoError(t, err)
	_, err = c.GetPrivateIp(ctx, core.GetPrivateIpRequest{PrivateIpId: created.Id})
	se, ok := common.IsServiceError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 404, se.GetHTTPStatusCode())
	assert.Equal(t, "NotAuthorizedOrNotFound", se.GetCode())
	assert.NotEmpty(t, se.GetOpcRequestID())
}
