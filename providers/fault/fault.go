// Package fault is the one vocabulary of failures the providers share: the
// classes an agent branches on to choose an OCF exit code. Every provider
// error of one of these classes answers errors.Is(err, fault.ErrX), so an
// agent maps errors to codes in one switch, whatever system failed:
//
//	switch {
//	case errors.Is(err, fault.ErrUnauthorized): // ERR_PERM: this node's credentials
//	case errors.Is(err, fault.ErrNotFound):     // not running / not here
//	case errors.Is(err, fault.ErrBusy):         // retry within the deadline
//	case errors.Is(err, fault.ErrUnreachable):  // cannot tell: never "not running"
//	}
//
// Providers keep their own sentinels (netif.ErrNoLink, mount.ErrBusy...)
// for what only they can say; those belong to a class too.
package fault

import "errors"

var (
	// ErrNotFound: the thing asked about does not exist (an interface, a
	// device, a reserved IP, a VNIC).
	ErrNotFound = errors.New("not found")
	// ErrUnreachable: no usable answer (network error, timeout, 5xx, a
	// metadata service down). Says nothing about the resource.
	ErrUnreachable = errors.New("unreachable")
	// ErrUnauthorized: the credentials were refused or could not be
	// obtained.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrBusy: the thing is in use or locked; waiting may help.
	ErrBusy = errors.New("busy")
)

// Class is an error with the text text that belongs to class: errors.Is
// holds for the class and for the error itself, for a provider's own
// sentinel, e.g. var ErrNoLink = fault.Class(fault.ErrNotFound, "no such interface").
func Class(class error, text string) error { return &classed{class: class, text: text} }

type classed struct {
	class error
	text  string
}

func (c *classed) Error() string        { return c.text }
func (c *classed) Is(target error) bool { return target == c.class }
