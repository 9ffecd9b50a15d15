package agenttest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// The schemas of resource-agents that an agent's meta-data must satisfy.
const (
	RNG = "/usr/share/resource-agents/metadata.rng" // RELAX NG
	DTD = "/usr/share/resource-agents/ra-api-1.dtd" // the DTD ocf-tester checks
)

// CheckMetaData fails the test unless xmllint accepts the meta-data md
// under each schema (RNG, DTD). Without xmllint or a schema it skips, or
// fails in CI.
func CheckMetaData(t testing.TB, md string, schemas ...string) {
	t.Helper()
	xmllint := testenv.NeedCmd(t, "xmllint")
	for _, schema := range schemas {
		testenv.NeedFile(t, schema)
		flag := "--relaxng"
		if strings.HasSuffix(schema, ".dtd") {
			flag = "--dtdvalid"
		}
		cmd := exec.Command(xmllint, "--noout", flag, schema, "-")
		cmd.Stdin = strings.NewReader(md)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xmllint %s %s: %v\n%s", flag, schema, err, out)
		}
	}
}
