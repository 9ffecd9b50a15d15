package ocf

import (
	"context"
	"time"

	"github.com/ocfkit/ocfkit/internal/clock"
)

// Sleep waits d or until ctx ends, whichever comes first, and reports
// ctx's error in the second case: every wait of an action is bounded by
// its deadline. It is internal/clock's, which the providers share.
func Sleep(ctx context.Context, d time.Duration) error { return clock.Sleep(ctx, d) }
