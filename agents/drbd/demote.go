package main

import (
	"context"

	"github.com/ocfkit/ocfkit/ocf"
)

func demote(ctx context.Context, e *ocf.Env, r *resource) error {
	return r.retry(ctx, "demote", func(s state, first bool) (done bool, err error) {
		switch s.code {
		case ocf.Success:
			return true, nil
		case ocf.NotRunning:
			return true, ocf.Errorf(ocf.ErrGeneric, "cannot demote a resource that was not started")
		case ocf.RunningPromoted:
			return false, r.adm(ctx, "secondary", r.name)
		}
		return false, nil
	})
}
