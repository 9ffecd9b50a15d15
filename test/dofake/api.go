package dofake

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// API returns the handler of the DigitalOcean API v2.
func (f *Fake) API() http.Handler {
	mux := http.NewServeMux()
	for _, kind := range []ipKind{reservedKind, floatingKind} {
		base := "/v2/" + kind.plural
		mux.HandleFunc("GET "+base, f.listIPs(kind))
		mux.HandleFunc("GET "+base+"/{ip}", f.getIP(kind))
		mux.HandleFunc("POST "+base+"/{ip}/actions", f.postAction(kind))
		mux.HandleFunc("GET "+base+"/{ip}/actions", f.listActions(kind))
		mux.HandleFunc("GET "+base+"/{ip}/actions/{id}", f.getIPAction(kind))
	}
	mux.HandleFunc("GET /v2/actions/{id}", f.getAction)
	f.dropletRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.apiError(w, r, http.StatusNotFound, "not_found", "The resource you were accessing could not be found.")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		if pattern == "/" {
			pattern = "other " + r.Method + " " + r.URL.Path
		}
		f.count(pattern)
		if !f.misbehave(w, r) {
			mux.ServeHTTP(w, r)
		}
	})
}

type ipKind struct {
	plural, singular string // reserved_ips / reserved_ip
}

var (
	reservedKind = ipKind{"reserved_ips", "reserved_ip"}
	floatingKind = ipKind{"floating_ips", "floating_ip"}
)

// misbehave applies latency, the connection faults, the Bearer check and
// the answer faults; it reports whether the request was answered.
func (f *Fake) misbehave(w http.ResponseWriter, r *http.Request) bool {
	fl := f.CurrentFaults()
	if fl.Latency > 0 && !f.sleep(r, fl.Latency) {
		return true
	}
	if fl.APIDown {
		dropConnection(w)
		return true
	}
	if fl.Hang {
		select {
		case <-r.Context().Done():
		case <-f.closed:
		}
		dropConnection(w)
		return true
	}
	if !f.authorized(r) {
		f.apiError(w, r, http.StatusUnauthorized, "Unauthorized", "Unable to authenticate you")
		return true
	}
	f.mu.Lock()
	rateLimited, serverError := false, false
	retryAfter := fl.RetryAfter
	switch {
	case f.faults.RateLimited > 0:
		f.faults.RateLimited--
		rateLimited = true
	case f.faults.ServerErrors > 0:
		f.faults.ServerErrors--
		serverError = true
	}
	f.mu.Unlock()
	switch {
	case rateLimited:
		secs := int((retryAfter + time.Second - 1) / time.Second)
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		f.rateHeaders(w, secs)
		f.apiError(w, r, http.StatusTooManyRequests, "too_many_requests", "API Rate limit exceeded.")
		return true
	case serverError:
		f.apiError(w, r, http.StatusInternalServerError, "server_error", "Unexpected server-side error")
		return true
	}
	return false
}

func (f *Fake) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-f.closed:
		return false
	}
}

// dropConnection closes the connection without an answer, as a dead
// endpoint or a broken proxy would.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (f *Fake) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(h[len(prefix):]), []byte(f.token)) == 1
}

// rateHeaders sets ratelimit-limit/-remaining/-reset; with exhausted > 0
// the quota is shown as used up for that many seconds.
func (f *Fake) rateHeaders(w http.ResponseWriter, exhausted int) {
	f.mu.Lock()
	now := f.now()
	if f.window.IsZero() || now.Sub(f.window) >= time.Hour {
		f.window, f.windowUsed = now, 0
	}
	f.windowUsed++
	remaining := 5000 - f.windowUsed
	reset := f.window.Add(time.Hour)
	f.mu.Unlock()
	if remaining < 0 {
		remaining = 0
	}
	if exhausted > 0 {
		remaining = 0
		reset = now.Add(time.Duration(exhausted) * time.Second)
	}
	w.Header().Set("ratelimit-limit", "5000")
	w.Header().Set("ratelimit-remaining", strconv.Itoa(remaining))
	w.Header().Set("ratelimit-reset", strconv.FormatInt(reset.Unix(), 10))
}

