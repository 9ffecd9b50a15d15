package main

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/credfile"
	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/oci"
)

// resource is one invocation's view of the resource. Everything that costs
// a request (metadata, credentials, the subnet) is resolved on demand, so a
// monitor with a valid state file makes exactly one API call.
type resource struct {
	e      *ocf.Env
	p      params
	state  *ocf.StateFile[state]
	ip     netip.Addr   // invalid when secondary_private_ip is unusable (loadForStop)
	prefix netip.Prefix // ip/cidr_netmask, the local address
	md     *oci.Metadata

	instance *oci.Instance
	creds    oci.Credentials
	region   string // from the config file (api_key)
}

func newResource(e *ocf.Env) (*resource, error) {
	r := &resource{e: e, state: ocf.NewStateFile[state](e, "")}
	if err := e.Decode(&r.p); err != nil {
		return r, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	r.md = &oci.Metadata{BaseURL: r.p.MetadataURL}
	ip, err := netip.ParseAddr(r.p.IP)
	if err != nil {
		return r, ocf.Errorf(ocf.ErrConfigured, "secondary_private_ip: %v", err)
	}
	r.ip, r.prefix = ip, netip.PrefixFrom(ip, r.p.CIDRNetmask)
	return r, nil
}

// load is the strict load. start and validate-all also load the
// credentials' configuration, which is node-local; validate-all resolves
// the VNIC and interface too. The monitor's hot path gets the parameters.
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	r, err := newResource(e)
	if err != nil {
		return nil, err
	}
	if e.Action == "start" || e.Action == "validate-all" {
		if r.p.OCICLI != "" {
			e.Log.Infof("ocicli=%s is not used: this agent calls the OCI API directly", r.p.OCICLI)
		}
		if _, err := r.credentials(); err != nil {
			return nil, err
		}
	}
	if e.Action == "validate-all" {
		if _, err := r.resolve(ctx); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// loadForStop never fails. An unusable secondary_private_ip is replaced by
// the address the last start here put up, from the state file; without
// one the resource has no address (r.ip invalid), and nothing of it can
// run here.
func loadForStop(ctx context.Context, e *ocf.Env) *resource {
	r, err := newResource(e)
	if err == nil {
		return r
	}
	if s, ok := r.state.Read(); ok {
		if ip, perr := netip.ParseAddr(s.IP); perr == nil && ip.Is4() {
			e.Log.Warnf("%v: using %s, which the last start on this node put up", err, ip)
			r.ip, r.prefix = ip, netip.PrefixFrom(ip, r.p.CIDRNetmask)
			return r
		}
	}
	e.Log.Warnf("%v: no address of this resource is known on this node", err)
	return r
}

// credentials loads the configured authentication (no network).
func (r *resource) credentials() (oci.Credentials, error) {
	if r.creds != nil {
		return r.creds, nil
	}
	switch r.p.Auth {
	case "api_key":
		k, err := oci.LoadAPIKey(r.p.ConfigFile, r.p.Profile)
		if errors.Is(err, credfile.ErrPermissions) && r.e.Action == "stop" {
			// A stop that unassigns must not fail (and get the node
			// fenced) on files that are too open: it uses them and says so.
			r.e.Log.Warnf("%v; using it for this stop anyway", err)
			k, err = oci.LoadAPIKeyUnchecked(r.p.ConfigFile, r.p.Profile)
		}
		switch {
		case errors.Is(err, credfile.ErrPermissions):
			// Readable by others, or not root's: refused, as floatip
			// refuses its token file (the reason says the chmod/chown).
			return nil, ocf.Errorf(ocf.ErrPerm, "%v", err)
		case err != nil:
			// The config file, its profile, the key file and its pass
			// phrase are this node's: whatever is wrong with them bans the
			// resource from this node (ERR_INSTALLED), never from the
			// cluster as ERR_CONFIGURED would.
			return nil, ocf.Errorf(ocf.ErrInstalled, "%v", err)
		}
		r.creds, r.region = k, k.Region()
	default:
		authEndpoint := r.p.AuthEndpoint
		if authEndpoint == "" && r.p.Region != "" {
			authEndpoint = oci.RegionEndpoint(r.p.Region, "auth")
		}
		r.creds = &oci.InstancePrincipal{
			Metadata:     r.md,
			AuthEndpoint: strings.TrimRight(authEndpoint, "/"),
			CacheFile:    filepath.Join(ocf.StateDir(), "ocivip-instance-principal.token"),
		}
	}
	return r.creds, nil
}

// client is the VirtualNetwork client, in the configured or discovered
// region. The region learnt from the metadata is kept in the state file
// (see useState), so that a monitor does not ask the metadata every time.
func (r *resource) client(ctx context.Context) (*oci.Client, error) {
	creds, err := r.credentials()
	if err != nil {
		return nil, err
	}
	endpoint := r.p.APIEndpoint
	if endpoint == "" {
		region := r.p.Region
		if region == "" {
			region = r.region
		}
		if region != "" {
			endpoint = oci.RegionEndpoint(region, "iaas")
		} else {
			in, err := r.metadataInstance(ctx)
			if err != nil {
				return nil, err
			}
			endpoint = in.Endpoint("iaas")
		}
	}
	if p, ok := creds.(*oci.InstancePrincipal); ok && p.AuthEndpoint == "" && r.instance != nil {
		// Known already: federation need not read /instance/ again.
		p.AuthEndpoint = strings.TrimRight(r.instance.Endpoint("auth"), "/")
	}
	return &oci.Client{Endpoint: strings.TrimRight(endpoint, "/"), Creds: creds,
		MaxBackoff: max(time.Duration(r.p.APIDelay)*time.Second, 200*time.Millisecond)}, nil
}

func (r *resource) metadataInstance(ctx context.Context) (*oci.Instance, error) {
	if r.instance != nil {
		return r.instance, nil
	}
	in, err := r.md.Instance(ctx)
	if err != nil {
		return nil, ocf.Errorf(ocf.ErrGeneric, "cannot read this instance's metadata: %v", err)
	}
	r.instance = in
	return in, nil
}

// target is where the IP belongs on this instance.
type target struct {
	VnicID   string `json:"vnic_id"`
	SubnetID string `json:"subnet_id,omitempty"`
	MAC      string `json:"mac"`
	NIC      string `json:"nic"`
}

// resolve finds our VNIC (metadata) and local interface (netlink). The
// subnet OCID is looked up separately (subnetOf), as it costs an API call.
// What it can find wrong is this node's (its VNICs, its interfaces), so
// it answers ERR_ARGS, which bans the resource from this node only.
func (r *resource) resolve(ctx context.Context) (target, error) {
	v, err := r.vnic(ctx)
	if err != nil {
		return target{}, err
	}
	t := target{VnicID: v.VnicID, MAC: strings.ToLower(v.MacAddr), NIC: r.p.NIC}
	if t.NIC != "" {
		if _, err := net.InterfaceByName(t.NIC); err != nil {
			return target{}, ocf.Errorf(ocf.ErrArgs, "Invalid interface name [%s] on this node: %v", t.NIC, err)
		}
	} else {
		if t.NIC, err = netif.LinkByMAC(v.MacAddr); err != nil {
			return target{}, ocf.Errorf(ocf.ErrArgs, "the VNIC's MAC address: %v; set nic", err)
		}
	}
	return t, nil
}

// vnic is this instance's VNIC for the IP, from the metadata.
func (r *resource) vnic(ctx context.Context) (oci.VNIC, error) {
	vnics, err := r.md.VNICs(ctx)
	if err != nil {
		return oci.VNIC{}, ocf.Errorf(ocf.ErrGeneric, "cannot read this instance's VNICs from the metadata service: %v", err)
	}
	v, err := oci.VNICFor(vnics, r.ip, r.p.VnicID)
	if err != nil {
		return oci.VNIC{}, ocf.Errorf(ocf.ErrArgs, "%v", err)
	}
	return v, nil
}
