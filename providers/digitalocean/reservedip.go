package digitalocean

import (
	"context"
	"fmt"
	"time"

	"github.com/digitalocean/godo"

	"github.com/ocfkit/ocfkit/internal/clock"
)

// ReservedIP is what the API says about one reserved IP.
type ReservedIP struct {
	IP        string
	DropletID int // 0: not assigned
	Locked    bool
	Region    string
}

// Action statuses the API documents.
const (
	StatusInProgress = "in-progress"
	StatusCompleted  = "completed"
	StatusErrored    = "errored"
)

// Get reads a reserved IP.
func (c *Client) Get(ctx context.Context, ip string) (ReservedIP, error) {
	var out ReservedIP
	err := c.do(ctx, "GET reserved IP "+ip, func(ctx context.Context) (*godo.Response, error) {
		r, resp, err := c.godo.ReservedIPs.Get(ctx, ip)
		if err == nil && r == nil {
			err = fmt.Errorf("the answer has no reserved_ip")
		}
		if err == nil {
			out = ReservedIP{IP: r.IP, Locked: r.Locked}
			if r.Droplet != nil {
				out.DropletID = r.Droplet.ID
			}
			if r.Region != nil {
				out.Region = r.Region.Slug
			}
		}
		return resp, err
	})
	return out, err
}

func (c *Client) post(ctx context.Context, ip string, droplet int) (*godo.Action, error) {
	var act *godo.Action
	op := fmt.Sprintf("POST assign %s to droplet %d", ip, droplet)
	if droplet == 0 {
		op = "POST unassign " + ip
	}
	err := c.do(ctx, op, func(ctx context.Context) (*godo.Response, error) {
		var resp *godo.Response
		var err error
		if droplet == 0 {
			act, resp, err = c.godo.ReservedIPActions.Unassign(ctx, ip)
		} else {
			act, resp, err = c.godo.ReservedIPActions.Assign(ctx, ip, droplet)
		}
		if err == nil && (act == nil || act.ID == 0) {
			err = fmt.Errorf("the answer has no action id")
		}
		return resp, err
	})
	return act, err
}

func (c *Client) action(ctx context.Context, ip string, id int) (string, error) {
	var status string
	err := c.do(ctx, fmt.Sprintf("GET action %d of %s", id, ip), func(ctx context.Context) (*godo.Response, error) {
		a, resp, err := c.godo.ReservedIPActions.Get(ctx, ip, id)
		if err == nil && a == nil {
			err = fmt.Errorf("the answer has no action")
		}
		if err == nil {
			status = a.Status
		}
		return resp, err
	})
	return status, err
}

// Assign makes sure ip is assigned to droplet and returns whether it
// already was (then it made exactly one call). Otherwise it posts an assign
// action and polls it until it completes. A pending event or a locked IP
// is waited out; an errored action is retried from the start (the IP is
// read again, someone else may have moved it); an undocumented status is
// polled on, and checked against the IP itself every third time. It gives
// up with the last error when ctx ends.
func (c *Client) Assign(ctx context.Context, ip string, droplet int) (already bool, err error) {
	return c.converge(ctx, ip, droplet, func(r ReservedIP) bool { return r.DropletID == droplet })
}

// Release unassigns ip if, and only if, it is still assigned to droplet. It
// reports whether it unassigned it.
func (c *Client) Release(ctx context.Context, ip string, droplet int) (released bool, err error) {
	already, err := c.converge(ctx, ip, 0, func(r ReservedIP) bool { return r.DropletID != droplet })
	return err == nil && !already, err
}

// converge drives ip towards target (0: unassigned) until done holds.
func (c *Client) converge(ctx context.Context, ip string, target int, done func(ReservedIP) bool) (bool, error) {
	var last error
	for round := 1; ; round++ {
		cur, err := c.Get(ctx, ip)
		if err != nil {
			return false, orLast(err, last)
		}
		if done(cur) {
			return round == 1, nil
		}
		if cur.Locked {
			last = &Error{Kind: Busy, Op: "reserved IP " + ip, Message: "locked by another action"}
		} else {
			act, err := c.post(ctx, ip, target)
			switch {
			case KindOf(err) == Busy:
				last = err
			case err != nil:
				return false, orLast(err, last)
			default:
				ok, err := c.poll(ctx, ip, act.ID, done)
				if err != nil {
					return false, orLast(err, last)
				}
				if ok {
					return false, nil
				}
				last = &Error{Kind: ActionFailed, Op: fmt.Sprintf("action %d (%s) on %s", act.ID, act.Type, ip), Message: "the API reports it errored"}
			}
		}
		wait := backoff(round)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return false, last
		}
		c.logf("%v; trying again in %s", last, wait.Round(time.Millisecond))
		if clock.Sleep(ctx, wait) != nil {
			return false, last
		}
	}
}

func orLast(err, last error) error {
	if last != nil && KindOf(err) == Unreachable {
		return fmt.Errorf("%w (before that: %v)", err, last)
	}
	return err
}

// pollDelay is the wait before poll n: the first soon, as assignments
// usually complete within seconds, then every second.
func pollDelay(n int) time.Duration {
	switch n {
	case 1:
		return 100 * time.Millisecond
	case 2:
		return 250 * time.Millisecond
	case 3:
		return 500 * time.Millisecond
	}
	return time.Second
}

// poll waits for an action: true when completed, false when errored.
func (c *Client) poll(ctx context.Context, ip string, id int, done func(ReservedIP) bool) (bool, error) {
	unknown := 0
	for n := 1; ; n++ {
		if err := clock.Sleep(ctx, pollDelay(n)); err != nil {
			return false, &Error{Kind: Unreachable, Op: fmt.Sprintf("action %d on %s", id, ip), Message: "still in progress at the deadline"}
		}
		status, err := c.action(ctx, ip, id)
		if err != nil {
			return false, err
		}
		switch status {
		case StatusCompleted:
			return true, nil
		case StatusErrored:
			return false, nil
		case StatusInProgress:
			unknown = 0
		default:
			// Neither success nor failure: keep polling, and look at the
			// IP itself now and then in case the status stays odd.
			unknown++
			c.logf("action %d on %s reports undocumented status %q", id, ip, status)
			if unknown%3 == 0 {
				cur, err := c.Get(ctx, ip)
				if err == nil && done(cur) && !cur.Locked {
					return true, nil
				}
			}
		}
	}
}
