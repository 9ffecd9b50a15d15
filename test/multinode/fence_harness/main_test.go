package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The agent against a stand-in for the harness's fence control: the
// fence-agents actions, their exit codes and what they ask for.
func TestActions(t *testing.T) {
	var asked []string
	on := map[string]bool{"node1": true, "node2": false}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		switch r.URL.Path {
		case "/list":
			w.Write([]byte("node1,node1\nnode2,node2\n"))
		case "/status/node1", "/status/node2":
			if on[strings.TrimPrefix(r.URL.Path, "/status/")] {
				w.Write([]byte("on\n"))
			} else {
				w.Write([]byte("off\n"))
			}
		case "/off/node1", "/reboot/node1", "/on/node2":
			w.Write([]byte("ok\n"))
		default:
			http.Error(w, "no such node", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	ip := strings.TrimPrefix(srv.URL, "http://")
	for _, c := range []struct {
		opts map[string]string
		code int
		out  string
		path string
	}{
		{map[string]string{"action": "metadata"}, 0, `<resource-agent name="fence_harness"`, ""},
		{map[string]string{"action": "status", "plug": "node1", "ip": ip}, 0, "Status: ON", "/status/node1"},
		{map[string]string{"action": "status", "port": "node2", "ip": ip}, 2, "Status: OFF", "/status/node2"},
		{map[string]string{"action": "off", "plug": "node1", "ip": ip}, 0, "Success: off", "/off/node1"},
		{map[string]string{"action": "reboot", "plug": "node1", "ipaddr": ip}, 0, "Success: reboot", "/reboot/node1"},
		{map[string]string{"action": "on", "plug": "node2", "ip": ip}, 0, "Success: on", "/on/node2"},
		{map[string]string{"action": "list", "ip": ip}, 0, "node2,node2", "/list"},
		{map[string]string{"action": "monitor", "ip": ip}, 0, "", "/list"},
		{map[string]string{"action": "off", "plug": "node9", "ip": ip}, 1, "", "/off/node9"},
		{map[string]string{"action": "off", "ip": ip}, 1, "", ""},
		{map[string]string{"action": "off", "plug": "node1"}, 1, "", ""},
		{map[string]string{"action": "dance", "ip": ip}, 1, "", ""},
	} {
		asked = nil
		var out, errw bytes.Buffer
		code := run(c.opts, &out, &errw)
		assert.Equal(t, c.code, code, "%v: %s%s", c.opts, out.String(), errw.String())
		assert.Contains(t, out.String(), c.out, "%v", c.opts)
		if c.path != "" {
			assert.Equal(t, []string{c.path}, asked, "%v", c.opts)
		} else {
			assert.Empty(t, asked, "%v", c.opts)
		}
	}
}
