package dofake

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (f *Fake) postAction(kind ipKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Type      string `json:"type"`
			DropletID *int   `json:"droplet_id"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			f.apiError(w, r, http.StatusBadRequest, "bad_request", "unable to parse request body: invalid JSON")
			return
		}
		f.mu.Lock()
		f.advance()
		ip := f.lookup(r)
		status, id, msg, act := f.startAction(kind, ip, req.Type, req.DropletID)
		var body any
		if act != nil {
			body = map[string]any{"action": f.wireAction(act)}
		}
		f.mu.Unlock()
		if act == nil {
			f.apiError(w, r, status, id, msg)
			return
		}
		f.ok(w, http.StatusCreated, body)
	}
}

// startAction validates and creates an action. Callers hold f.mu.
func (f *Fake) startAction(kind ipKind, ip *reservedIP, typ string, dropletID *int) (int, string, string, *action) {
	if ip == nil {
		return http.StatusNotFound, "not_found", "The resource you were accessing could not be found.", nil
	}
	a := &action{ip: ip.addr.String(), resourceType: kind.singular, started: f.now()}
	switch typ {
	case "assign":
		if dropletID == nil || *dropletID <= 0 {
			return http.StatusUnprocessableEntity, "unprocessable_entity", "droplet_id is required for an assign action", nil
		}
		if f.droplets[*dropletID] == nil {
			return http.StatusUnprocessableEntity, "unprocessable_entity", fmt.Sprintf("Droplet %d could not be found.", *dropletID), nil
		}
		a.typ, a.target = "assign_ip", *dropletID
	case "unassign":
		if ip.droplet == 0 && ip.pending == nil {
			return http.StatusUnprocessableEntity, "unprocessable_entity", "The " + strings.ReplaceAll(kind.singular, "_", " ") + " is not assigned to a Droplet.", nil
		}
		a.typ = "unassign_ip"
	default:
		return http.StatusUnprocessableEntity, "unprocessable_entity", fmt.Sprintf("%q is not a valid action type", typ), nil
	}
	if f.faults.PendingEvent > 0 {
		f.faults.PendingEvent--
		return http.StatusUnprocessableEntity, "unprocessable_entity", "Droplet already has a pending event.", nil
	}
	if ip.pending != nil {
		return http.StatusUnprocessableEntity, "unprocessable_entity", "The " + strings.ReplaceAll(kind.singular, "_", " ") + " already has a pending event.", nil
	}
	if ip.locked(f.now()) {
		return http.StatusUnprocessableEntity, "unprocessable_entity", "The " + strings.ReplaceAll(kind.singular, "_", " ") + " is locked, try again later.", nil
	}
	if f.faults.ErrorActions > 0 {
		f.faults.ErrorActions--
		a.errored = true
	}
	a.id = f.nextAction
	f.nextAction++
	a.status = "in-progress"
	a.due = a.started.Add(f.faults.ActionDelay)
	f.actions[a.id] = a
	ip.pending = a
	return 0, "", "", a
}

// wireAction renders a; callers hold f.mu.
func (f *Fake) wireAction(a *action) wireAction {
	addr := f.ips[a.ip].addr.As4()
	out := wireAction{
		ID: a.id, Status: a.status, Type: a.typ,
		StartedAt:  a.started.UTC().Format(timeFormat),
		ResourceID: int64(binary.BigEndian.Uint32(addr[:])), ResourceType: a.resourceType,
		Region: nyc3, RegionSlug: nyc3.Slug,
	}
	if !a.completed.IsZero() {
		s := a.completed.UTC().Format(timeFormat)
		out.CompletedAt = &s
	}
	return out
}

// readAction renders a for a GET, applying the UnknownStatus fault.
func (f *Fake) readAction(a *action) wireAction {
	out := f.wireAction(a)
	if f.faults.UnknownStatus > 0 {
		f.faults.UnknownStatus--
		out.Status = UnknownStatusValue
	}
	return out
}

func (f *Fake) getIPAction(kind ipKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		f.mu.Lock()
		f.advance()
		a := f.actions[id]
		var body any
		if a != nil && a.ip == r.PathValue("ip") {
			body = map[string]any{"action": f.readAction(a)}
		}
		f.mu.Unlock()
		if body == nil {
			f.notFound(w, r)
			return
		}
		f.ok(w, http.StatusOK, body)
	}
}

func (f *Fake) listActions(kind ipKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, perPage := paging(r)
		f.mu.Lock()
		f.advance()
		ip := f.lookup(r)
		var all []wireAction
		if ip != nil {
			for _, a := range f.actions {
				if a.ip == ip.addr.String() {
					all = append(all, f.wireAction(a))
				}
			}
		}
		f.mu.Unlock()
		if ip == nil {
			f.notFound(w, r)
			return
		}
		// Newest first, as the API lists them.
		for i := 1; i < len(all); i++ {
			for j := i; j > 0 && all[j].ID > all[j-1].ID; j-- {
				all[j], all[j-1] = all[j-1], all[j]
			}
		}
		items, links := paginate(r, len(all), page, perPage)
		f.ok(w, http.StatusOK, map[string]any{
			"actions": append([]wireAction{}, all[items[0]:items[1]]...),
			"links":   links,
			"meta":    wireMeta{Total: len(all)},
		})
	}
}

func (f *Fake) getAction(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	f.mu.Lock()
	f.advance()
	var body any
	if a := f.actions[id]; a != nil {
		body = map[string]any{"action": f.readAction(a)}
	}
	f.mu.Unlock()
	if body == nil {
		f.notFound(w, r)
		return
	}
	f.ok(w, http.StatusOK, body)
}
