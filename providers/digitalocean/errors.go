package digitalocean

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// Kind sorts API errors by what they tell the caller.
type Kind int

const (
	// Unreachable: no usable answer (network error, timeout, 5xx, 429
	// beyond the deadline, TLS failure). Says nothing about the IP.
	Unreachable Kind = iota + 1
	// Auth: 401 or 403, the token is wrong or lacks a scope.
	Auth
	// NotFound: 404, the reserved IP (or action) does not exist in this account.
	NotFound
	// Busy: 422 because the IP or droplet has a pending event or is locked;
	// waiting and retrying helps.
	Busy
	// Rejected: any other 4xx; the request is wrong and retrying will not help.
	Rejected
	// ActionFailed: the API ran the action and reported it "errored".
	ActionFailed
)

func (k Kind) String() string {
	switch k {
	case Unreachable:
		return "unreachable"
	case Auth:
		return "not authorized"
	case NotFound:
		return "not found"
	case Busy:
		return "busy"
	case Rejected:
		return "rejected"
	case ActionFailed:
		return "action failed"
	}
	return "unknown"
}

// Error is a failed API operation.
type Error struct {
	Kind      Kind
	Op        string // e.g. "GET reserved IP 203.0.113.10"
	Status    int    // HTTP status, 0 when there was no answer
	Message   string // the API's message, or the transport error
	RequestID string
	Attempts  int
	Err       error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d: ", e.Status)
	}
	b.WriteString(e.Message)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is puts the error in its class of the shared vocabulary (providers/fault).
func (e *Error) Is(target error) bool {
	switch e.Kind {
	case Unreachable:
		return target == fault.ErrUnreachable
	case Auth:
		return target == fault.ErrUnauthorized
	case NotFound:
		return target == fault.ErrNotFound
	case Busy:
		return target == fault.ErrBusy
	}
	return false
}

// KindOf is the Kind of an error from this package (0 for nil or others).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// CannotTell reports whether err leaves the state of the IP unknown: the
// API gave no answer, or not one about the IP (authentication).
func CannotTell(err error) bool {
	switch KindOf(err) {
	case Unreachable, Auth:
		return true
	}
	return err != nil && KindOf(err) == 0
}
