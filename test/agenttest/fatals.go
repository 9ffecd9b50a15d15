package agenttest

import (
	"fmt"
	"testing"
)

// Fatals is a testing.TB that records Fatalf instead of ending the test:
// for the tests of test helpers, which must show that a wrong result
// fails the test.
type Fatals struct {
	testing.TB
	Msgs []string
}

// Fatalf records the message.
func (f *Fatals) Fatalf(format string, args ...any) {
	f.Msgs = append(f.Msgs, fmt.Sprintf(format, args...))
}
