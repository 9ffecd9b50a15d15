package testenv

import (
	"os"
	"os/exec"
	"sort"
	"testing"
)

// OCFTester runs Debian's ocf-tester against agent with the given
// parameters and extra environment (e.g. fake endpoints) and fails the test
// with ocf-tester's full verbose output unless every check passes.
func OCFTester(t testing.TB, agent, instance string, params map[string]string, env ...string) {
	t.Helper()
	NeedRoot(t)
	tester := NeedCmd(t, "ocf-tester")
	NeedCmd(t, "xmllint")
	args := []string{"-v", "-n", instance}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-o", k+"="+params[k])
	}
	args = append(args, agent)
	cmd := exec.Command(tester, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ocf-tester %v: %v\n%s", args, err, out)
	}
	t.Logf("ocf-tester: %s", lastLine(out))
}

func lastLine(b []byte) string {
	end := len(b)
	for end > 0 && (b[end-1] == '\n' || b[end-1] == '\r') {
		end--
	}
	start := end
	for start > 0 && b[start-1] != '\n' {
		start--
	}
	return string(b[start:end])
}
