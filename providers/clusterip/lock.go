package clusterip

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// Lock serialises the clone instances of one address on this node, as
// upstream's ocf_take_lock on $HA_RSCTMP/IPaddr2-CIP-<ip>: the first
// instance to start makes the table and the last to stop removes it, and
// two instances must not both believe they are that one. It waits until
// ctx ends; unlock releases it.
func Lock(ctx context.Context, dir string, ip netip.Addr) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "IPaddr2-CIP-"+ip.String())
	// O_NOFOLLOW: a link planted in the state directory is not followed.
	fd, err := unix.Open(p, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	for {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { unix.Flock(fd, unix.LOCK_UN); unix.Close(fd) }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			unix.Close(fd)
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		select {
		case <-ctx.Done():
			unix.Close(fd)
			return nil, fmt.Errorf("lock %s: another instance holds it: %w", p, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
