package dofake_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/dofake"
)

const (
	token = "dop_v1_fake_token_for_tests"
	fip   = "203.0.113.10"
	dropA = 1001
	dropB = 1002
)

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func start(t *testing.T) (*dofake.Env, *godo.Client) {
	t.Helper()
	f := dofake.New(token)
	f.AddDroplet(dropA, "primary")
	f.AddDroplet(dropB, "secondary")
	require.NoError(t, f.AddReservedIP(fip, dropA))
	require.NoError(t, f.AddReservedIP("203.0.113.11", 0))
	env, err := dofake.Start(f)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	return env, client(t, env, token)
}

func client(t *testing.T, env *dofake.Env, tok string) *godo.Client {
	t.Helper()
	c, err := godo.New(&http.Client{Transport: bearer{tok}, Timeout: 5 * time.Second}, godo.SetBaseURL(env.APIURL))
	require.NoError(t, err)
	return c
}

func TestGetReservedIP(t *testing.T) {
	env, c := start(t)
	ip, resp, err := c.ReservedIPs.Get(context.Background(), fip)
	require.NoError(t, err)
	assert.Equal(t, fip, ip.IP)
	require.NotNil(t, ip.Droplet)
	assert.Equal(t, dropA, ip.Droplet.ID)
	assert.Equal(t, "primary", ip.Droplet.Name)
	assert.Equal(t, "nyc3", ip.Region.Slug)
	assert.False(t, ip.Locked)
	assert.Equal(t, 5000, resp.Rate.Limit)
	assert.Equal(t, 4999, resp.Rate.Remaining)
	assert.True(t, resp.Rate.Reset.After(time.Now()))

	unassigned, _, err := c.ReservedIPs.Get(context.Background(), "203.0.113.11")
	require.NoError(t, err)
	assert.Nil(t, unassigned.Droplet, "an unassigned IP has \"droplet\": null")

	legacy, _, err := c.FloatingIPs.Get(context.Background(), fip)
	require.NoError(t, err)
	assert.Equal(t, dropA, legacy.Droplet.ID)

	assert.Equal(t, 2, env.Fake.Calls("GET /v2/reserved_ips/{ip}"), env.Fake.CallSummary())
	assert.Equal(t, 1, env.Fake.Calls("GET /v2/floating_ips/{ip}"))
	assert.Equal(t, 3, env.Fake.APICalls())
}

func TestRawWireFormat(t *testing.T) {
	env, _ := start(t)
	req, _ := http.NewRequest("GET", env.APIURL+"/v2/reserved_ips/203.0.113.11", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var raw map[string]map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&raw))
	ip := raw["reserved_ip"]
	require.Contains(t, ip, "droplet")
	assert.Nil(t, ip["droplet"])
	assert.Equal(t, false, ip["locked"])
	assert.Equal(t, "nyc3", ip["region"].(map[string]any)["slug"])
	assert.NotEmpty(t, resp.Header.Get("ratelimit-reset"))
	assert.NotEmpty(t, resp.Header.Get("x-request-id"))
}

func TestListPaginates(t *testing.T) {
	_, c := start(t)
	ips, resp, err := c.ReservedIPs.List(context.Background(), &godo.ListOptions{Page: 1, PerPage: 1})
	require.NoError(t, err)
	require.Len(t, ips, 1)
	assert.Equal(t, fip, ips[0].IP)
	assert.Equal(t, 2, resp.Meta.Total)
	assert.False(t, resp.Links.IsLastPage())
	ips, resp, err = c.ReservedIPs.List(context.Background(), &godo.ListOptions{Page: 2, PerPage: 1})
	require.NoError(t, err)
	require.Len(t, ips, 1)
	assert.Equal(t, "203.0.113.11", ips[0].IP)
	assert.True(t, resp.Links.IsLastPage())

	all, _, err := c.FloatingIPs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, all, 2)
}

func TestAssignActionLifecycle(t *testing.T) {
	env, c := start(t)
	env.Fake.SetFaults(dofake.Faults{ActionDelay: 300 * time.Millisecond})
	ctx := context.Background()
	a, resp, err := c.ReservedIPActions.Assign(ctx, fip, dropB)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "in-progress", a.Status)
	assert.Equal(t, "assign_ip", a.Type)
	assert.Equal(t, "reserved_ip", a.ResourceType)
	assert.Equal(t, "nyc3", a.RegionSlug)
	assert.Nil(t, a.CompletedAt)
	assert.NotZero(t, a.ResourceID)

	ip, _, err := c.ReservedIPs.Get(ctx, fip)
	require.NoError(t, err)
	assert.True(t, ip.Locked, "an IP with an action in progress is locked")
	assert.Equal(t, dropA, ip.Droplet.ID, "the move takes effect when the action completes")

	_, _, err = c.ReservedIPActions.Assign(ctx, fip, dropA)
	var er *godo.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusUnprocessableEntity, er.Response.StatusCode)
	assert.Contains(t, er.Message, "pending event")

	require.Eventually(t, func() bool {
		got, _, err := c.ReservedIPActions.Get(ctx, fip, a.ID)
		return err == nil && got.Status == "completed" && got.CompletedAt != nil
	}, 5*time.Second, 50*time.Millisecond)
	got, _, err := c.Actions.Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "completed", got.Status)
	assert.Equal(t, dropB, env.Fake.Holder(fip))

	list, _, err := c.ReservedIPActions.List(ctx, fip, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, a.ID, list[0].ID)

	un, _, err := c.ReservedIPActions.Unassign(ctx, fip)
	require.NoError(t, err)
	assert.Equal(t, "unassign_ip", un.Type)
	require.Eventually(t, func() bool { return env.Fake.Holder(fip) == 0 }, 5*time.Second, 20*time.Millisecond)

	_, _, err = c.ReservedIPActions.Unassign(ctx, fip)
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusUnprocessableEntity, er.Response.StatusCode)
}

