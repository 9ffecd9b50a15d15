package dofake

import (
	"encoding/json"
	"net/http"
	"time"
)

// faultsJSON is Faults with durations as Go duration strings ("50ms").
type faultsJSON struct {
	Latency         string `json:"latency,omitempty"`
	MetadataLatency string `json:"metadata_latency,omitempty"`
	ActionDelay     string `json:"action_delay,omitempty"`
	ErrorActions    int    `json:"error_actions,omitempty"`
	UnknownStatus   int    `json:"unknown_status,omitempty"`
	PendingEvent    int    `json:"pending_event,omitempty"`
	RateLimited     int    `json:"rate_limited,omitempty"`
	RetryAfter      string `json:"retry_after,omitempty"`
	ServerErrors    int    `json:"server_errors,omitempty"`
	Hang            bool   `json:"hang,omitempty"`
	APIDown         bool   `json:"api_down,omitempty"`
}

func (j faultsJSON) faults() (Faults, error) {
	out := Faults{ErrorActions: j.ErrorActions, UnknownStatus: j.UnknownStatus, PendingEvent: j.PendingEvent,
		RateLimited: j.RateLimited, ServerErrors: j.ServerErrors, Hang: j.Hang, APIDown: j.APIDown}
	for _, d := range []struct {
		s  string
		to *time.Duration
	}{{j.Latency, &out.Latency}, {j.MetadataLatency, &out.MetadataLatency}, {j.ActionDelay, &out.ActionDelay}, {j.RetryAfter, &out.RetryAfter}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil {
			return Faults{}, err
		}
		*d.to = v
	}
	return out, nil
}

// Control returns the handler of the fake's own endpoints, for driving a
// standalone fake from a script or another process:
//
//	GET  /_dofake/state          holders of the IPs and the call counters
//	POST /_dofake/assign         {"ip":"203.0.113.10","droplet_id":1002} (0 unassigns)
//	POST /_dofake/faults         {"latency":"50ms","rate_limited":3,...} replaces the faults
//	POST /_dofake/metadata       {"droplet_id":1001,"down":true}
//	POST /_dofake/reset-calls
func (f *Fake) Control() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_dofake/state", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.advance()
		holders := map[string]int{}
		for ip, v := range f.ips {
			holders[ip] = v.droplet
		}
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"holders": holders, "calls": f.AllCalls()})
	})
	mux.HandleFunc("POST /_dofake/assign", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			IP        string `json:"ip"`
			DropletID int    `json:"droplet_id"`
		}
		if !decode(w, r, &req) {
			return
		}
		if err := f.Assign(req.IP, req.DropletID); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_dofake/faults", func(w http.ResponseWriter, r *http.Request) {
		var req faultsJSON
		if !decode(w, r, &req) {
			return
		}
		fl, err := req.faults()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.SetFaults(fl)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_dofake/metadata", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			DropletID int  `json:"droplet_id"`
			Down      bool `json:"down"`
		}
		if !decode(w, r, &req) {
			return
		}
		f.SetMetadataDown(req.DropletID, req.Down)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_dofake/reset-calls", func(w http.ResponseWriter, r *http.Request) {
		f.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}
