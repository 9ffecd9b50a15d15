package oci

import (
	"errors"
	"testing"

	"github.com/ocfkit/ocfkit/providers/fault"
)

func TestErrorsHaveAClass(t *testing.T) {
	for status, class := range map[int]error{
		404: fault.ErrNotFound, 401: fault.ErrUnauthorized, 403: fault.ErrUnauthorized,
		409: fault.ErrBusy, 429: fault.ErrBusy, 503: fault.ErrUnreachable,
	} {
		if !errors.Is(&APIError{Status: status}, class) {
			t.Errorf("HTTP %d is not %v", status, class)
		}
	}
	if !errors.Is(&AuthError{Err: errors.New("federation")}, fault.ErrUnauthorized) {
		t.Error("an AuthError is not unauthorized")
	}
	if !errors.Is(&MetadataError{Path: "/x", Err: errors.New("refused")}, fault.ErrUnreachable) {
		t.Error("a metadata service down is not unreachable")
	}
}