func TestFloatingIPActions(t *testing.T) {
	env, c := start(t)
	a, _, err := c.FloatingIPActions.Assign(context.Background(), fip, dropB)
	require.NoError(t, err)
	assert.Equal(t, "floating_ip", a.ResourceType)
	got, _, err := c.FloatingIPActions.Get(context.Background(), fip, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "completed", got.Status)
	assert.Equal(t, dropB, env.Fake.Holder(fip))
	assert.Equal(t, 1, env.Fake.Calls("POST /v2/floating_ips/{ip}/actions"))
	assert.Equal(t, 1, env.Fake.Calls("GET /v2/floating_ips/{ip}/actions/{id}"))
}

func TestErrorBodies(t *testing.T) {
	env, c := start(t)
	ctx := context.Background()
	var er *godo.ErrorResponse

	_, _, err := client(t, env, "wrong").ReservedIPs.Get(ctx, fip)
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusUnauthorized, er.Response.StatusCode)
	assert.Equal(t, "Unable to authenticate you", er.Message)
	assert.NotEmpty(t, er.RequestID)
	assert.NotContains(t, err.Error(), "wrong", "the token never shows in an error")

	_, _, err = c.ReservedIPs.Get(ctx, "198.51.100.200")
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusNotFound, er.Response.StatusCode)

	_, _, err = c.ReservedIPActions.Assign(ctx, fip, 4242)
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusUnprocessableEntity, er.Response.StatusCode)

	_, _, err = c.Actions.Get(ctx, 99)
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusNotFound, er.Response.StatusCode)
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	var er *godo.ErrorResponse

	t.Run("429 with Retry-After", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{RateLimited: 2, RetryAfter: 2 * time.Second})
		for i := 0; i < 2; i++ {
			_, resp, err := c.ReservedIPs.Get(ctx, fip)
			require.ErrorAs(t, err, &er)
			assert.Equal(t, http.StatusTooManyRequests, er.Response.StatusCode)
			assert.Equal(t, "2", resp.Header.Get("Retry-After"))
			assert.Equal(t, 0, resp.Rate.Remaining)
			assert.Equal(t, "API Rate limit exceeded.", er.Message)
		}
		_, _, err := c.ReservedIPs.Get(ctx, fip)
		require.NoError(t, err)
	})
	t.Run("5xx", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{ServerErrors: 1})
		_, _, err := c.ReservedIPs.Get(ctx, fip)
		require.ErrorAs(t, err, &er)
		assert.Equal(t, http.StatusInternalServerError, er.Response.StatusCode)
		_, _, err = c.ReservedIPs.Get(ctx, fip)
		require.NoError(t, err)
	})
	t.Run("pending event", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{PendingEvent: 1})
		_, _, err := c.ReservedIPActions.Assign(ctx, fip, dropB)
		require.ErrorAs(t, err, &er)
		assert.Equal(t, http.StatusUnprocessableEntity, er.Response.StatusCode)
		assert.Equal(t, "Droplet already has a pending event.", er.Message)
		_, _, err = c.ReservedIPActions.Assign(ctx, fip, dropB)
		require.NoError(t, err)
	})
	t.Run("locked", func(t *testing.T) {
		env, c := start(t)
		env.Fake.Lock(fip, time.Hour)
		ip, _, err := c.ReservedIPs.Get(ctx, fip)
		require.NoError(t, err)
		assert.True(t, ip.Locked)
		_, _, err = c.ReservedIPActions.Assign(ctx, fip, dropB)
		require.ErrorAs(t, err, &er)
		assert.Contains(t, er.Message, "locked")
	})
	t.Run("errored action", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{ErrorActions: 1})
		a, _, err := c.ReservedIPActions.Assign(ctx, fip, dropB)
		require.NoError(t, err)
		got, _, err := c.ReservedIPActions.Get(ctx, fip, a.ID)
		require.NoError(t, err)
		assert.Equal(t, "errored", got.Status)
		assert.Equal(t, dropA, env.Fake.Holder(fip), "an errored action moves nothing")
		ip, _, err := c.ReservedIPs.Get(ctx, fip)
		require.NoError(t, err)
		assert.False(t, ip.Locked)
	})
	t.Run("unknown status", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{UnknownStatus: 1})
		a, _, err := c.ReservedIPActions.Assign(ctx, fip, dropB)
		require.NoError(t, err)
		got, _, err := c.Actions.Get(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, dofake.UnknownStatusValue, got.Status)
		got, _, err = c.Actions.Get(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, "completed", got.Status)
	})
	t.Run("latency", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{Latency: 100 * time.Millisecond})
		t0 := time.Now()
		_, _, err := c.ReservedIPs.Get(ctx, fip)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(t0), 100*time.Millisecond)
	})
	t.Run("hang until the client gives up", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{Hang: true})
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		_, _, err := c.ReservedIPs.Get(cctx, fip)
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	})
	t.Run("API down", func(t *testing.T) {
		env, c := start(t)
		env.Fake.SetFaults(dofake.Faults{APIDown: true})
		_, _, err := c.ReservedIPs.Get(ctx, fip)
		require.Error(t, err)
		require.False(t, errors.As(err, &er), "no HTTP answer at all: %v", err)
	})
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestMetadataReflectsState(t *testing.T) {
	env, c := start(t)
	a, b := env.Metadata[dropA], env.Metadata[dropB]
	for _, tc := range []struct{ url, want string }{
		{a + "/metadata/v1/id", "1001"},
		{b + "/metadata/v1/id", "1002"},
		{a + "/metadata/v1/hostname", "primary"},
		{a + "/metadata/v1/reserved_ip/ipv4/active", "true"},
		{a + "/metadata/v1/reserved_ip/ipv4/ip_address", fip},
		{a + "/metadata/v1/floating_ip/ipv4/active", "true"},
		{a + "/metadata/v1/floating_ip/ipv4/ip_address", fip},
		{b + "/metadata/v1/reserved_ip/ipv4/active", "false"},
	} {
		code, body := get(t, tc.url)
		assert.Equal(t, http.StatusOK, code, tc.url)
		assert.Equal(t, tc.want, body, tc.url)
	}
	code, _ := get(t, b+"/metadata/v1/reserved_ip/ipv4/ip_address")
	assert.Equal(t, http.StatusNotFound, code)

	_, _, err := c.ReservedIPActions.Assign(context.Background(), fip, dropB)
	require.NoError(t, err)
	_, body := get(t, b+"/metadata/v1/reserved_ip/ipv4/ip_address")
	assert.Equal(t, fip, body)
	_, body = get(t, a+"/metadata/v1/reserved_ip/ipv4/active")
	assert.Equal(t, "false", body)

	_, body = get(t, b+"/metadata/v1.json")
	var m struct {
		DropletID  int `json:"droplet_id"`
		ReservedIP struct {
			IPv4 struct {
				Active    bool   `json:"active"`
				IPAddress string `json:"ip_address"`
			} `json:"ipv4"`
		} `json:"reserved_ip"`
		FloatingIP struct {
			IPv4 struct {
				Active bool `json:"active"`
			} `json:"ipv4"`
		} `json:"floating_ip"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	assert.Equal(t, dropB, m.DropletID)
	assert.True(t, m.ReservedIP.IPv4.Active)
	assert.Equal(t, fip, m.ReservedIP.IPv4.IPAddress)
	assert.True(t, m.FloatingIP.IPv4.Active)

	assert.Equal(t, 1, env.Fake.Calls("META 1002 /metadata/v1.json"))
	assert.Equal(t, 5, env.Fake.MetadataCalls(dropB))
	assert.Equal(t, 1, env.Fake.APICalls(), "metadata reads are not API calls")

	env.Fake.SetMetadataDown(dropB, true)
	_, err = http.Get(b + "/metadata/v1/id")
	require.Error(t, err)
	env.Fake.SetMetadataDown(dropB, false)
	code, _ = get(t, b+"/metadata/v1/id")
	assert.Equal(t, http.StatusOK, code)
}

func TestControlEndpoints(t *testing.T) {
	env, c := start(t)
	post := func(path, body string) {
		resp, err := http.Post(env.APIURL+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNoContent, resp.StatusCode, path)
	}
	post("/_dofake/assign", `{"ip":"203.0.113.10","droplet_id":1002}`)
	assert.Equal(t, dropB, env.Fake.Holder(fip))
	post("/_dofake/faults", `{"server_errors":1,"latency":"1ms"}`)
	assert.Equal(t, 1, env.Fake.CurrentFaults().ServerErrors)
	assert.Equal(t, time.Millisecond, env.Fake.CurrentFaults().Latency)
	_, _, err := c.ReservedIPs.Get(context.Background(), fip)
	require.Error(t, err)
	post("/_dofake/metadata", `{"droplet_id":1001,"down":true}`)
	_, err = http.Get(env.Metadata[dropA] + "/metadata/v1/id")
	require.Error(t, err)
	_, body := get(t, env.APIURL+"/_dofake/state")
	assert.Contains(t, body, `"203.0.113.10":1002`)
	assert.Equal(t, 1, env.Fake.APICalls(), "control requests are not API calls")
	post("/_dofake/reset-calls", `{}`)
	assert.Zero(t, env.Fake.APICalls())
}
