package netif

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// BackgroundCmd is the hidden first argument of a background sender: an
// agent re-executes its own binary with it, so that start returns at once
// while the packets go out an interval apart, as the shell agent
// backgrounds send_arp. The agent's main hands the arguments after it to
// RunBackground.
const BackgroundCmd = "__announce"

// Background is what one background sender announces. Its argv spells it
// out (BackgroundCmd, then the fields in order), and that is how
// StopBackground recognises the senders of an address.
type Background struct {
	Namespace string // "" for the current one
	Link      string
	Prefix    netip.Prefix
	Count     int
	Interval  time.Duration
	Reply     bool
}

func (b Background) args() []string {
	return []string{BackgroundCmd, b.Namespace, b.Link, b.Prefix.String(),
		strconv.Itoa(b.Count), b.Interval.String(), strconv.FormatBool(b.Reply)}
}

// parseBackground reads the arguments after BackgroundCmd.
func parseBackground(args []string) (Background, error) {
	if len(args) != 6 {
		return Background{}, errors.New("usage: " + BackgroundCmd + " NAMESPACE NIC IP/BITS COUNT INTERVAL REPLY")
	}
	b := Background{Namespace: args[0], Link: args[1]}
	var err error
	if b.Namespace != "" {
		if err = CheckNamespaceName(b.Namespace); err != nil {
			return Background{}, err
		}
	}
	if b.Link == "" {
		return Background{}, errors.New("no interface")
	}
	if b.Prefix, err = netip.ParsePrefix(args[2]); err != nil {
		return Background{}, err
	}
	if b.Count, err = strconv.Atoi(args[3]); err != nil || b.Count < 0 {
		return Background{}, fmt.Errorf("count %q", args[3])
	}
	if b.Interval, err = time.ParseDuration(args[4]); err != nil || b.Interval < 0 {
		return Background{}, fmt.Errorf("interval %q", args[4])
	}
	if b.Reply, err = strconv.ParseBool(args[5]); err != nil {
		return Background{}, err
	}
	return b, nil
}

// StartBackground re-executes the running binary as a sender of b and
// returns once it runs.
func StartBackground(b Background) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, b.args()...)
	// Detached: Pacemaker waits for the agent's output pipes to close, so
	// the sender gets none of them, and a session of its own, out of the
	// reach of the runtime's straggler kill.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the background sender: %w", err)
	}
	return cmd.Process.Release()
}

// RunBackground is the body of a background sender, given the arguments
// after BackgroundCmd. It stops early, without error, once the address is
// no longer on the interface: a stop may have missed it, and the node must
// not go on announcing an address it gave up.
func RunBackground(args []string) error {
	b, err := parseBackground(args)
	if err != nil {
		return err
	}
	h, err := Open(b.Namespace)
	if err != nil {
		return err
	}
	defer h.Close()
	link, err := h.Link(b.Link)
	if err != nil {
		return err
	}
	// Bounded: a sender never outlives its packets by more than a moment
	// (nor a day, whatever count and interval multiply to).
	life := 24 * time.Hour
	if b.Interval == 0 || time.Duration(b.Count) < life/b.Interval {
		life = time.Duration(b.Count) * b.Interval
	}
	ctx, cancel := context.WithTimeout(context.Background(), life+5*time.Second)
	defer cancel()
	return h.AnnounceWhileHeld(ctx, link, b.Prefix, b.Count, b.Interval, b.Reply)
}
