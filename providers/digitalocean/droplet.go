package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/digitalocean/godo"
)

// Droplet is what a fence agent needs to know about a droplet.
type Droplet struct {
	ID     int
	Name   string
	Status string // DropletNew, DropletActive, DropletOff, DropletArchive
	Locked bool
}

// Droplet statuses the API documents.
const (
	DropletNew     = "new"
	DropletActive  = "active"
	DropletOff     = "off"
	DropletArchive = "archive"
)

// Droplet power actions (the "type" of POST /v2/droplets/{id}/actions).
// A fence agent uses PowerOff, never Shutdown: shutdown asks the guest,
// which may be the very thing that hangs.
const (
	PowerOff   = "power_off"
	PowerOn    = "power_on"
	Shutdown   = "shutdown"
	Reboot     = "reboot"
	PowerCycle = "power_cycle"
)

// ErrNoDroplet: no droplet has the name or id asked for.
var ErrNoDroplet = errors.New("no such droplet")

// ErrAmbiguous: more than one droplet has the name asked for.
var ErrAmbiguous = errors.New("more than one droplet has this name")

func dropletOf(d *godo.Droplet) Droplet {
	return Droplet{ID: d.ID, Name: d.Name, Status: d.Status, Locked: d.Locked}
}

// perPage is the largest page the API serves: fewer calls per list.
const perPage = 200

// Droplets lists every droplet of the account, following the pages.
func (c *Client) Droplets(ctx context.Context) ([]Droplet, error) {
	return c.listDroplets(ctx, "")
}

func (c *Client) listDroplets(ctx context.Context, name string) ([]Droplet, error) {
	var all []Droplet
	for page := 1; ; page++ {
		var (
			ds   []godo.Droplet
			last bool
		)
		op := "GET droplets page " + strconv.Itoa(page)
		err := c.do(ctx, op, func(ctx context.Context) (*godo.Response, error) {
			var resp *godo.Response
			var err error
			opt := &godo.ListOptions{Page: page, PerPage: perPage}
			if name != "" {
				ds, resp, err = c.godo.Droplets.ListByName(ctx, name, opt)
			} else {
				ds, resp, err = c.godo.Droplets.List(ctx, opt)
			}
			if err == nil {
				last = resp.Links == nil || resp.Links.IsLastPage()
			}
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for i := range ds {
			all = append(all, dropletOf(&ds[i]))
		}
		if last || len(ds) == 0 {
			return all, nil
		}
		if page >= 1000 {
			return nil, &Error{Kind: Rejected, Op: "GET droplets", Message: "more than 1000 pages: the API keeps announcing a next page"}
		}
	}
}

// Droplet reads one droplet. A droplet that does not exist is ErrNoDroplet
// (wrapped in the API's *Error, Kind NotFound).
func (c *Client) Droplet(ctx context.Context, id int) (Droplet, error) {
	var out Droplet
	err := c.do(ctx, fmt.Sprintf("GET droplet %d", id), func(ctx context.Context) (*godo.Response, error) {
		d, resp, err := c.godo.Droplets.Get(ctx, id)
		if err == nil && d == nil {
			err = errors.New("the answer has no droplet")
		}
		if err == nil {
			out = dropletOf(d)
		}
		return resp, err
	})
	if KindOf(err) == NotFound {
		return out, fmt.Errorf("droplet %d: %w", id, ErrNoDroplet)
	}
	return out, err
}

// FindDroplet resolves what a person or Pacemaker names a droplet by: its
// numeric id, or else its name (exactly one droplet must have it). A
// numeric string is tried as an id first, then as a name, since droplet
// names may be digits.
func (c *Client) FindDroplet(ctx context.Context, plug string) (Droplet, error) {
	if id, err := strconv.Atoi(plug); err == nil && id > 0 {
		d, err := c.Droplet(ctx, id)
		if !errors.Is(err, ErrNoDroplet) {
			return d, err
		}
	}
	ds, err := c.listDroplets(ctx, plug)
	if err != nil {
		return Droplet{}, err
	}
	var match []Droplet
	for _, d := range ds {
		if d.Name == plug { // the API's name filter is exact, but be sure
			match = append(match, d)
		}
	}
	switch len(match) {
	case 0:
		return Droplet{}, fmt.Errorf("%q: %w", plug, ErrNoDroplet)
	case 1:
		return match[0], nil
	}
	ids := ""
	for i, d := range match {
		if i > 0 {
			ids += ", "
		}
		ids += strconv.Itoa(d.ID)
	}
	return Droplet{}, fmt.Errorf("%q (droplets %s): %w; use the droplet id", plug, ids, ErrAmbiguous)
}

// DropletAction is a droplet action the API accepted.
type DropletAction struct {
	ID     int
	Type   string
	Status string // StatusInProgress, StatusCompleted, StatusErrored
}

// PostDropletAction asks for a power action (PowerOff, PowerOn, ...). A
// droplet with a pending event answers Busy; the caller waits and retries.
func (c *Client) PostDropletAction(ctx context.Context, id int, typ string) (DropletAction, error) {
	var out DropletAction
	err := c.do(ctx, fmt.Sprintf("POST %s to droplet %d", typ, id), func(ctx context.Context) (*godo.Response, error) {
		var (
			a    *godo.Action
			resp *godo.Response
			err  error
		)
		switch typ {
		case PowerOff:
			a, resp, err = c.godo.DropletActions.PowerOff(ctx, id)
		case PowerOn:
			a, resp, err = c.godo.DropletActions.PowerOn(ctx, id)
		case Shutdown:
			a, resp, err = c.godo.DropletActions.Shutdown(ctx, id)
		case Reboot:
			a, resp, err = c.godo.DropletActions.Reboot(ctx, id)
		case PowerCycle:
			a, resp, err = c.godo.DropletActions.PowerCycle(ctx, id)
		default:
			return nil, fmt.Errorf("unknown droplet action %q", typ)
		}
		if err == nil && (a == nil || a.ID == 0) {
			err = errors.New("the answer has no action id")
		}
		if err == nil {
			out = DropletAction{ID: a.ID, Type: a.Type, Status: a.Status}
		}
		return resp, err
	})
	return out, err
}

// GetDropletAction reads the status of an action on a droplet.
func (c *Client) GetDropletAction(ctx context.Context, droplet, action int) (DropletAction, error) {
	var out DropletAction
	err := c.do(ctx, fmt.Sprintf("GET action %d of droplet %d", action, droplet), func(ctx context.Context) (*godo.Response, error) {
		a, resp, err := c.godo.DropletActions.Get(ctx, droplet, action)
		if err == nil && a == nil {
			err = errors.New("the answer has no action")
		}
		if err == nil {
			out = DropletAction{ID: a.ID, Type: a.Type, Status: a.Status}
		}
		return resp, err
	})
	return out, err
}

// CheckAccess checks that the API answers and the token may read droplets
// (the droplet:read scope a fence agent needs anyway), with one request
// for one droplet of the list: it touches no droplet.
func (c *Client) CheckAccess(ctx context.Context) error {
	return c.do(ctx, "GET droplets", func(ctx context.Context) (*godo.Response, error) {
		_, resp, err := c.godo.Droplets.List(ctx, &godo.ListOptions{Page: 1, PerPage: 1})
		return resp, err
	})
}
