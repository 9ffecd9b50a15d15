package dofake

import (
	"fmt"
	"net"
	"net/http"
	"sort"
)

// Env is a running fake: the API and one metadata server per droplet, each
// on its own 127.0.0.1 port.
type Env struct {
	Fake     *Fake
	APIURL   string         // e.g. http://127.0.0.1:40123
	Metadata map[int]string // droplet id -> metadata base URL
	servers  []*http.Server
}

// Start serves f on ephemeral 127.0.0.1 ports: the API, and a metadata
// server for every droplet added so far.
func Start(f *Fake) (*Env, error) {
	return StartOn(f, "127.0.0.1:0", nil)
}

// StartOn serves the API on apiAddr and the metadata of each droplet on
// metaAddrs[id] (ephemeral 127.0.0.1 ports for droplets not listed). The
// control endpoints (Control) are served under /_dofake/ on the API port.
func StartOn(f *Fake, apiAddr string, metaAddrs map[int]string) (*Env, error) {
	e := &Env{Fake: f, Metadata: map[int]string{}}
	api := http.NewServeMux()
	api.Handle("/_dofake/", f.Control())
	api.Handle("/", f.API())
	u, err := e.serve(apiAddr, api)
	if err != nil {
		return nil, err
	}
	e.APIURL = u
	f.mu.Lock()
	ids := make([]int, 0, len(f.droplets))
	for id := range f.droplets {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	sort.Ints(ids)
	for _, id := range ids {
		addr := metaAddrs[id]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		u, err := e.serve(addr, f.Metadata(id))
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("metadata of droplet %d: %w", id, err)
		}
		e.Metadata[id] = u
	}
	return e, nil
}

func (e *Env) serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h}
	e.servers = append(e.servers, srv)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// Close stops every server at once, releasing requests held by a hang.
func (e *Env) Close() {
	e.Fake.Close()
	for _, s := range e.servers {
		s.Close()
	}
}
