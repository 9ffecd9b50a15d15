package ocf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Attrs reads and writes transient node attributes through crm_attribute,
// the interface Pacemaker offers for them. Path is injectable so tests use a
// fake; the zero value uses crm_attribute from PATH, /usr/sbin or /sbin.
type Attrs struct {
	Path string // crm_attribute binary
	// Resource is the resource whose promotion score is meant; "" lets
	// crm_attribute take OCF_RESOURCE_INSTANCE and strip the clone suffix.
	Resource string
}

func (a *Attrs) bin() string {
	if a.Path != "" {
		return a.Path
	}
	if p, err := exec.LookPath("crm_attribute"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/crm_attribute", "/sbin/crm_attribute"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "crm_attribute"
}

// promotion names the promotion score: crm_attribute -p from Pacemaker 2.1
// (CRM feature set 3.10.0) on; before, the attribute master-<resource> that
// crm_master wrote, with the clone instance suffix stripped, as
// resource-agents' ocf_promotion_score does.
func (a *Attrs) promotion() []string {
	if fs := os.Getenv("OCF_RESKEY_crm_feature_set"); fs != "" && olderThan(fs, 3, 10) {
		rsc := a.Resource
		if rsc == "" {
			rsc, _, _ = strings.Cut(os.Getenv("OCF_RESOURCE_INSTANCE"), ":")
		}
		return []string{"-n", "master-" + rsc}
	}
	if a.Resource != "" {
		return []string{"--promotion=" + a.Resource}
	}
	return []string{"-p"}
}

// olderThan compares a feature set "3.9.1" with major.minor.
func olderThan(version string, major, minor int) bool {
	f := strings.SplitN(version, ".", 3)
	ma, err1 := strconv.Atoi(f[0])
	mi := 0
	var err2 error
	if len(f) > 1 {
		mi, err2 = strconv.Atoi(f[1])
	}
	if err1 != nil || err2 != nil {
		return false // unreadable: assume a current Pacemaker
	}
	return ma < major || ma == major && mi < minor
}

// SetPromotionScore sets this node's promotion score for the resource
// (lifetime reboot, as crm_master -l reboot -v did).
func (a *Attrs) SetPromotionScore(ctx context.Context, score int) error {
	_, err := a.run(ctx, append(a.promotion(), "-l", "reboot", "-v", strconv.Itoa(score))...)
	return err
}

// DeletePromotionScore removes this node's promotion score.
func (a *Attrs) DeletePromotionScore(ctx context.Context) error {
	_, err := a.run(ctx, append(a.promotion(), "-l", "reboot", "-D")...)
	return err
}

// PromotionScore reads this node's promotion score; ok is false when none
// is set.
func (a *Attrs) PromotionScore(ctx context.Context) (score int, ok bool, err error) {
	out, err := a.run(ctx, append(a.promotion(), "-l", "reboot", "-G", "-q")...)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 105 { // CRM_EX_NOSUCH
			return 0, false, nil
		}
		return 0, false, err
	}
	v := strings.TrimSpace(out)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false, fmt.Errorf("crm_attribute: promotion score %q is not a number", v)
	}
	return n, true, nil
}

// Set sets a transient (lifetime reboot) attribute of node ("" for this node).
func (a *Attrs) Set(ctx context.Context, node, name, value string) error {
	_, err := a.run(ctx, nodeArgs(node, "-n", name, "-l", "reboot", "-v", value)...)
	return err
}

// Delete removes a transient attribute of node ("" for this node).
func (a *Attrs) Delete(ctx context.Context, node, name string) error {
	_, err := a.run(ctx, nodeArgs(node, "-n", name, "-l", "reboot", "-D")...)
	return err
}

func nodeArgs(node string, args ...string) []string {
	if node == "" {
		return args
	}
	return append([]string{"-N", node}, args...)
}

func (a *Attrs) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, a.bin(), args...)
	cmd.WaitDelay = ChildWaitDelay
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return out.String(), &attrError{args: args, msg: msg, err: err}
	}
	return out.String(), nil
}

type attrError struct {
	args []string
	msg  string
	err  error
}

func (e *attrError) Error() string {
	return "crm_attribute " + strings.Join(e.args, " ") + ": " + e.msg
}

func (e *attrError) Unwrap() error { return e.err }
