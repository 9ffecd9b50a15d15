package oci_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/oci"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// world is a fake region with one subnet and two instances, one VNIC each.
type world struct {
	f          *ocifake.Fake
	url        string
	subnet     ocifake.Subnet
	vnicA      string
	vnicB      string
	configFile string
}

func newWorld(t *testing.T, opt ocifake.Options) *world {
	t.Helper()
	f := ocifake.New(opt)
	w := &world{f: f, url: ocifake.Serve(t, f)}
	w.subnet = f.AddSubnet("10.0.0.0/24")
	f.AddInstance("a")
	f.AddInstance("b")
	w.vnicA = f.AddVNIC("a", w.subnet.ID, "10.0.0.2", "02:00:17:00:00:0a")
	w.vnicB = f.AddVNIC("b", w.subnet.ID, "10.0.0.3", "02:00:17:00:00:0b")
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	w.configFile = cfg
	return w
}

func (w *world) apiKeyClient(t *testing.T) *oci.Client {
	t.Helper()
	k, err := oci.LoadAPIKey(w.configFile, "")
	require.NoError(t, err)
	assert.Equal(t, w.f.Region(), k.Region())
	return &oci.Client{Endpoint: w.url, Creds: k, MaxBackoff: 50 * time.Millisecond}
}

func (w *world) principal(instance, cache string) *oci.InstancePrincipal {
	return &oci.InstancePrincipal{Metadata: &oci.Metadata{BaseURL: ocifake.IMDSURL(w.url, instance)},
		AuthEndpoint: w.url, CacheFile: cache}
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestAssignCreateMoveAlready(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	c := w.apiKeyClient(t)
	ctx := ctxFor(t, 10*time.Second)

	got, err := c.Assign(ctx, "10.0.0.200", w.subnet.ID, w.vnicA, "vip")
	require.NoError(t, err)
	assert.Equal(t, oci.Created, got)
	assert.Equal(t, w.vnicA, w.f.VNICOf("10.0.0.200"))

	w.f.ResetCounts()
	got, err = c.Assign(ctx, "10.0.0.200", w.subnet.ID, w.vnicA, "vip")
	require.NoError(t, err)
	assert.Equal(t, oci.AlreadyAssigned, got)
	assert.Equal(t, 1, w.f.APICount(), "already ours: one list, no write")

	w.f.ResetCounts()
	got, err = c.Assign(ctx, "10.0.0.200", w.subnet.ID, w.vnicB, "vip")
	require.NoError(t, err)
	assert.Equal(t, oci.Moved, got)
	assert.Equal(t, w.vnicB, w.f.VNICOf("10.0.0.200"))
	assert.Equal(t, 2, w.f.APICount(), "elsewhere: list and update")
	assert.Equal(t, 1, w.f.Count(ocifake.OpUpdatePrivateIp))

	// 10.0.0.20 must not match 10.0.0.200 (the anchor's grep did).
	p, err := c.FindPrivateIP(ctx, "10.0.0.20", w.subnet.ID)
	require.NoError(t, err)
	assert.Nil(t, p)

	// Unassign only from our own VNIC.
	deleted, err := c.Unassign(ctx, "10.0.0.200", w.subnet.ID, w.vnicA)
	require.NoError(t, err)
	assert.False(t, deleted)
	assert.Equal(t, w.vnicB, w.f.VNICOf("10.0.0.200"))
	deleted, err = c.Unassign(ctx, "10.0.0.200", w.subnet.ID, w.vnicB)
	require.NoError(t, err)
	assert.True(t, deleted)
	assert.Equal(t, "", w.f.VNICOf("10.0.0.200"))
}

func TestPrimaryIPIsNeverMoved(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	c := w.apiKeyClient(t)
	_, err := c.Assign(ctxFor(t, 5*time.Second), "10.0.0.3", w.subnet.ID, w.vnicA, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "primary")
	assert.Equal(t, w.vnicB, w.f.VNICOf("10.0.0.3"))
}

func TestListFollowsPages(t *testing.T) {
	w := newWorld(t, ocifake.Options{PageSize: 2})
	for i := 10; i < 17; i++ {
		_, err := w.f.AssignSecondary(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}).String(), w.vnicA)
		require.NoError(t, err)
	}
	c := w.apiKeyClient(t)
	w.f.ResetCounts()
	all, err := c.ListPrivateIPs(ctxFor(t, 5*time.Second), "", w.subnet.ID, "")
	require.NoError(t, err)
	assert.Len(t, all, 9) // two primaries and seven secondaries
	assert.Equal(t, 5, w.f.Count(ocifake.OpListPrivateIps))
	vnic, err := c.GetVnic(ctxFor(t, 5*time.Second), w.vnicA)
	require.NoError(t, err)
	assert.Equal(t, w.subnet.ID, *vnic.SubnetID)
}

