package ocifake

import (
	"net/http"
	"sort"
	"time"
)

// Compute instances with a lifecycle, for fence_oci: ListInstances (paged,
// displayName filter), GetInstance and InstanceAction (STOP, START, RESET,
// SOFTSTOP, SOFTRESET). A power action moves the instance to STOPPING or
// STARTING at once and to STOPPED or RUNNING after ActionDelay; the
// request faults (SetFault with these operation names, SetLatency) apply.

// Compute operation names, for counters and faults.
const (
	OpListInstances  = "ListInstances"
	OpGetInstance    = "GetInstance"
	OpInstanceAction = "InstanceAction"
)

// ComputeOps are the Compute operations.
var ComputeOps = []string{OpListInstances, OpGetInstance, OpInstanceAction}

// PowerHooks are called when a power action takes effect, before the API
// reports the instance STOPPED or RUNNING: the multi-node harness powers
// the node that stands for the instance off (and on) here, so that
// STOPPED in the API is a fact.
type PowerHooks struct {
	OnPowerOff func(name string)
	OnPowerOn  func(name string)
}

// ComputeFaults shape how power actions behave.
type ComputeFaults struct {
	ActionDelay time.Duration // STOPPING/STARTING last this long
	FailActions int           // the next n actions fall back to the state before (as a failed stop would)
}

type compute struct {
	hooks  PowerHooks
	faults ComputeFaults
}

// instanceState is the power side of an Instance.
type instanceState struct {
	lifecycle string   // "" is RUNNING
	actions   []string // actions posted, in order
	gen       int      // bumped by every action, so a late timer does not undo a newer one
	display   string   // displayName when it differs from the name the fake knows it by
}

func (in *Instance) displayName() string {
	if in.power.display != "" {
		return in.power.display
	}
	return in.Name
}

// SetDisplayName renames the instance as the API shows it (the fake keeps
// knowing it by name): two instances may share a display name.
func (f *Fake) SetDisplayName(name, display string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in := f.instances[name]; in != nil {
		in.power.display = display
	}
}

func (s *instanceState) state() string {
	if s.lifecycle == "" {
		return "RUNNING"
	}
	return s.lifecycle
}

// SetPowerHooks installs h (the zero value removes them).
func (f *Fake) SetPowerHooks(h PowerHooks) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.compute.hooks = h
}

// SetComputeFaults replaces the power action faults.
func (f *Fake) SetComputeFaults(c ComputeFaults) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.compute.faults = c
}

// LifecycleState is the named instance's lifecycleState ("" when unknown).
func (f *Fake) LifecycleState(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in := f.instances[name]; in != nil {
		return in.power.state()
	}
	return ""
}

// SetLifecycleState sets the named instance's state behind the API's back.
func (f *Fake) SetLifecycleState(name, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in := f.instances[name]; in != nil {
		in.power.lifecycle = state
		in.power.gen++
	}
}

// InstanceActions lists the actions posted for the named instance, in
// order: a test asserts STOP and never SOFTSTOP.
func (f *Fake) InstanceActions(name string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in := f.instances[name]; in != nil {
		return append([]string(nil), in.power.actions...)
	}
	return nil
}

// ComputeCount is the number of Compute requests of any operation.
func (f *Fake) ComputeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, op := range ComputeOps {
		n += f.counts[op]
	}
	return n
}

type instanceJSON struct {
	resourceJSON
	LifecycleState string `json:"lifecycleState"`
	Region         string `json:"region"`
	Shape          string `json:"shape"`
}

func (f *Fake) instanceJSON(in *Instance) instanceJSON {
	return instanceJSON{
		resourceJSON:   f.resource(in.AD, in.displayName(), in.ID, "2024-01-15T10:00:00.000Z"),
		LifecycleState: in.power.state(),
		Region:         f.opt.Region,
		Shape:          "VM.Standard.E4.Flex",
	}
}

func (f *Fake) instanceByID(id string) *Instance {
	for _, in := range f.instances {
		if in.ID == id {
			return in
		}
	}
	return nil
}

// computeOp names the Compute operation of a request ("" for none).
func computeOp(method, path string) (op, id string) {
	switch {
	case path == "/instances" && method == http.MethodGet:
		return OpListInstances, ""
	case len(path) > len("/instances/") && path[:len("/instances/")] == "/instances/":
		id = path[len("/instances/"):]
		switch method {
		case http.MethodGet:
			return OpGetInstance, id
		case http.MethodPost:
			return OpInstanceAction, id
		}
	}
	return "", ""
}

