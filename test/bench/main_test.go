package bench_test

import (
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestMain removes the agents built for the benchmarks.
func TestMain(m *testing.M) { testenv.Main(m) }
