package dofake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// Droplets with power state, for fence_digitalocean: GET /v2/droplets
// (paged, ?name= filter), GET /v2/droplets/{id}, POST
// /v2/droplets/{id}/actions (power_off, power_on, reboot, power_cycle,
// shutdown) and GET /v2/droplets/{id}/actions/{action}. An action stays
// in-progress for Faults.ActionDelay, then changes the droplet's status;
// ErrorActions and PendingEvent apply as to reserved IP actions, and so do
// the request faults (latency, 429, 5xx, hang, API down).

// powerAction is one droplet action.
type powerAction struct {
	id        int
	typ       string
	started   time.Time
	completed time.Time
	status    string // in-progress, completed, errored
	errored   bool
}

// PowerHooks are called when a power action takes effect, before the API
// reports it: the multi-node harness powers the node that stands for the
// droplet off (and on) here, so that "off" in the API is a fact.
type PowerHooks struct {
	OnPowerOff func(name string)
	OnPowerOn  func(name string)
}

// SetPowerHooks installs h (the zero value removes them).
func (f *Fake) SetPowerHooks(h PowerHooks) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.powerHooks = h
}

// DropletStatus is the droplet's status as the API shows it ("" when there
// is no such droplet).
func (f *Fake) DropletStatus(id int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.droplets[id]; d != nil {
		return d.powerStatus()
	}
	return ""
}

// SetDropletStatus sets a droplet's status ("new", "active", "off",
// "archive") behind the API's back.
func (f *Fake) SetDropletStatus(id int, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.droplets[id]; d != nil {
		d.status = status
	}
}

// DropletActions lists the types of the actions posted for a droplet, in
// order, accepted or not: a test asserts "power_off" and never "shutdown".
func (f *Fake) DropletActions(id int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.droplets[id]; d != nil {
		return append([]string(nil), d.posted...)
	}
	return nil
}

func (d *droplet) powerStatus() string {
	if d.status == "" {
		return "active"
	}
	return d.status
}

func (d *droplet) pendingAction() *powerAction {
	for _, a := range d.actions {
		if a.status == "in-progress" {
			return a
		}
	}
	return nil
}

func (f *Fake) dropletRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/droplets", f.listDroplets)
	mux.HandleFunc("GET /v2/droplets/{id}", f.getDroplet)
	mux.HandleFunc("POST /v2/droplets/{id}/actions", f.postDropletAction)
	mux.HandleFunc("GET /v2/droplets/{id}/actions/{action}", f.getDropletAction)
}

func (f *Fake) listDroplets(w http.ResponseWriter, r *http.Request) {
	page, perPage := paging(r)
	name := r.URL.Query().Get("name")
	f.mu.Lock()
	all := []*wireDroplet{}
	for _, d := range f.droplets {
		if name == "" || d.name == name {
			all = append(all, wireDropletOf(d))
		}
	}
	f.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	items, links := paginate(r, len(all), page, perPage)
	f.ok(w, http.StatusOK, map[string]any{
		"droplets": all[items[0]:items[1]],
		"links":    links,
		"meta":     wireMeta{Total: len(all)},
	})
}

func (f *Fake) droplet(r *http.Request) *droplet {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return nil
	}
	return f.droplets[id]
}

func (f *Fake) getDroplet(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	d := f.droplet(r)
	var body any
	if d != nil {
		body = map[string]any{"droplet": wireDropletOf(d)}
	}
	f.mu.Unlock()
	if body == nil {
		f.notFound(w, r)
		return
	}
	f.ok(w, http.StatusOK, body)
}

func (f *Fake) wireDropletAction(d *droplet, a *powerAction) wireAction {
	out := wireAction{
		ID: a.id, Status: a.status, Type: a.typ,
		StartedAt:  a.started.UTC().Format(timeFormat),
		ResourceID: int64(d.id), ResourceType: "droplet",
		Region: nyc3, RegionSlug: nyc3.Slug,
	}
	if !a.completed.IsZero() {
		s := a.completed.UTC().Format(timeFormat)
		out.CompletedAt = &s
	}
	if a.status == "in-progress" && f.faults.UnknownStatus > 0 {
		f.faults.UnknownStatus--
		out.Status = UnknownStatusValue
	}
	return out
}

func (f *Fake) postDropletAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type string `json:"type"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.apiError(w, r, http.StatusBadRequest, "bad_request", "unable to parse request body: invalid JSON")
		return
	}
	f.mu.Lock()
	d := f.droplet(r)
	if d == nil {
		f.mu.Unlock()
		f.notFound(w, r)
		return
	}
	d.posted = append(d.posted, req.Type)
	fail := func(msg string) {
		f.mu.Unlock()
		f.apiError(w, r, http.StatusUnprocessableEntity, "unprocessable_entity", msg)
	}
	switch req.Type {
	case "power_off", "power_on", "reboot", "power_cycle", "shutdown":
	default:
		fail(fmt.Sprintf("%q is not a valid action type", req.Type))
		return
	}
	if f.faults.PendingEvent > 0 {
		f.faults.PendingEvent--
		fail("Droplet already has a pending event.")
		return
	}
	if d.pendingAction() != nil {
		fail("Droplet already has a pending event.")
		return
	}
	a := &powerAction{id: f.nextAction, typ: req.Type, started: f.now(), status: "in-progress"}
	f.nextAction++
	if f.faults.ErrorActions > 0 {
		f.faults.ErrorActions--
		a.errored = true
	}
	d.actions = append(d.actions, a)
	body := map[string]any{"action": f.wireDropletAction(d, a)}
	delay := f.faults.ActionDelay
	f.mu.Unlock()
	// The action completes on its own clock, read or not: a droplet
	// powers off whether or not anyone polls.
	time.AfterFunc(delay, func() { f.completeDropletAction(d, a) })
	f.ok(w, http.StatusCreated, body)
}

// completeDropletAction runs the hooks first, then lets the API show the
// new state, so that whoever sees "off" sees a fact.
func (f *Fake) completeDropletAction(d *droplet, a *powerAction) {
	f.mu.Lock()
	hooks := f.powerHooks
	name, errored := d.name, a.errored
	f.mu.Unlock()
	if !errored {
		switch a.typ {
		case "power_off", "shutdown":
			if hooks.OnPowerOff != nil {
				hooks.OnPowerOff(name)
			}
		case "power_on":
			if hooks.OnPowerOn != nil {
				hooks.OnPowerOn(name)
			}
		case "reboot", "power_cycle":
			if hooks.OnPowerOff != nil {
				hooks.OnPowerOff(name)
			}
			if hooks.OnPowerOn != nil {
				hooks.OnPowerOn(name)
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a.completed = f.now()
	if errored {
		a.status = "errored"
		return
	}
	a.status = "completed"
	switch a.typ {
	case "power_off", "shutdown":
		d.status = "off"
	case "power_on", "reboot", "power_cycle":
		d.status = "active"
	}
}

func (f *Fake) getDropletAction(w http.ResponseWriter, r *http.Request) {
	aid, _ := strconv.Atoi(r.PathValue("action"))
	f.mu.Lock()
	var body any
	if d := f.droplet(r); d != nil {
		for _, a := range d.actions {
			if a.id == aid {
				body = map[string]any{"action": f.wireDropletAction(d, a)}
			}
		}
	}
	f.mu.Unlock()
	if body == nil {
		f.notFound(w, r)
		return
	}
	f.ok(w, http.StatusOK, body)
}
