package main

import (
	"context"
	"errors"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
)

// monitor: the pid file names a live httpd, then the page check of the
// requested depth passes. It forks nothing.
func monitor(ctx context.Context, e *ocf.Env, in *resource) error {
	if in.bestEffort {
		return in.runningByCommandLine(e)
	}
	if err := in.running(ctx, e); err != nil {
		return err
	}
	return in.check(ctx, e)
}

// runningByCommandLine is the monitor of a resource loaded best effort:
// without a pid file or a page to check, a main process of this server
// (httpd -f configfile) is what says it runs.
func (in *resource) runningByCommandLine(e *ocf.Env) error {
	if pid := in.server.FindMain(); pid != 0 {
		e.Log.Infof("httpd -f %s runs (pid %d)", in.server.ConfigFile, pid)
		return nil
	}
	return ocf.Exit(ocf.NotRunning)
}

// running is nil when the pid file names a live process of the httpd
// binary with this configuration file on its command line, NotRunning
// otherwise. A recurring monitor gives a missing or
// empty pid file a second to appear, as the anchor does around graceful
// restarts (it waits five; httpd 2.4 keeps its pid file through USR1 and
// HUP restarts, measured, so one second is plenty).
func (in *resource) running(ctx context.Context, e *ocf.Env) error {
	wait := time.Duration(0)
	if e.Action == "monitor" && !e.IsProbe() {
		wait = time.Second
	}
	until := time.Now().Add(wait)
	for {
		pid, ok, err := in.server.Pid()
		switch {
		case ok:
			return nil
		case pid != 0:
			// Stale, or reused by another program or by another server
			// of the same binary: not running, and nothing is signalled
			// on its account.
			return ocf.Errorf(ocf.NotRunning, "pid file %s names process %d, which is not a running %s -f %s", in.server.PidFile, pid, in.server.Binary, in.server.ConfigFile)
		case time.Now().After(until):
			if err != nil {
				return ocf.Errorf(ocf.NotRunning, "%v", err)
			}
			return ocf.Exit(ocf.NotRunning)
		}
		select {
		case <-ctx.Done():
			return ocf.Exit(ocf.NotRunning)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// check requests the page of the monitor's depth.
func (in *resource) check(ctx context.Context, e *ocf.Env) error {
	if e.CheckLevel >= 10 {
		return in.check10(ctx, e)
	}
	err := in.probe(in.statusURL, in.regex).Check(ctx)
	if err == nil {
		return nil
	}
	if in.fallback && ctx.Err() == nil {
		// No monitoring parameter was given (the configuration may simply
		// have no status page): a server that answers at all is up.
		base := httpd.LocalURL(in.conf, in.port)
		p := in.probe(base, nil)
		p.Head = true
		if ferr := p.Check(ctx); ferr == nil {
			e.Log.Debugf("status check failed (%v); %s answers", err, base)
			return nil
		}
	}
	// %w: start tells an attempt cut short by its deadline (which says
	// only "timeout") from one that says why the page fails.
	return ocf.Errorf(ocf.ErrGeneric, "Failed to access httpd status page: %w%s", err, in.statusHint(err))
}

// statusHint explains a 404 from the status page when the configuration
// loads modules but not mod_status. The anchor enables the module itself
// on Debian (a2enmod status); ocfkit never changes the system's
// configuration, so it names the command instead.
func (in *resource) statusHint(err error) string {
	var se *httpd.StatusError
	if !errors.As(err, &se) || se.Code != 404 || in.conf == nil || !in.conf.StatusModuleMissing() {
		return ""
	}
	return " (mod_status is not loaded by " + in.conf.File + ": enable it with \"a2enmod status\" on Debian, or a \"LoadModule status_module\" line)"
}

// check10 is the depth-10 test: testconffile, else testurl and testregex10.
func (in *resource) check10(ctx context.Context, e *ocf.Env) error {
	var p *httpd.Probe
	if in.test != nil {
		re, err := httpd.CompileRegex(in.test.Match)
		if err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "testconffile match is not a valid regular expression (%s)", regexProblem(err))
		}
		p = in.probe(httpd.TestURL(in.test.URL, in.conf, in.port), re)
		p.User, p.Password = in.test.User, in.test.Password
		p.QuietMatch = true
		if insecure, _ := httpd.ClientOptions(in.test.ClientOpts); insecure {
			p.Insecure = true
		}
	} else {
		url, expr := in.p.TestURL, in.p.TestRegex10
		if url == "" || expr == "" {
			return ocf.Errorf(ocf.ErrConfigured, "monitor depth 10 needs testurl and testregex10, or testconffile")
		}
		re, err := httpd.CompileRegex(expr)
		if err != nil {
			return ocf.Errorf(ocf.ErrConfigured, "testregex10: %v", err)
		}
		p = in.probe(httpd.TestURL(url, in.conf, in.port), re)
	}
	if _, err := httpd.ParseURL(p.URL); err != nil {
		return ocf.Errorf(ocf.ErrConfigured, "test url: %v", err)
	}
	if err := p.Check(ctx); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "Failed to access httpd status page: %w", err)
	}
	return nil
}

func (in *resource) probe(url string, re *httpd.Matcher) *httpd.Probe {
	return &httpd.Probe{URL: url, Match: re, IPv6: in.ipv6, Insecure: in.insecure, CAFile: in.caFile}
}
