package drbd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// NoUpToDateData is drbdadm's exit code when a promotion is refused because
// no UpToDate data is reachable.
const NoUpToDateData = 17

// Tools runs drbdadm and drbdsetup. The paths are injectable so tests run
// the fake in test/drbdfake.
type Tools struct {
	Drbdadm   string // default "drbdadm"
	Drbdsetup string // default "drbdsetup"
	Conf      string // drbdadm -c; empty for drbdadm's own default
	Stacked   bool   // drbdadm -S
	// Env is added to the children's environment (e.g. the anchor's
	// OCF_RESKEY_unfence_extra_args for the unfence hook).
	Env []string
}

// CmdError is a command that ran and failed.
type CmdError struct {
	Args   []string
	Code   int
	Stderr string
}

func (e *CmdError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = "no error output"
	}
	return fmt.Sprintf("%s: exit code %d: %s", strings.Join(e.Args, " "), e.Code, msg)
}

// ExitCode is the exit code of a failed command, or -1 when err is not one.
func ExitCode(err error) int {
	var ce *CmdError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}

func run(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	// drbdadm's own drbdsetup may hold the pipes after the deadline killed
	// drbdadm: Wait must not wait for it.
	cmd.WaitDelay = 200 * time.Millisecond
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ctx.Err() == nil {
		return stdout.Bytes(), &CmdError{Args: append([]string{name}, args...), Code: ee.ExitCode(), Stderr: stderr.String()}
	}
	if ctx.Err() != nil {
		return stdout.Bytes(), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), ctx.Err())
	}
	return stdout.Bytes(), fmt.Errorf("%s: %w", name, err)
}

func (t *Tools) adm() string {
	if t.Drbdadm == "" {
		return "drbdadm"
	}
	return t.Drbdadm
}

func (t *Tools) setup() string {
	if t.Drbdsetup == "" {
		return "drbdsetup"
	}
	return t.Drbdsetup
}

func (t *Tools) admArgs(args ...string) []string {
	var a []string
	if t.Conf != "" {
		a = append(a, "-c", t.Conf)
	}
	if t.Stacked {
		a = append(a, "-S")
	}
	return append(a, args...)
}

// Adm runs drbdadm with the configuration options and returns its stdout.
func (t *Tools) Adm(ctx context.Context, args ...string) ([]byte, error) {
	return run(ctx, t.Env, t.adm(), t.admArgs(args...)...)
}

// Setup runs drbdsetup and returns its stdout.
func (t *Tools) Setup(ctx context.Context, args ...string) ([]byte, error) {
	return run(ctx, t.Env, t.setup(), args...)
}

// Version runs `drbdadm --version`.
func (t *Tools) Version(ctx context.Context) (Version, error) {
	out, err := run(ctx, t.Env, t.adm(), "--version")
	if err != nil && len(out) == 0 {
		return Version{}, err
	}
	return ParseVersion(out)
}

// Devices lists the block devices of res (`drbdadm sh-dev`). A resource
// missing from the configuration is a *CmdError.
func (t *Tools) Devices(ctx context.Context, res string) ([]string, error) {
	out, err := t.Adm(ctx, "sh-dev", res)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// Status reads the state of res: events2 on DRBD 9, sh-status before
// (per device before 8.4, which knows no volumes).
func (t *Tools) Status(ctx context.Context, v Version, res string, devices []string) (Status, error) {
	if v.V9() {
		out, err := t.Setup(ctx, "events2", "--now", res)
		if err != nil {
			return Status{}, err
		}
		return ParseEvents2(out, res)
	}
	// Like the anchor, a failing sh-status reads as an unconfigured resource.
	args := []string{"sh-status", res}
	if !v.MultiVolume() && len(devices) > 0 {
		args = []string{devices[0], "sh-status"}
	}
	out, err := t.Setup(ctx, args...)
	if err != nil {
		out = nil
	}
	return ParseShStatus(out)
}

// AllowsTwoPrimaries reports whether the configuration of res sets
// allow-two-primaries (`drbdadm -d -v dump`).
func (t *Tools) AllowsTwoPrimaries(ctx context.Context, res string) (bool, error) {
	out, err := t.Adm(ctx, "-d", "-v", "dump", res)
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 1 && f[0] == "allow-two-primaries;" {
			return true, nil
		}
		if len(f) == 2 && f[0] == "allow-two-primaries" && f[1] == "yes;" {
			return true, nil
		}
	}
	return false, nil
}
