package mount

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ForceUnmount is the force_unmount parameter as the newest anchor reads
// it: a comma-separated list of a kill policy (an ocf_is_true spelling,
// "safe", "false" or "no") and the modifiers [no]move, [no]xargs, [no]ps;
// where two contradict, the last wins.
type ForceUnmount struct {
	Force Force
	// Move moves the mount aside (mount --move to the directory's name
	// with a leading dot) before looking for its users, so that whatever
	// keeps spawning new ones no longer finds it.
	Move bool
	// Xargs and PS are how the anchor's shell signals and reports many
	// processes. ocfkit signals every holder in one pass either way and
	// logs each by pid, command name and what it holds; PS adds the
	// holder's user and parent.
	Xargs, PS bool
	// Ignored are the words that are none of these; the anchor logs them
	// as ignored, and so should the caller.
	Ignored []string
}

// trueSpellings are the spellings ocf_is_true accepts, exactly.
var trueSpellings = set("yes", "true", "1", "YES", "TRUE", "True", "ja", "on", "ON")

// ParseForceUnmount reads force_unmount as the anchor's
// parse_force_unmount_modifiers does. A word that is neither a policy nor a
// modifier is ignored (and listed in Ignored); a value with no known word
// at all means false, so force_unmount=Yes signals nothing, as with the
// anchor. The empty value is the parameter's default, true.
func ParseForceUnmount(s string) ForceUnmount {
	if s == "" {
		return ForceUnmount{Force: ForceTrue, PS: true}
	}
	var f ForceUnmount
	var move, xargs, ps, policy *bool
	yes, no := true, false
	var force string
	for _, m := range strings.Split(s, ",") {
		switch {
		case m == "":
		case m == "move":
			move = &yes
		case m == "nomove":
			move = &no
		case m == "xargs":
			xargs = &yes
		case m == "noxargs":
			xargs = &no
		case m == "ps":
			ps = &yes
		case m == "nops":
			ps = &no
		case trueSpellings[m] || m == "safe" || m == "false" || m == "no":
			force, policy = m, &yes
		default:
			f.Ignored = append(f.Ignored, m)
		}
	}
	switch {
	case move == nil && xargs == nil && ps == nil && policy == nil:
		f.Force = ForceFalse
	case force == "" || trueSpellings[force]:
		f.Force = ForceTrue
	case force == "safe":
		f.Force = ForceSafe
	default:
		f.Force = ForceFalse
	}
	f.Move = move != nil && *move
	// The anchor's defaults: with move, xargs and no ps; without, one by
	// one with ps.
	f.Xargs, f.PS = f.Move, !f.Move
	if xargs != nil {
		f.Xargs = *xargs
	}
	if ps != nil {
		f.PS = *ps
	}
	return f
}

// ParseForce returns the kill policy of a force_unmount value, and an
// error naming the words it ignored (a warning: the anchor goes on).
func ParseForce(s string) (Force, error) {
	f := ParseForceUnmount(s)
	if len(f.Ignored) > 0 {
		return f.Force, fmt.Errorf("force_unmount: unknown modifier %s ignored", strings.Join(f.Ignored, ", "))
	}
	return f.Force, nil
}

// Signals are what stop sends to the processes keeping a mount busy: the
// term signals for the first half of the time, the kill signals for the
// rest, each round of them Delay apart (term_signals, kill_signals,
// signal_delay of the newest anchor).
type Signals struct {
	Term, Kill []syscall.Signal
	Delay      time.Duration
}

// DefaultSignals are the anchor's defaults: TERM, KILL, one second.
func DefaultSignals() Signals {
	return Signals{Term: []syscall.Signal{unix.SIGTERM}, Kill: []syscall.Signal{unix.SIGKILL}, Delay: time.Second}
}

// ParseSignals reads a whitespace-separated list of signal names (TERM,
// SIGTERM, term) or numbers, as kill -s takes them. An empty list sends
// nothing in that phase.
func ParseSignals(s string) ([]syscall.Signal, error) {
	var sigs []syscall.Signal
	for _, w := range strings.Fields(s) {
		if n, err := strconv.Atoi(w); err == nil {
			if n < 1 || n > 64 {
				return nil, fmt.Errorf("%q is not a signal number (1-64)", w)
			}
			sigs = append(sigs, syscall.Signal(n))
			continue
		}
		name := strings.ToUpper(w)
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		sig := unix.SignalNum(name)
		if sig == 0 {
			return nil, fmt.Errorf("%q is not a signal name", w)
		}
		sigs = append(sigs, sig)
	}
	return sigs, nil
}

// ParseSignalDelay reads signal_delay: seconds, a decimal number as sleep
// takes it ("1", "0.5", "2s").
func ParseSignalDelay(s string) (time.Duration, error) {
	v := strings.TrimSuffix(strings.TrimSpace(s), "s")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > 3600 {
		return 0, fmt.Errorf("signal_delay must be a number of seconds (0 to 3600), not %q", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}
