package mounttest

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
)

const privateEnv = "OCFKIT_MOUNTTEST_PRIVATE"

// Private runs the calling top-level test again, in a new mount namespace
// whose mounts do not propagate to the host (unshare --mount --propagation
// private), and fails the test when that run fails. It returns true in
// the run inside the namespace, which goes on with the test's body, and
// false here, where the test must return at once. Whatever the test
// mounts there goes away with the namespace, also when it fails, and the
// host never sees it; its programs (agents included) run there too.
func Private(t testing.TB) bool {
	t.Helper()
	if os.Getenv(privateEnv) == t.Name() {
		return true
	}
	testenv.NeedRoot(t)
	unshare := testenv.NeedCmd(t, "unshare")
	args := []string{"--mount", "--propagation", "private", os.Args[0],
		"-test.run=^" + regexp.QuoteMeta(t.Name()) + "$", "-test.count=1", "-test.v"}
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), privateEnv+"="+t.Name())
	cmd.Stdout, cmd.Stderr = &prefixed{t: t}, &prefixed{t: t}
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s in a private mount namespace: %v", t.Name(), err)
	}
	return false
}

// prefixed passes the inner run's output on: BENCH lines as they are (so
// that `make bench` collects them), the rest through t.Log.
type prefixed struct {
	t    testing.TB
	rest string
}

func (p *prefixed) Write(b []byte) (int, error) {
	p.rest += string(b)
	for {
		line, rest, ok := strings.Cut(p.rest, "\n")
		if !ok {
			return len(b), nil
		}
		p.rest = rest
		if strings.HasPrefix(line, "BENCH ") {
			os.Stdout.WriteString(line + "\n")
		} else {
			p.t.Log(line)
		}
	}
}
