package ocifake

import (
	"encoding/json"
	"net/http"
	"time"
)

// serveControl lets a test or a person drive a standalone fake:
//
//	GET  /_fake/counts                       counters as JSON
//	POST /_fake/reset                        zero the counters
//	POST /_fake/move?ip=A&vnic=OCID          put a secondary IP on a VNIC
//	POST /_fake/unassign?ip=A                delete a secondary IP
//	GET  /_fake/where?ip=A                   the VNIC holding ip
//	POST /_fake/fault?op=OP  {Fault JSON}    set (or, with an empty body, clear) a fault
//	POST /_fake/latency?d=50ms               latency of API and federation answers
func (f *Fake) serveControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(err string) { reply(http.StatusBadRequest, map[string]string{"error": err}) }
	switch r.URL.Path {
	case "/_fake/counts":
		reply(200, f.Counts())
	case "/_fake/reset":
		f.ResetCounts()
		reply(200, map[string]string{})
	case "/_fake/move":
		id, err := f.AssignSecondary(q.Get("ip"), q.Get("vnic"))
		if err != nil {
			fail(err.Error())
			return
		}
		reply(200, map[string]string{"id": id})
	case "/_fake/unassign":
		f.Unassign(q.Get("ip"))
		reply(200, map[string]string{})
	case "/_fake/where":
		reply(200, map[string]string{"vnicId": f.VNICOf(q.Get("ip"))})
	case "/_fake/fault":
		var flt struct {
			Status     int
			Code       string
			Message    string
			RetryAfter string
			Delay      string
			Hang       bool
			Times      int
			Echo       bool
		}
		if r.ContentLength != 0 {
			if err := json.NewDecoder(r.Body).Decode(&flt); err != nil {
				fail("fault body: " + err.Error())
				return
			}
		}
		ra, _ := time.ParseDuration(orZero(flt.RetryAfter))
		dl, _ := time.ParseDuration(orZero(flt.Delay))
		f.SetFault(q.Get("op"), Fault{Status: flt.Status, Code: flt.Code, Message: flt.Message,
			RetryAfter: ra, Delay: dl, Hang: flt.Hang, Times: flt.Times, Echo: flt.Echo})
		reply(200, map[string]string{})
	case "/_fake/latency":
		d, err := time.ParseDuration(q.Get("d"))
		if err != nil {
			fail("d: " + err.Error())
			return
		}
		f.SetLatency(d)
		reply(200, map[string]string{})
	default:
		reply(http.StatusNotFound, map[string]string{"error": "unknown control endpoint"})
	}
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
