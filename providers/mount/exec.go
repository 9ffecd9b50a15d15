package mount

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// run forks a command under ctx and returns its combined output, trimmed.
func run(ctx context.Context, name string, args ...string) (string, int, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	// A helper's own children (fsck.ext4, mount.nfs) may hold the pipe
	// after the deadline killed it: Wait must not wait for them.
	cmd.WaitDelay = 200 * time.Millisecond
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out: %w", name, ctx.Err())
	}
	return strings.TrimSpace(out.String()), code, err
}

// MountArgs is the mount(8) command line (without "mount") for f.
func (f FS) MountArgs() []string {
	var args []string
	if f.FSType != "" && f.FSType != "none" {
		args = append(args, "-t", f.FSType)
	}
	if f.Options != "" {
		args = append(args, "-o", f.Options)
	}
	// "--" ends the options: a source or directory that starts with "-"
	// is an operand, never an option such as -oremount.
	return append(args, "--", f.Device.MountSource(), f.Dir)
}

// Mount mounts f through mount(8), so that mount helpers (mount.nfs,
// mount.cifs, fuse) and option strings behave as users expect.
func Mount(ctx context.Context, f FS) error {
	out, _, err := run(ctx, "mount", f.MountArgs()...)
	if err != nil {
		return fmt.Errorf("mount %s on %s failed: %s", f.Device.MountSource(), f.Dir, Redact(firstNonEmpty(out, err.Error())))
	}
	return nil
}

// umount runs umount(8) once on dir; force adds -f (network filesystems).
// dir comes from the mount table, so -c (no canonicalisation) is right,
// and it keeps umount from stat'ing the mount point, which hangs on a
// dead NFS server.
func umount(ctx context.Context, dir string, force bool) error {
	args := []string{"-c", "--", dir}
	if force {
		args = []string{"-f", "-c", "--", dir}
	}
	out, _, err := run(ctx, "umount", args...)
	if err != nil {
		return errors.New(firstNonEmpty(out, err.Error()))
	}
	return nil
}

// Fsck checks the device with fsck -p. Exit codes below 4 mean the
// filesystem is clean or was repaired; 4 and above are failures.
// fsck(8) cannot take "--" before its operands: what follows "--" goes to
// the checker as options, and the device is not checked at all. It takes
// an argument that starts with "/" as a device, so only such a path is
// given to it.
func Fsck(ctx context.Context, fstype, device string) error {
	if !strings.HasPrefix(device, "/") {
		return fmt.Errorf("fsck of %q refused: not a device path", device)
	}
	args := []string{"-p"}
	if fstype != "" && fstype != "auto" {
		args = append(args, "-t", fstype)
	}
	args = append(args, device)
	out, code, err := run(ctx, "fsck", args...)
	// 1-3 mean errors corrected; anything else failed, including -1 for
	// a fsck killed by a signal (the OOM killer, a timeout).
	if err != nil && (code < 1 || code > 3) {
		return fmt.Errorf("fsck of %s failed (exit %d): %s", device, code, lastLine(firstNonEmpty(out, err.Error())))
	}
	return nil
}

// secretOpt is compiled on first use: the monitor never needs it, and
// every millisecond of start-up is paid on every monitor.
var secretOpt = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(password|pass|passwd|secret|pw)=[^,\s]*`)
})

// Redact hides passwords in option strings (cifs password=, ceph secret=)
// before they reach a log line or an exit reason.
func Redact(s string) string {
	return secretOpt().ReplaceAllString(s, "$1=***")
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
