package digitalocean

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ocfkit/ocfkit/providers/fault"
)

func TestErrorsHaveAClass(t *testing.T) {
	for kind, class := range map[Kind]error{
		Unreachable: fault.ErrUnreachable, Auth: fault.ErrUnauthorized, NotFound: fault.ErrNotFound, Busy: fault.ErrBusy,
	} {
		err := fmt.Errorf("assigning: %w", &Error{Kind: kind, Op: "x"})
		if !errors.Is(err, class) {
			t.Errorf("%s is not %v", kind, class)
		}
	}
	if errors.Is(&Error{Kind: Rejected}, fault.ErrNotFound) {
		t.Error("a rejected request is in no class")
	}
}