// serveCompute answers a Compute operation. Callers hold f.mu.
func (f *Fake) serveCompute(w http.ResponseWriter, r *http.Request, op, id string) {
	switch op {
	case OpListInstances:
		f.listInstances(w, r)
	case OpGetInstance:
		in := f.instanceByID(id)
		if in == nil {
			f.notFound(w, r, "Instance", id)
			return
		}
		f.writeJSON(w, r, 200, f.instanceJSON(in), in.power.gen+1)
	case OpInstanceAction:
		f.instanceAction(w, r, id)
	}
}

func (f *Fake) listInstances(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	comp := q.Get("compartmentId")
	if comp == "" {
		f.writeError(w, r, http.StatusBadRequest, "MissingParameter", "compartmentId is required")
		return
	}
	if comp != f.opt.Tenancy {
		f.writeError(w, r, http.StatusNotFound, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found")
		return
	}
	pg, ok := f.pagingOf(w, r)
	if !ok {
		return
	}
	name, state := q.Get("displayName"), q.Get("lifecycleState")
	var match []instanceJSON
	for _, in := range f.instances {
		if (name == "" || in.displayName() == name) && (state == "" || in.power.state() == state) {
			match = append(match, f.instanceJSON(in))
		}
	}
	sort.Slice(match, func(i, j int) bool { return match[i].ID < match[j].ID })
	writePage(f, w, r, pg, match)
}

// instanceAction follows the service: an action that the state allows
// starts a transition; one already under way (or done) answers the
// instance as it is; one against a transition answers 409 IncorrectState.
func (f *Fake) instanceAction(w http.ResponseWriter, r *http.Request, id string) {
	in := f.instanceByID(id)
	if in == nil {
		f.notFound(w, r, "Instance", id)
		return
	}
	action := r.URL.Query().Get("action")
	in.power.actions = append(in.power.actions, action)
	cur := in.power.state()
	var via, to string
	off, on := false, false
	switch action {
	case "STOP", "SOFTSTOP":
		switch cur {
		case "STOPPED", "STOPPING":
		case "RUNNING":
			via, to, off = "STOPPING", "STOPPED", true
		default:
			f.writeError(w, r, http.StatusConflict, "IncorrectState", "Instance is in state "+cur)
			return
		}
	case "START":
		switch cur {
		case "RUNNING", "STARTING":
		case "STOPPED":
			via, to, on = "STARTING", "RUNNING", true
		default:
			f.writeError(w, r, http.StatusConflict, "IncorrectState", "Instance is in state "+cur)
			return
		}
	case "RESET", "SOFTRESET":
		if cur != "RUNNING" {
			f.writeError(w, r, http.StatusConflict, "IncorrectState", "Instance is in state "+cur)
			return
		}
		via, to, off, on = "STOPPING", "RUNNING", true, true
	default:
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "Invalid action "+action)
		return
	}
	if via != "" {
		failed := false
		if f.compute.faults.FailActions > 0 {
			f.compute.faults.FailActions--
			failed = true
		}
		in.power.lifecycle = via
		in.power.gen++
		gen, before := in.power.gen, cur
		time.AfterFunc(f.compute.faults.ActionDelay, func() {
			f.completeInstanceAction(in, gen, before, to, failed, off, on)
		})
	}
	f.writeJSON(w, r, 200, f.instanceJSON(in), in.power.gen+1)
}

// completeInstanceAction runs the hooks first, then lets the API show the
// new state, so that whoever reads STOPPED reads a fact.
func (f *Fake) completeInstanceAction(in *Instance, gen int, before, to string, failed, off, on bool) {
	f.mu.Lock()
	hooks := f.compute.hooks
	stale := in.power.gen != gen
	f.mu.Unlock()
	if stale {
		return
	}
	if !failed {
		if off && hooks.OnPowerOff != nil {
			hooks.OnPowerOff(in.Name)
		}
		if on && hooks.OnPowerOn != nil {
			hooks.OnPowerOn(in.Name)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.power.gen != gen {
		return
	}
	if failed {
		in.power.lifecycle = before
	} else {
		in.power.lifecycle = to
	}
	in.power.gen++
}
