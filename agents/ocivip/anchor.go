package main

import (
	"context"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
)

// anchorActions maps the anchor's action names that OCF does not have onto
// ocfkit's: "validate" is validate-all in ocf:heartbeat:ocivip.
func anchorActions(args []string) []string {
	out := append([]string(nil), args...)
	for i := 1; i < len(out); i++ {
		if strings.HasPrefix(out[i], "-") {
			continue
		}
		if out[i] == "validate" {
			out[i] = "validate-all"
		}
		break // the first word that is not a flag is the action
	}
	return out
}

// reload is the anchor's: nothing to change on the running address. The
// configuration was loaded and checked before it ran, so a reload of a
// configuration that no longer holds fails with the reason.
func reload(ctx context.Context, e *ocf.Env, r *resource) error {
	e.Log.Infof("Reloading %s ...", e.Instance)
	return nil
}
