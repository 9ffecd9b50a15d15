package demo

import (
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestMain removes the agents built for the demo.
func TestMain(m *testing.M) { testenv.Main(m) }
