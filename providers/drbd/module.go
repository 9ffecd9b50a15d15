package drbd

import (
	"context"
	"strings"
)

// LoadModule loads the drbd kernel module with the parameters the
// configuration asks for (`drbdadm sh-mod-parms`), as the anchor does:
// `modprobe -s drbd <params>`.
func (t *Tools) LoadModule(ctx context.Context) error {
	params, _ := t.Adm(ctx, "sh-mod-parms")
	args := append([]string{"-s", "drbd"}, strings.Fields(string(params))...)
	// A *CmdError carries modprobe's own words.
	_, err := run(ctx, nil, "modprobe", args...)
	return err
}

// ModuleVersion is the version of the drbd module installed but perhaps
// not loaded (`modinfo -F version drbd`), as the anchor reads it.
func (t *Tools) ModuleVersion(ctx context.Context) (Version, error) {
	out, err := run(ctx, nil, "modinfo", "-F", "version", "drbd")
	if err != nil {
		return Version{}, err
	}
	return ParseProcVersion(append([]byte("version: "), out...))
}
