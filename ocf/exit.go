package ocf

import (
	"errors"
	"fmt"
)

// OCF exit codes (OCF 1.1, section "Exit codes").
const (
	Success          = 0
	ErrGeneric       = 1
	ErrArgs          = 2
	ErrUnimplemented = 3
	ErrPerm          = 4
	ErrInstalled     = 5
	ErrConfigured    = 6
	NotRunning       = 7
	RunningPromoted  = 8
	FailedPromoted   = 9
	DegradedRunning  = 190
	DegradedPromoted = 191
)

var codeNames = map[int]string{
	Success: "success", ErrGeneric: "generic error", ErrArgs: "invalid argument",
	ErrUnimplemented: "unimplemented feature", ErrPerm: "insufficient privileges",
	ErrInstalled: "not installed", ErrConfigured: "not configured",
	NotRunning: "not running", RunningPromoted: "running promoted",
	FailedPromoted: "failed promoted", DegradedRunning: "degraded",
	DegradedPromoted: "degraded promoted",
}

// CodeName is the OCF name of an exit code, for logs and test messages.
func CodeName(code int) string {
	if n, ok := codeNames[code]; ok {
		return n
	}
	return fmt.Sprintf("exit code %d", code)
}

// Error is an action's result other than success: an exit code and, when
// there is something to tell the administrator, a reason.
type Error struct {
	Code   int
	Reason string
	Err    error // the cause, for errors.Is/As; its text is already in Reason
}

func (e *Error) Error() string {
	if e.Reason == "" {
		return CodeName(e.Code)
	}
	return e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Exit is a result without a reason, e.g. Exit(NotRunning) from a monitor.
func Exit(code int) error { return &Error{Code: code} }

// Errorf is a result with a reason. A %w verb keeps the cause for errors.Is.
func Errorf(code int, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Reason: err.Error(), Err: errors.Unwrap(err)}
}

// CodeOf maps an action's error to its exit code: nil is Success, an *Error
// anywhere in the chain gives its code, anything else is ErrGeneric.
func CodeOf(err error) int {
	if err == nil {
		return Success
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrGeneric
}

// reasonOf is the text for the ocf-exit-reason line ("" for none).
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Reason == "" && err == error(e) {
		return ""
	}
	return err.Error()
}
