// Package clock holds the one pause that both runtimes (ocf, fence) and the
// providers share. It lives in internal/ because it belongs to none of
// them: ocf and fence import no provider, providers import no runtime, and
// each used to carry its own copy.
package clock

import (
	"context"
	"time"
)

// Sleep waits d or until ctx ends, whichever comes first, and reports
// ctx's error in the second case: every wait of an action is bounded by
// its deadline.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
