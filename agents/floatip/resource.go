package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/credfile"
	"github.com/ocfkit/ocfkit/providers/digitalocean"
)

// resource is one floatip resource as configured for this invocation.
type resource struct {
	e          *ocf.Env
	ip         string // "" when floating_ip is unusable (LoadForStop)
	droplet    int    // the droplet_id parameter, 0 when unset
	apiURL     string
	apiTimeout time.Duration
	unassign   bool
	p          params
	meta       *digitalocean.Metadata
	token      digitalocean.Token
	state      *ocf.StateFile[state]
}

// load is the strict load: start and validate-all also read the token, so
// that a bad token file fails them before any request. The monitor needs
// the token only when metadata disagrees, and loads it then.
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	r, err := newResource(e)
	if err != nil {
		return nil, err
	}
	if e.Action == "start" || e.Action == "validate-all" {
		if err := r.loadToken(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// loadForStop never fails: the parameters were checked at dispatch (an
// invalid value reads as its default), and stop reads the token only if it
// unassigns.
func loadForStop(ctx context.Context, e *ocf.Env) *resource {
	r, err := newResource(e)
	if err != nil {
		e.Log.Warnf("%v: using the default metadata service", err)
		r.meta, _ = digitalocean.NewMetadata(digitalocean.DefaultMetadataURL, 2*time.Second)
	}
	return r
}

func newResource(e *ocf.Env) (*resource, error) {
	r := &resource{e: e, state: ocf.NewStateFile[state](e, "")}
	if err := e.Decode(&r.p); err != nil {
		return r, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	r.ip, r.droplet, r.apiURL, r.unassign = r.p.FloatingIP, r.p.DropletID, r.p.APIURL, r.p.Unassign
	r.apiTimeout = time.Duration(r.p.APITimeout) * time.Second
	// A monitor has little time: metadata answers in milliseconds or not at all.
	metaTimeout := 2 * time.Second
	if e.Action == "monitor" || e.Action == "status" {
		metaTimeout = min(metaTimeout, e.Timeout/4)
	}
	m, err := digitalocean.NewMetadata(r.p.MetadataURL, metaTimeout)
	if err != nil {
		return r, ocf.Errorf(ocf.ErrConfigured, "metadata_url: %v", err)
	}
	r.meta = m
	return r, nil
}

// loadToken reads the token from do_token or token_file. Problems with the
// token file are this node's (each node has its own file), so they get the
// codes that ban the resource from this node only: ERR_PERM for access
// rights, ERR_INSTALLED otherwise. A bad do_token is in the CIB, for every
// node: ERR_CONFIGURED.
func (r *resource) loadToken() error {
	if !r.token.Empty() {
		return nil
	}
	if r.p.DoToken != "" {
		r.e.Log.Warnf("do_token puts the API token in the CIB, readable by everyone who can read the CIB: " +
			"move it to token_file, or hide it with cibsecret")
		// Out of the environment that any child would inherit.
		os.Unsetenv("OCF_RESKEY_do_token")
		t := digitalocean.NewToken(r.p.DoToken)
		if !validToken(t.Reveal()) {
			return ocf.Errorf(ocf.ErrConfigured, "do_token does not look like an API token (it must be one word)")
		}
		r.token = t
		return nil
	}
	t, err := digitalocean.ReadTokenFile(r.p.TokenFile)
	if errors.Is(err, credfile.ErrPermissions) && r.e.Action == "stop" {
		// A stop that unassigns must not fail (and get the node fenced)
		// on a token file that is too open: it uses it and says so.
		r.e.Log.Warnf("%v; using it for this stop anyway", err)
		t, err = digitalocean.ReadTokenFileUnchecked(r.p.TokenFile)
	}
	var te *digitalocean.TokenError
	switch {
	case errors.As(err, &te) && te.Problem == digitalocean.TokenPermissions:
		return ocf.Errorf(ocf.ErrPerm, "%v", err)
	case err != nil:
		return ocf.Errorf(ocf.ErrInstalled, "%v", err)
	}
	ocf.RegisterSecret(t.Reveal())
	r.token = t
	return nil
}

func validToken(s string) bool {
	for _, c := range s {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return s != ""
}

// client is an API client for this action. A monitor tries each request
// at most twice: it must answer, not wait.
func (r *resource) client() (*digitalocean.Client, error) {
	if err := r.loadToken(); err != nil {
		return nil, err
	}
	cfg := digitalocean.Config{
		BaseURL:        r.apiURL,
		Token:          r.token,
		AttemptTimeout: r.apiTimeout,
		UserAgent:      "ocfkit-floatip/" + ocf.Version,
		Logf:           r.e.Log.Infof,
	}
	if r.e.Action == "monitor" || r.e.Action == "status" {
		// Two tries that both fit in the monitor's timeout.
		cfg.MaxAttempts = 2
		cfg.AttemptTimeout = max(min(r.apiTimeout, r.e.Timeout/3), time.Second)
	}
	c, err := digitalocean.NewClient(cfg)
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrConfigured, "api_url: %v", err)
	}
	return c, nil
}

// dropletID is the droplet this node is: droplet_id, else the id kept in
// the state file, else the metadata service's (then kept).
func (r *resource) dropletID(ctx context.Context, st state) (int, error) {
	if r.droplet != 0 {
		return r.droplet, nil
	}
	if st.DropletID != 0 {
		return st.DropletID, nil
	}
	id, err := r.meta.DropletID(ctx)
	if err != nil {
		return 0, fmt.Errorf("cannot learn this droplet's id (set droplet_id, or fix the metadata service): %w", err)
	}
	return id, nil
}

// metadataIsOurs reports whether the metadata service describes the droplet
// this resource assigns to. It does unless droplet_id names another one.
func (r *resource) metadataIsOurs(ctx context.Context) (bool, error) {
	if r.droplet == 0 {
		return true, nil
	}
	id, err := r.meta.DropletID(ctx)
	if err != nil {
		return false, err
	}
	return id == r.droplet, nil
}
