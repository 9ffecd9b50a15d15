package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
)

// start runs httpd and waits until the monitor passes. On a server that
// never passes, what was started is stopped again before the deadline.
func start(ctx context.Context, e *ocf.Env, in *resource) error {
	pid, ok, _ := in.server.Pid()
	if ok {
		e.Log.Infof("apache already running (pid %d)", pid)
		return nil
	}
	if pid != 0 {
		// httpd would take the live process it names for itself and
		// refuse to start ("already running").
		e.Log.Infof("removing stale pid file %s (process %d is not %s -f %s)", in.server.PidFile, pid, in.server.Binary, in.server.ConfigFile)
		if err := os.Remove(in.server.PidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return ocf.Errorf(ocf.ErrGeneric, "removing stale pid file: %v", err)
		}
	}
	if err := in.prepareDirs(); err != nil {
		return ocf.Errorf(ocf.ErrInstalled, "%v", err)
	}
	// umask and ulimit of the envfiles, as the shell that sources them
	// would pass them on to httpd.
	for _, err := range in.env.ApplyProcess() {
		e.Log.Warnf("envfiles: %v", err)
	}
	errLog := httpd.MarkLog(in.conf.ErrorLog)
	if err := in.server.Start(ctx); err != nil {
		var ee *httpd.ExitError
		if !errors.As(err, &ee) {
			return ocf.Errorf(ocf.ErrGeneric, "running %s: %v", in.server.Binary, err)
		}
		// A configuration httpd refuses is this node's problem (the file
		// is per node and may be broken here only): 1 with httpd's own
		// words, so that Pacemaker tries another node, not 6, which
		// would stop the resource everywhere.
		if cerr := in.server.ConfigTest(ctx); cerr != nil {
			return ocf.Errorf(ocf.ErrGeneric, "%s", reasonOf(refused(cerr)))
		}
		return ocf.Errorf(ocf.ErrGeneric, "httpd failed to start: %s", startFailure(ee, errLog, in.conf.ErrorLog))
	}

	// Keep a quarter of the time to stop a server that never came up.
	deadline, _ := ctx.Deadline()
	checkUntil := time.Now().Add(time.Until(deadline) * 3 / 4)
	checkCtx, cancel := context.WithDeadline(ctx, checkUntil)
	defer cancel()
	// The attempt cut short by the deadline says only "timeout": the
	// reason reports the last error that says why the check fails.
	var last, telling error
	// httpd usually answers within tens of milliseconds: look again soon,
	// then back off to every 100 ms.
	pause := 10 * time.Millisecond
	for {
		last = in.running(checkCtx, e)
		if last == nil {
			if last = in.check(checkCtx, e); last == nil {
				return nil
			}
		}
		if !isTimeout(last) {
			telling = last
		}
		if len(httpd.InstancePids(in.server.Binary, in.server.ConfigFile)) == 0 {
			if said := errLog.Since(); said != "" {
				return ocf.Errorf(ocf.ErrGeneric, "httpd exited right after starting: %s", said)
			}
			return ocf.Errorf(ocf.ErrGeneric, "httpd exited right after starting and wrote nothing to %s (%v)", logName(in.conf.ErrorLog), last)
		}
		select {
		case <-checkCtx.Done():
			e.Log.Warnf("apache did not pass its check in time: %v; stopping it", last)
			if _, err := in.server.Stop(ctx); err != nil {
				e.Log.Errorf("stopping the failed start: %v", err)
			}
			if telling != nil {
				last = telling
			}
			return ocf.Errorf(ocf.ErrGeneric, "apache %s did not come up within the start timeout: %v", in.server.ConfigFile, last)
		case <-time.After(pause):
			pause = min(2*pause, 100*time.Millisecond)
		}
	}
}

// prepareDirs creates what httpd needs and a bare system may lack: the pid
// file's directory, and Debian's run and lock directories that
// apache2ctl would create (the lock directory owned by the run user).
func (in *resource) prepareDirs() error {
	dirs := []string{filepath.Dir(in.server.PidFile)}
	for _, v := range []string{"APACHE_RUN_DIR", "APACHE_LOCK_DIR"} {
		if d, ok := in.env.Get(v); ok && filepath.IsAbs(d) {
			dirs = append(dirs, d)
		}
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	lock, ok := in.env.Get("APACHE_LOCK_DIR")
	name, _ := in.env.Get("APACHE_RUN_USER")
	if ok && filepath.IsAbs(lock) && name != "" {
		if u, err := user.Lookup(name); err == nil {
			uid, _ := strconv.Atoi(u.Uid)
			os.Chown(lock, uid, -1)
		}
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// startFailure is why httpd refused to start: what it printed, else what
// it wrote to its error log meanwhile (once the log is open, httpd reports
// there: a missing mime.types, say), never nothing.
func startFailure(ee *httpd.ExitError, errLog httpd.LogMark, path string) string {
	if ee.Output != "" {
		return ee.Output
	}
	if said := errLog.Since(); said != "" {
		return said
	}
	return fmt.Sprintf("it exited with status %d and wrote nothing to stderr or %s", ee.Code, logName(path))
}

func logName(path string) string {
	if path == "" {
		return "an error log file"
	}
	return path
}

// reasonOf is the text of an ocf error, without its code.
func reasonOf(err error) string {
	var oe *ocf.Error
	if errors.As(err, &oe) {
		return oe.Reason
	}
	return err.Error()
}
