package dofake_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/dofake"
)

// TestDropletPowerThroughGodo: godo lists (paged, by name), reads and
// powers droplets; an action is in-progress for ActionDelay, then the
// hook runs, and only then does the API show the new status.
func TestDropletPowerThroughGodo(t *testing.T) {
	f := dofake.New("t0ken-droplets")
	for i := 1; i <= 25; i++ {
		f.AddDroplet(100+i, "d"+string(rune('a'+i-1)))
	}
	f.SetFaults(dofake.Faults{ActionDelay: 300 * time.Millisecond})
	var mu sync.Mutex
	var seen []string
	f.SetPowerHooks(dofake.PowerHooks{
		OnPowerOff: func(name string) {
			mu.Lock()
			seen = append(seen, "off "+name+" while API says "+f.DropletStatus(101))
			mu.Unlock()
		},
		OnPowerOn: func(name string) { mu.Lock(); seen = append(seen, "on "+name); mu.Unlock() },
	})
	env, err := dofake.Start(f)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	c := client(t, env, "t0ken-droplets")
	ctx := context.Background()

	ds, resp, err := c.Droplets.List(ctx, &godo.ListOptions{PerPage: 20})
	require.NoError(t, err)
	assert.Len(t, ds, 20)
	assert.False(t, resp.Links.IsLastPage())
	ds, _, err = c.Droplets.List(ctx, &godo.ListOptions{Page: 2, PerPage: 20})
	require.NoError(t, err)
	assert.Len(t, ds, 5)
	ds, _, err = c.Droplets.ListByName(ctx, "da", nil)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, 101, ds[0].ID)
	assert.Equal(t, "active", ds[0].Status)

	a, _, err := c.DropletActions.PowerOff(ctx, 101)
	require.NoError(t, err)
	assert.Equal(t, "in-progress", a.Status)
	_, _, err = c.DropletActions.PowerOn(ctx, 101)
	require.Error(t, err, "a pending event refuses a second action")
	assert.Equal(t, "active", f.DropletStatus(101))
	settled(t, c, a.ID)
	d, _, err := c.Droplets.Get(ctx, 101)
	require.NoError(t, err)
	assert.Equal(t, "off", d.Status)
	got, _, err := c.DropletActions.Get(ctx, 101, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "completed", got.Status)
	mu.Lock()
	assert.Equal(t, []string{"off da while API says active"}, seen, "the hook runs before the API shows off")
	mu.Unlock()
	assert.Equal(t, []string{"power_off", "power_on"}, f.DropletActions(101))

	f.UpdateFaults(func(x *dofake.Faults) { x.ErrorActions = 1 })
	a, _, err = c.DropletActions.PowerOn(ctx, 101)
	require.NoError(t, err)
	settled(t, c, a.ID)
	got, _, err = c.DropletActions.Get(ctx, 101, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "errored", got.Status)
	assert.Equal(t, "off", f.DropletStatus(101), "an errored action changes nothing")

	_, _, err = c.Droplets.Get(ctx, 999)
	assert.Error(t, err)
}

// settled waits until droplet 101's action id is no longer in progress:
// the fake completes it ActionDelay after it began, on a timer that a busy
// machine may run late.
func settled(t *testing.T, c *godo.Client, id int) {
	t.Helper()
	require.Eventually(t, func() bool {
		a, _, err := c.DropletActions.Get(context.Background(), 101, id)
		return err == nil && a.Status != "in-progress"
	}, 10*time.Second, 20*time.Millisecond, "action %d settled", id)
}
