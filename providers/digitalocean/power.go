package digitalocean

import (
	"context"
	"fmt"
	"time"

	"github.com/ocfkit/ocfkit/internal/clock"
)

// Polling says how SetPower waits for the API to report the new state.
type Polling struct {
	// AfterPost is waited once after each accepted action, before the
	// first poll (fence-agents' power_wait).
	AfterPost time.Duration
	// MaxInterval caps the pause between two polls (fence-agents'
	// stonith_status_sleep); 0 means 1 s. The first polls come sooner.
	MaxInterval time.Duration
}

func (p Polling) delay(n int) time.Duration {
	m := p.MaxInterval
	if m <= 0 {
		m = time.Second
	}
	return min(pollDelay(n), m)
}

// SetPower drives droplet d (as the caller last read it) to off (on=false: the power_off action, a hard
// power cut, never a shutdown) or on (power_on), and returns once the API
// reports the droplet in that state: status "off", or "active". It reports
// already=true when the droplet was in that state at the first look.
//
// It polls the droplet, and the action every third poll: an action that
// errored is posted again, a pending event (422) is waited out, and API
// failures are retried by the client, all until ctx ends. Without the
// API's word that the droplet is in the state asked for, it fails.
func (c *Client) SetPower(ctx context.Context, d Droplet, on bool, p Polling) (already bool, err error) {
	id := d.ID
	want, action := DropletOff, PowerOff
	if on {
		want, action = DropletActive, PowerOn
	}
	var last error
	for round := 1; ; round++ {
		if round > 1 {
			if d, err = c.Droplet(ctx, id); err != nil {
				return false, orLast(err, last)
			}
		}
		if d.Status == want {
			return round == 1, nil
		}
		act, err := c.PostDropletAction(ctx, id, action)
		switch {
		case KindOf(err) == Busy:
			last = err
		case err != nil:
			return false, orLast(err, last)
		default:
			ok, err := c.awaitPower(ctx, id, act.ID, want, p)
			if err != nil {
				return false, orLast(err, last)
			}
			if ok {
				return false, nil
			}
			last = &Error{Kind: ActionFailed, Op: fmt.Sprintf("%s action %d on droplet %d", action, act.ID, id), Message: "the API reports it errored"}
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

// awaitPower polls until the droplet's status is want (true), or the
// action errored or completed without the droplet getting there (false).
func (c *Client) awaitPower(ctx context.Context, id, action int, want string, p Polling) (bool, error) {
	timeout := func() error {
		return &Error{Kind: Unreachable, Op: fmt.Sprintf("droplet %d", id), Message: fmt.Sprintf("not %s at the deadline", want)}
	}
	if p.AfterPost > 0 && clock.Sleep(ctx, p.AfterPost) != nil {
		return false, timeout()
	}
	completed := 0
	for n := 1; ; n++ {
		if clock.Sleep(ctx, p.delay(n)) != nil {
			return false, timeout()
		}
		d, err := c.Droplet(ctx, id)
		if err != nil {
			return false, err
		}
		if d.Status == want {
			return true, nil
		}
		if completed > 0 {
			// The API may show the status a moment after the action
			// completes; three more looks, then the action is posted again.
			if completed++; completed > 3 {
				return false, nil
			}
			continue
		}
		if n%3 != 0 {
			continue
		}
		a, err := c.GetDropletAction(ctx, id, action)
		if err != nil {
			return false, err
		}
		switch a.Status {
		case StatusErrored:
			return false, nil
		case StatusCompleted:
			completed = 1
		}
	}
}
