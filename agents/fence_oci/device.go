package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ocfkit/ocfkit/fence"
	"github.com/ocfkit/ocfkit/ocf/haenv"
	"github.com/ocfkit/ocfkit/providers/oci"
)

// device is the Compute API of one region, with one identity.
type device struct {
	api         *oci.Client
	compartment string
	instances   map[string]*oci.ComputeInstance // by OCID, as Find last read them
}

// open loads the credentials and works out the endpoint, without the
// network and without any metadata service.
func open(o *fence.Options, log *fence.Logger, secret func(string)) (fence.Device, error) {
	// Every key, pass phrase, token and signature the provider reads or
	// derives is redacted from every line from now on.
	oci.OnSecret = secret
	var (
		creds   oci.Credentials
		region  = o.Get("region")
		tenancy string
	)
	switch o.Get("auth") {
	case "instance_principal":
		auth := o.Get("auth_endpoint")
		if auth == "" {
			if region == "" {
				return nil, errors.New("auth=instance_principal needs region (or auth_endpoint and api_endpoint): the agent does not ask a metadata service where it is")
			}
			auth = oci.RegionEndpoint(region, "auth")
		}
		if err := checkEndpoint("auth_endpoint", auth); err != nil {
			return nil, err
		}
		if err := checkMetadataURL(o.Get("metadata_url")); err != nil {
			return nil, err
		}
		creds = &oci.InstancePrincipal{
			Metadata:     &oci.Metadata{BaseURL: strings.TrimRight(o.Get("metadata_url"), "/")},
			AuthEndpoint: strings.TrimRight(auth, "/"),
			CacheFile:    filepath.Join(haenv.StateDir(), "fence_oci-instance-principal.token"),
		}
	default:
		k, err := oci.LoadAPIKey(o.Get("config_file"), o.Get("profile"))
		if err != nil {
			return nil, err
		}
		creds, tenancy = k, k.Tenancy()
		if region == "" {
			region = k.Region()
		}
	}
	api := o.Get("api_endpoint")
	if api == "" {
		if region == "" {
			return nil, errors.New("no region: set region (or api_endpoint), or a region in the config file's profile")
		}
		api = oci.RegionEndpoint(region, "iaas")
	}
	if err := checkEndpoint("api_endpoint", api); err != nil {
		return nil, err
	}
	comp := o.Get("compartment")
	if comp == "" {
		comp = tenancy
	}
	if comp != "" && !strings.HasPrefix(comp, "ocid1.compartment.") && !strings.HasPrefix(comp, "ocid1.tenancy.") {
		return nil, fmt.Errorf("compartment %q is not a compartment or tenancy OCID", comp)
	}
	return &device{
		api:         &oci.Client{Endpoint: strings.TrimRight(api, "/"), Creds: creds},
		compartment: comp,
		instances:   map[string]*oci.ComputeInstance{},
	}, nil
}

// checkEndpoint is oci.CheckEndpoint for an endpoint option.
func checkEndpoint(name, v string) error {
	if err := oci.CheckEndpoint(v); err != nil {
		return fmt.Errorf("%s %q: %w", name, v, err)
	}
	return nil
}

// checkMetadataURL is oci.CheckMetadataURL for the metadata_url option.
func checkMetadataURL(v string) error {
	if err := oci.CheckMetadataURL(v); err != nil {
		return fmt.Errorf("metadata_url %q: %w", v, err)
	}
	return nil
}

func state(in *oci.ComputeInstance) fence.State {
	switch in.LifecycleState {
	case oci.InstanceRunning:
		return fence.On
	case oci.InstanceStopped, oci.InstanceTerminated:
		return fence.Off
	}
	return fence.Unknown
}

func target(in *oci.ComputeInstance) fence.Target {
	return fence.Target{Name: oci.InstanceName(in), ID: oci.InstanceID(in), State: state(in)}
}

func (d *device) needCompartment(what string) error {
	if d.compartment == "" {
		return fmt.Errorf("%s needs compartment (with auth=instance_principal there is no default)", what)
	}
	return nil
}

func (d *device) Check(ctx context.Context) error {
	if err := d.needCompartment("monitor"); err != nil {
		return err
	}
	return d.api.CheckAccess(ctx, d.compartment)
}

func (d *device) List(ctx context.Context) ([]fence.Target, error) {
	if err := d.needCompartment("list"); err != nil {
		return nil, err
	}
	ins, err := d.api.ListInstances(ctx, d.compartment, "")
	if err != nil {
		return nil, err
	}
	var out []fence.Target
	for i := range ins {
		if ins[i].LifecycleState != oci.InstanceTerminated {
			out = append(out, target(&ins[i]))
		}
	}
	return out, nil
}

func (d *device) Find(ctx context.Context, plug string) (fence.Target, error) {
	in, err := d.api.FindInstance(ctx, d.compartment, plug)
	if err != nil {
		return fence.Target{}, err
	}
	d.instances[oci.InstanceID(in)] = in
	return target(in), nil
}

func (d *device) Power(ctx context.Context, t fence.Target, on bool, p fence.Polling) error {
	in, ok := d.instances[t.ID]
	if !ok {
		var err error
		if in, err = d.api.GetInstance(ctx, t.ID); err != nil {
			return err
		}
	}
	_, err := d.api.SetPower(ctx, in, on, oci.Polling{AfterPost: p.AfterPost, MaxInterval: p.MaxInterval})
	if err == nil {
		// The next phase (reboot's START) starts from the new state.
		c := *in
		c.LifecycleState = oci.InstanceStopped
		if on {
			c.LifecycleState = oci.InstanceRunning
		}
		d.instances[t.ID] = &c
	}
	return err
}
