package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestClass(t *testing.T) {
	errNoLink := Class(ErrNotFound, "no such interface")
	err := fmt.Errorf("eth9: %w", errNoLink)
	if !errors.Is(err, errNoLink) || !errors.Is(err, ErrNotFound) || errors.Is(err, ErrBusy) {
		t.Fatalf("errors.Is does not see the class through %v", err)
	}
	if err.Error() != "eth9: no such interface" {
		t.Fatalf("text changed: %q", err.Error())
	}
}
