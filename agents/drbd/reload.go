package main

import (
	"context"

	"github.com/ocfkit/ocfkit/ocf"
)

func reload(ctx context.Context, e *ocf.Env, r *resource) error {
	s, err := r.status(ctx)
	if err != nil {
		return err
	}
	var rc error = ocf.Errorf(ocf.ErrGeneric, "cannot reload %s: it is not running", r.name)
	if s.code != ocf.NotRunning {
		r.adm(ctx, "adjust", r.name)
		rc = nil
	}
	// adjust_master_score may have changed
	r.updateScore(ctx, s)
	return rc
}
