package ocifake_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/oci"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// TestInstanceLifecycle: the Compute operations through the provider's
// signed client; STOP moves RUNNING to STOPPING at once and to STOPPED
// after ActionDelay, the hook running before the API shows STOPPED; START
// on a STOPPING instance is 409 IncorrectState; lists page and filter by
// display name.
func TestInstanceLifecycle(t *testing.T) {
	f := ocifake.New(ocifake.Options{PageSize: 2})
	url := ocifake.Serve(t, f)
	id := f.AddInstance("n1").ID
	f.AddInstance("n2")
	f.AddInstance("n3")
	f.SetComputeFaults(ocifake.ComputeFaults{ActionDelay: 300 * time.Millisecond})
	var mu sync.Mutex
	var seen []string
	f.SetPowerHooks(ocifake.PowerHooks{OnPowerOff: func(name string) {
		mu.Lock()
		seen = append(seen, name+" off while "+f.LifecycleState(name))
		mu.Unlock()
	}})
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	p, err := common.ConfigurationProviderFromFile(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: url, Creds: sdkCreds{p}, MaxBackoff: 100 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	all, err := c.ListInstances(ctx, f.Tenancy(), "")
	require.NoError(t, err)
	assert.Len(t, all, 3, "two pages")
	assert.Equal(t, 2, f.Count(ocifake.OpListInstances))
	one, err := c.ListInstances(ctx, f.Tenancy(), "n2")
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, "RUNNING", one[0].LifecycleState)

	in, err := c.InstanceAction(ctx, id, oci.ActionStop)
	require.NoError(t, err)
	assert.Equal(t, "STOPPING", in.LifecycleState)
	short, cancelShort := context.WithTimeout(ctx, 150*time.Millisecond)
	_, err = c.InstanceAction(short, id, oci.ActionStart)
	cancelShort()
	assert.Error(t, err, "START while STOPPING is refused (409, retried until the deadline)")
	// The fake moves it to STOPPED on a timer, which a busy machine may
	// run late.
	var got *oci.ComputeInstance
	require.Eventually(t, func() bool {
		got, err = c.GetInstance(ctx, id)
		return err == nil && got.LifecycleState != "STOPPING"
	}, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, "STOPPED", got.LifecycleState)
	mu.Lock()
	assert.Equal(t, []string{"n1 off while STOPPING"}, seen)
	mu.Unlock()
	assert.Equal(t, []string{"STOP", "START"}, f.InstanceActions("n1")[:2])

	_, err = c.GetInstance(ctx, "ocid1.instance.oc1.iad.nothere")
	assert.True(t, errors.Is(err, oci.ErrNoInstance), "%v", err)
	_, err = c.ListInstances(ctx, "ocid1.compartment.oc1..other", "")
	assert.True(t, oci.IsNotFound(err), "%v", err)
}
