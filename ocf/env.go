package ocf

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// Env is what one invocation knows: the action, the resource's parameters,
// Pacemaker's meta attributes and the deadline.
type Env struct {
	Agent    *Agent
	Action   string
	Instance string // OCF_RESOURCE_INSTANCE
	Node     string // the node the action runs on
	Log      *Logger

	Timeout  time.Duration // the action's timeout (CRM_meta_timeout or the declared default)
	Deadline time.Time     // when the action must be done, safety margin taken off
	Interval time.Duration // CRM_meta_interval; 0 for probes and one-shot actions

	CheckLevel int // OCF_CHECK_LEVEL: depth of a monitor

	values map[string]string
	set    map[string]bool
	loaded any // the resource Agent.Resource loaded for this action
}

// Str is a parameter's value, or its default when not set.
func (e *Env) Str(name string) string {
	e.mustKnow(name)
	return e.values[name]
}

// IsSet reports whether the parameter was given (not just defaulted).
func (e *Env) IsSet(name string) bool {
	e.mustKnow(name)
	return e.set[name]
}

// Bool is a boolean parameter's value (checked at dispatch).
func (e *Env) Bool(name string) bool {
	b, _ := ParseBool(e.Str(name))
	return b
}

// Int is an integer parameter's value (checked at dispatch); 0 when empty.
func (e *Env) Int(name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(e.Str(name)))
	return n
}

// mustKnow reports a lookup of a parameter the agent does not declare: a
// bug, logged, never a panic (a panicking stop gets the node fenced). The
// lookup reads as unset. Agents that decode their parameters with Decode
// cannot make it: their unit tests check the struct against the
// declaration (CheckParams).
func (e *Env) mustKnow(name string) {
	if _, ok := e.values[name]; !ok && !e.Agent.declares(name) {
		if e.Log != nil {
			e.Log.Errorf("ocf: parameter %s is not declared by %s (read as unset)", name, e.Agent.Name)
		}
	}
}

// IsProbe reports a one-time monitor (interval 0 or unset), which Pacemaker
// uses to learn where a resource runs: "not configured here" is NotRunning.
func (e *Env) IsProbe() bool { return e.Action == "monitor" && e.Interval == 0 }

// Meta is a Pacemaker meta attribute (OCF_RESKEY_CRM_meta_<name>), "" if unset.
func (e *Env) Meta(name string) string {
	return os.Getenv("OCF_RESKEY_CRM_meta_" + name)
}

// MetaInt is a numeric meta attribute, def when unset or not a number.
func (e *Env) MetaInt(name string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(e.Meta(name))); err == nil {
		return n
	}
	return def
}

// MetaBool is a boolean meta attribute (false when unset).
func (e *Env) MetaBool(name string) bool {
	b, _ := ParseBool(e.Meta(name))
	return b
}

// Clone describes the clone meta attributes (zero values outside a clone).
type Clone struct {
	Max, NodeMax                 int
	PromotedMax, PromotedNodeMax int
	Notify, GloballyUnique       bool
}

// Clone reads the clone meta attributes, accepting the pre-2.1 master_*
// spellings as Pacemaker still passes both.
func (e *Env) Clone() Clone {
	return Clone{
		Max:             e.MetaInt("clone_max", 0),
		NodeMax:         e.MetaInt("clone_node_max", 0),
		PromotedMax:     e.MetaInt("promoted_max", e.MetaInt("master_max", 0)),
		PromotedNodeMax: e.MetaInt("promoted_node_max", e.MetaInt("master_node_max", 0)),
		Notify:          e.MetaBool("notify"),
		GloballyUnique:  e.MetaBool("globally_unique"),
	}
}

// NotifyType is "pre" or "post" in a notify action.
func (e *Env) NotifyType() string { return e.Meta("notify_type") }

// NotifyOperation is the operation notified about: start, stop, promote, demote.
func (e *Env) NotifyOperation() string { return e.Meta("notify_operation") }

// NotifyList is one of the space separated notify lists, e.g.
// NotifyList("start_uname") or NotifyList("promoted_resource").
func (e *Env) NotifyList(name string) []string {
	return strings.Fields(e.Meta("notify_" + name))
}

// newEnv reads the environment for one action of agent a. A malformed
// OCF variable is never a failure: Pacemaker does not send one, and a
// person trying an agent by hand must not get a stop that fails or a
// deadline of zero for a typo. Each one is a warning (returned, as the
// logger does not exist yet) and the default: the action's declared
// timeout, interval 0, depth 0.
func newEnv(a *Agent, action string, now time.Time) (*Env, []string) {
	e := &Env{
		Agent: a, Action: action,
		Instance: os.Getenv("OCF_RESOURCE_INSTANCE"),
		Node:     os.Getenv("OCF_RESKEY_CRM_meta_on_node"),
		values:   map[string]string{}, set: map[string]bool{},
	}
	if e.Instance == "" {
		e.Instance = "default"
	}
	if e.Node == "" {
		e.Node = NodeName()
	}
	var warnings []string
	var err error
	if e.Interval, err = msEnv("OCF_RESKEY_CRM_meta_interval"); err != nil {
		warnings = append(warnings, err.Error()+": taken as 0 (a probe)")
	}
	if e.Timeout, err = msEnv("OCF_RESKEY_CRM_meta_timeout"); err != nil {
		warnings = append(warnings, fmt.Sprintf("%v: using the declared timeout of %s", err, a.defaultTimeout(action)))
	}
	if e.Timeout <= 0 {
		e.Timeout = a.defaultTimeout(action)
	}
	e.Deadline = now.Add(e.Timeout - Margin(e.Timeout))
	lvl := os.Getenv("OCF_CHECK_LEVEL")
	if lvl == "" {
		lvl = os.Getenv("OCF_RESKEY_OCF_CHECK_LEVEL")
	}
	if lvl != "" {
		n, err := strconv.Atoi(strings.TrimSpace(lvl))
		if err != nil || n < 0 {
			warnings = append(warnings, fmt.Sprintf("OCF_CHECK_LEVEL=%q is not a depth: using 0", lvl))
			n = 0
		}
		e.CheckLevel = n
	}
	return e, warnings
}

// maxMillis is the longest duration in milliseconds that time.Duration
// (int64 nanoseconds) holds: beyond it, 18446744073710 ms would overflow
// to a deadline 448 µs away. Anything shorter is taken as meant, however
// long: a deliberately long timeout (a DRBD resync) must not be cut short.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// msEnv reads a duration Pacemaker passes in milliseconds: a decimal
// integer from 0 to maxMillis. Anything else is an error and reads as 0.
func msEnv(name string) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return 0, nil
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms < 0 || ms > maxMillis {
		return 0, fmt.Errorf("%s=%q is not a number of milliseconds between 0 and %d", name, v, maxMillis)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// NodeName is this node's name as the shell agents compare it: uname -n
// (os.Hostname reads the same kernel field, without a fork). Env.Node is
// Pacemaker's name for the node when Pacemaker passes one.
func NodeName() string {
	h, _ := os.Hostname()
	return h
}

// Margin is the part of an action's timeout kept back so that the agent
// reports its own result before Pacemaker kills it: a tenth of the timeout,
// at least 250 ms, at most 5 s, and never more than half.
func Margin(timeout time.Duration) time.Duration {
	m := timeout / 10
	if m < 250*time.Millisecond {
		m = 250 * time.Millisecond
	}
	if m > 5*time.Second {
		m = 5 * time.Second
	}
	if m > timeout/2 {
		m = timeout / 2
	}
	return m
}