func TestTransientErrorsAreRetried(t *testing.T) {
	for _, flt := range []ocifake.Fault{
		{Status: 429, Times: 3},
		{Status: 500, Times: 2},
		{Status: 503, Times: 1, RetryAfter: time.Second},
		{Status: 409, Code: "IncorrectState", Times: 2},
	} {
		t.Run(fmt.Sprintf("%d %s", flt.Status, flt.Code), func(t *testing.T) {
			w := newWorld(t, ocifake.Options{})
			c := w.apiKeyClient(t)
			w.f.SetFault(ocifake.OpListPrivateIps, flt)
			got, err := c.Assign(ctxFor(t, 10*time.Second), "10.0.0.9", w.subnet.ID, w.vnicA, "")
			require.NoError(t, err)
			assert.Equal(t, oci.Created, got)
			assert.Equal(t, flt.Times+1, w.f.Count(ocifake.OpListPrivateIps))
		})
	}
}

func TestPermanentErrorsAreNot(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	c := w.apiKeyClient(t)
	w.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 409, Code: "Conflict", Times: 1})
	_, err := c.FindPrivateIP(ctxFor(t, 5*time.Second), "10.0.0.9", w.subnet.ID)
	var a *oci.APIError
	require.ErrorAs(t, err, &a)
	assert.Equal(t, "Conflict", a.Code)
	assert.NotEmpty(t, a.RequestID)
	assert.Equal(t, 1, w.f.Count(ocifake.OpListPrivateIps))
}

func TestStormAndHangEndAtTheDeadline(t *testing.T) {
	for name, flt := range map[string]ocifake.Fault{
		"429 storm": {Status: 429},
		"hang":      {Hang: true},
		"slow":      {Delay: time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, ocifake.Options{})
			c := w.apiKeyClient(t)
			w.f.SetFault(ocifake.OpListPrivateIps, flt)
			ctx := ctxFor(t, 1500*time.Millisecond)
			_, err := c.FindPrivateIP(ctx, "10.0.0.9", w.subnet.ID)
			require.Error(t, err)
			dl, _ := ctx.Deadline()
			// Functional, not a speed target: the call must not outlive its deadline.
			assert.False(t, time.Now().After(dl.Add(time.Second)), "returned long after the deadline")
			assert.GreaterOrEqual(t, w.f.Count(ocifake.OpListPrivateIps), 1)
		})
	}
}

func TestWrongKeyIsRefused(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	k := w.f.AddAPIKey()
	// The right keyId (tenancy/user/fingerprint) with another private key.
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	k.PrivateKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)})
	cfg, err := ocifake.WriteConfig(t.TempDir(), k, w.f.Region(), "")
	require.NoError(t, err)
	creds, err := oci.LoadAPIKey(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: w.url, Creds: creds}
	_, err = c.FindPrivateIP(ctxFor(t, 5*time.Second), "10.0.0.9", w.subnet.ID)
	var a *oci.APIError
	require.ErrorAs(t, err, &a)
	assert.Equal(t, 401, a.Status)
	assert.Equal(t, "NotAuthenticated", a.Code)
	assert.NotContains(t, err.Error(), string(k.PrivateKeyPEM[40:80]))
}