func (f *Fake) requestID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requestSeq++
	return fmt.Sprintf("7f3b2c1e-0000-4000-8000-%012d", f.requestSeq)
}

func (f *Fake) apiError(w http.ResponseWriter, r *http.Request, status int, id, msg string) {
	if w.Header().Get("ratelimit-limit") == "" {
		f.rateHeaders(w, 0)
	}
	rid := f.requestID()
	w.Header().Set("x-request-id", rid)
	writeJSON(w, status, wireError{ID: id, Message: msg, RequestID: rid})
}

func (f *Fake) ok(w http.ResponseWriter, status int, v any) {
	f.rateHeaders(w, 0)
	w.Header().Set("x-request-id", f.requestID())
	writeJSON(w, status, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (f *Fake) notFound(w http.ResponseWriter, r *http.Request) {
	f.apiError(w, r, http.StatusNotFound, "not_found", "The resource you were accessing could not be found.")
}

// wireIP renders r. Callers hold f.mu.
func (f *Fake) wireIP(r *reservedIP) wireReservedIP {
	out := wireReservedIP{
		IP:        r.addr.String(),
		Region:    nyc3,
		Locked:    r.locked(f.now()),
		ProjectID: "4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679",
	}
	if d := f.droplets[r.droplet]; d != nil {
		out.Droplet = wireDropletOf(d)
	}
	return out
}

func wireDropletOf(d *droplet) *wireDroplet {
	return &wireDroplet{
		ID: d.id, Name: d.name, Memory: 1024, Vcpus: 1, Disk: 25, Status: d.powerStatus(),
		CreatedAt: "2020-07-21T18:37:44Z", Features: []string{"private_networking"},
		BackupIDs: []int{}, SnapshotIDs: []int{}, VolumeIDs: []string{}, SizeSlug: "s-1vcpu-1gb",
		Networks: wireNetworks{V4: []wireNetworkV4{{
			IPAddress: fmt.Sprintf("198.51.100.%d", d.id%250+1), Netmask: "255.255.255.0",
			Gateway: "198.51.100.254", Type: "public",
		}}, V6: []any{}},
		Region: nyc3, Tags: []string{},
	}
}

func (f *Fake) lookup(r *http.Request) *reservedIP {
	return f.ips[r.PathValue("ip")]
}

func (f *Fake) getIP(kind ipKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.advance()
		ip := f.lookup(r)
		var body map[string]any
		if ip != nil {
			body = map[string]any{kind.singular: f.wireIP(ip), "links": struct{}{}}
		}
		f.mu.Unlock()
		if ip == nil {
			f.notFound(w, r)
			return
		}
		f.ok(w, http.StatusOK, body)
	}
}

func (f *Fake) listIPs(kind ipKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, perPage := paging(r)
		f.mu.Lock()
		f.advance()
		all := make([]wireReservedIP, 0, len(f.ips))
		for _, ip := range f.ips {
			all = append(all, f.wireIP(ip))
		}
		f.mu.Unlock()
		sortIPs(all)
		items, links := paginate(r, len(all), page, perPage)
		f.ok(w, http.StatusOK, map[string]any{
			kind.plural: all[items[0]:items[1]],
			"links":     links,
			"meta":      wireMeta{Total: len(all)},
		})
	}
}

func sortIPs(s []wireReservedIP) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].IP < s[j-1].IP; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func paging(r *http.Request) (page, perPage int) {
	page, perPage = 1, 20
	if v, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && v > 0 {
		page = v
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && v > 0 {
		perPage = min(v, 200)
	}
	return page, perPage
}

// paginate returns the [start,end) slice bounds of the page and its links.
func paginate(r *http.Request, total, page, perPage int) ([2]int, wireLinks) {
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	last := max((total+perPage-1)/perPage, 1)
	links := wireLinks{}
	pageURL := func(p int) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		q := url.Values{}
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = q.Encode()
		return u.String()
	}
	if page < last || page > 1 {
		links.Pages = &wirePages{}
		if page < last {
			links.Pages.Next, links.Pages.Last = pageURL(page+1), pageURL(last)
		}
		if page > 1 {
			links.Pages.First, links.Pages.Prev = pageURL(1), pageURL(page-1)
		}
	}
	return [2]int{start, end}, links
}
