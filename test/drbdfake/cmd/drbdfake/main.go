// Command drbdfake is the fake DRBD of test/drbdfake: link or copy it as
// drbdadm, drbdsetup, crm_attribute and crm_resource beside its state file
// drbdfake.json, or set DRBDFAKE_STATE.
package main

import (
	"os"

	"github.com/ocfkit/ocfkit/test/drbdfake"
)

func main() {
	os.Exit(drbdfake.Main(os.Args, os.Stdout, os.Stderr))
}
