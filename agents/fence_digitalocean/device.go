package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ocfkit/ocfkit/fence"
	"github.com/ocfkit/ocfkit/providers/digitalocean"
)

// device is the DigitalOcean account the token opens.
type device struct {
	api      *digitalocean.Client
	droplets map[string]digitalocean.Droplet // by id, as Find last read them
}

// open reads the token (no network): a missing file, a file others may
// read or one not owned by root is a configuration error.
func open(o *fence.Options, log *fence.Logger, secret func(string)) (fence.Device, error) {
	tok, err := digitalocean.ReadTokenFile(o.Get("token_file"))
	if err != nil {
		return nil, err
	}
	secret(tok.Reveal())
	api, err := digitalocean.NewClient(digitalocean.Config{
		BaseURL:   o.Get("api_url"),
		Token:     tok,
		UserAgent: "ocfkit-fence_digitalocean",
		Logf:      log.Warnf,
	})
	if err != nil {
		return nil, fmt.Errorf("api_url: %w", err)
	}
	return &device{api: api, droplets: map[string]digitalocean.Droplet{}}, nil
}

func state(d digitalocean.Droplet) fence.State {
	switch d.Status {
	case digitalocean.DropletActive:
		return fence.On
	case digitalocean.DropletOff, digitalocean.DropletArchive:
		return fence.Off
	}
	return fence.Unknown // "new": still being created
}

func target(d digitalocean.Droplet) fence.Target {
	return fence.Target{Name: d.Name, ID: strconv.Itoa(d.ID), State: state(d)}
}

func (d *device) Check(ctx context.Context) error { return d.api.CheckAccess(ctx) }

func (d *device) List(ctx context.Context) ([]fence.Target, error) {
	ds, err := d.api.Droplets(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]fence.Target, 0, len(ds))
	for _, x := range ds {
		out = append(out, target(x))
	}
	return out, nil
}

func (d *device) Find(ctx context.Context, plug string) (fence.Target, error) {
	x, err := d.api.FindDroplet(ctx, plug)
	if err != nil {
		return fence.Target{}, err
	}
	d.droplets[strconv.Itoa(x.ID)] = x
	return target(x), nil
}

func (d *device) Power(ctx context.Context, t fence.Target, on bool, p fence.Polling) error {
	x, ok := d.droplets[t.ID]
	if !ok {
		id, err := strconv.Atoi(t.ID)
		if err != nil {
			return fmt.Errorf("droplet id %q is not a number", t.ID)
		}
		if x, err = d.api.Droplet(ctx, id); err != nil {
			return err
		}
	}
	_, err := d.api.SetPower(ctx, x, on, digitalocean.Polling{AfterPost: p.AfterPost, MaxInterval: p.MaxInterval})
	if err == nil {
		// The next phase (reboot's power on) starts from the new state.
		if on {
			x.Status = digitalocean.DropletActive
		} else {
			x.Status = digitalocean.DropletOff
		}
		d.droplets[t.ID] = x
	}
	return err
}