func TestAPIKeyConfigErrors(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "config-bad-key")
	require.NoError(t, os.WriteFile(unreadable, []byte("[DEFAULT]\nuser=ocid1.user.oc1..x\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..x\nregion=us-ashburn-1\nkey_file="+filepath.Join(dir, "missing.pem")+"\n"), 0o600))
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a key"), 0o600))
	badKey := filepath.Join(dir, "config-garbage-key")
	require.NoError(t, os.WriteFile(badKey, []byte("[DEFAULT]\nuser=ocid1.user.oc1..x\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..x\nkey_file="+garbage+"\n"), 0o600))
	open := filepath.Join(dir, "config-0644")
	b, err := os.ReadFile(w.configFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(open, b, 0o600))
	require.NoError(t, os.Chmod(open, 0o644))
	for name, tc := range map[string]struct{ file, profile, want string }{
		"readable by all": {open, "", "chmod 600 " + open},
		"missing file":    {filepath.Join(dir, "nope"), "", "does not exist"},
		"empty path":      {"", "", "config_file is required"},
		"missing profile": {w.configFile, "OTHER", "OTHER"},
		"key missing":     {unreadable, "", "key_file"},
		"key garbage":     {badKey, "", "key_file"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := oci.LoadAPIKey(tc.file, tc.profile)
			var ce *oci.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestInstancePrincipalTokenIsCached(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	cache := filepath.Join(t.TempDir(), "token")
	ip := w.principal("a", cache)
	c := &oci.Client{Endpoint: w.url, Creds: ip}
	ctx := ctxFor(t, 10*time.Second)
	_, err := c.Assign(ctx, "10.0.0.50", w.subnet.ID, w.vnicA, "")
	require.NoError(t, err)
	assert.Equal(t, 1, w.f.Count(ocifake.OpFederation))
	assert.Equal(t, 1, ip.Federations)
	st, err := os.Stat(cache)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// A new process (new InstancePrincipal) reuses the cached token.
	w.f.ResetCounts()
	ip2 := w.principal("a", cache)
	assert.True(t, ip2.Fresh())
	c2 := &oci.Client{Endpoint: w.url, Creds: ip2}
	p, err := c2.FindPrivateIP(ctx, "10.0.0.50", w.subnet.ID)
	require.NoError(t, err)
	assert.Equal(t, w.vnicA, *p.VnicID)
	assert.Equal(t, 0, w.f.Count(ocifake.OpFederation))
	assert.Equal(t, 0, w.f.Count(ocifake.OpIMDS))
	assert.Equal(t, 1, w.f.APICount())

	// A widened cache file is not trusted.
	require.NoError(t, os.Chmod(cache, 0o644))
	assert.False(t, w.principal("a", cache).Fresh())
}

func TestInstancePrincipalRenewsBeforeExpiry(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 2.5 s for a token to near its expiry")
	}
	w := newWorld(t, ocifake.Options{TokenTTL: 3 * time.Second})
	cache := filepath.Join(t.TempDir(), "token")
	ctx := ctxFor(t, 20*time.Second)
	c := &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
	_, err := c.FindPrivateIP(ctx, "10.0.0.50", w.subnet.ID)
	require.NoError(t, err)
	require.Equal(t, 1, w.f.Count(ocifake.OpFederation))
	// Lifetime 3s, renewed in its last fifth: after 2.5s a new process federates.
	time.Sleep(2500 * time.Millisecond)
	c = &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
	_, err = c.FindPrivateIP(ctx, "10.0.0.50", w.subnet.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, w.f.Count(ocifake.OpFederation))
}

func TestRevokedTokenFederatesAgain(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	cache := filepath.Join(t.TempDir(), "token")
	ctx := ctxFor(t, 10*time.Second)
	c := &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
	_, err := c.FindPrivateIP(ctx, "10.0.0.50", w.subnet.ID)
	require.NoError(t, err)
	w.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 401, Times: 1})
	c = &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
	_, err = c.FindPrivateIP(ctx, "10.0.0.50", w.subnet.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, w.f.Count(ocifake.OpFederation))
}

func TestFederationFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(w *world)
		want  string
	}{
		"federation down":  {func(w *world) { w.f.SetFault(ocifake.OpFederation, ocifake.Fault{Status: 503}) }, "ServiceUnavailable"},
		"federation hangs": {func(w *world) { w.f.SetFault(ocifake.OpFederation, ocifake.Fault{Hang: true}) }, "deadline"},
		"no identity":      {func(w *world) { w.f.SetIdentityDown("a", true) }, "HTTP 404"},
		"imds down":        {func(w *world) { w.f.SetFault(ocifake.OpIMDS, ocifake.Fault{Status: 500}) }, "HTTP 500"},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, ocifake.Options{})
			tc.setup(w)
			cache := filepath.Join(t.TempDir(), "token")
			c := &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
			_, err := c.FindPrivateIP(ctxFor(t, 1500*time.Millisecond), "10.0.0.50", w.subnet.ID)
			var ae *oci.AuthError
			require.ErrorAs(t, err, &ae)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, 0, w.f.APICount(), "no API call without credentials")
			_, statErr := os.Stat(cache)
			assert.True(t, errors.Is(statErr, os.ErrNotExist))
		})
	}
}

func TestAuthEndpointFromMetadata(t *testing.T) {
	w := newWorld(t, ocifake.Options{Region: "eu-frankfurt-1"})
	md := &oci.Metadata{BaseURL: ocifake.IMDSURL(w.url, "b")}
	in, err := md.Instance(ctxFor(t, 5*time.Second))
	require.NoError(t, err)
	assert.Equal(t, "eu-frankfurt-1", in.RegionName())
	assert.Equal(t, "https://iaas.eu-frankfurt-1.oraclecloud.com", in.Endpoint("iaas"))
	vnics, err := md.VNICs(ctxFor(t, 5*time.Second))
	require.NoError(t, err)
	require.Len(t, vnics, 1)
	assert.Equal(t, w.vnicB, vnics[0].VnicID)
	assert.Equal(t, "10.0.0.0/24", vnics[0].SubnetCidrBlock)
}

func TestCertificateErrorsAreNotRetried(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	srv := httptest.NewTLSServer(w.f)
	t.Cleanup(srv.Close)
	k, err := oci.LoadAPIKey(w.configFile, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: srv.URL, Creds: k}
	_, err = c.FindPrivateIP(ctxFor(t, 5*time.Second), "10.0.0.9", w.subnet.ID)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	assert.Equal(t, 1, c.Calls, "a certificate error is not retried")

	// A refused connection is, until the deadline.
	c = &oci.Client{Endpoint: "http://127.0.0.1:1", Creds: k, MaxBackoff: 100 * time.Millisecond}
	_, err = c.FindPrivateIP(ctxFor(t, time.Second), "10.0.0.9", w.subnet.ID)
	require.Error(t, err)
	assert.Greater(t, c.Calls, 1)
}

// A service that always says another page follows is given up on after
// 1000 pages, for both lists, well before the action's deadline.
func TestListsStopAfter1000Pages(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("opc-next-page", "more")
		w.Write([]byte("[]"))
	}))
	t.Cleanup(srv.Close)
	f := ocifake.New(ocifake.Options{})
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	k, err := oci.LoadAPIKey(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: srv.URL, Creds: k}

	_, err = c.ListInstances(ctxFor(t, time.Minute), "ocid1.tenancy.oc1..x", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ListInstances: more than 1000 pages")
	assert.EqualValues(t, 1000, calls.Swap(0))

	_, err = c.ListPrivateIPs(ctxFor(t, time.Minute), "", "ocid1.subnet.oc1..x", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ListPrivateIps: more than 1000 pages")
	assert.EqualValues(t, 1000, calls.Load())
}
