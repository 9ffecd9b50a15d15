// Command apache is ocfkit's drop-in for ocf:heartbeat:apache: it starts,
// stops and monitors an Apache httpd with the anchor's parameter names and
// defaults. The configuration, Debian's envvars and the status URL are
// read in Go; the monitor checks that the pid file names a live httpd and
// requests the status page with an in-process HTTP(S) client, forking
// nothing. The mechanics live in providers/httpd.
package main

import (
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

var agent = &ocf.Agent{
	Name:      "apache",
	Shortdesc: "Manages an Apache Web server instance",
	Longdesc: `Starts, stops and monitors an Apache httpd (1.x, 2.x) with the parameters of
ocf:heartbeat:apache.

The start action runs httpd with -DSTATUS, the options and -f configfile, with the
environment of the envfiles, then waits until the monitor passes or the start
timeout runs out. A configuration that httpd refuses fails the start with httpd's
own message.

The monitor checks that the pid file names a live process of the httpd program
run with -f configfile (a stale pid file, or a pid now used by another program or
by another server of the same httpd, means not running), then
requests the status page with Go's HTTP client inside the agent (no curl, wget
or perl is needed) and matches the page against testregex. The server-status page
(mod_status) is found in the configuration; make sure it answers only to local
requests (Require local). Without a status page, the monitor falls back to a plain
request of the server's address. Monitor depth 10 checks testurl against
testregex10, or the test in testconffile. HTTPS is supported; certificates are
verified unless tls_verify is false.

The stop action asks httpd for a graceful stop (SIGWINCH: requests in flight
finish), then SIGTERM, then SIGKILL, all within the stop timeout, and kills worker
processes a killed httpd left behind. A stale pid file is removed. When the
envfiles or the configuration cannot be read, stop still stops the server: its
processes are found by their command line (httpd -f configfile); stop fails only
when a process of the instance is left running.`,
	Params:   declared,
	Resource: kind,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 40 * time.Second, Run: kind.Do(start)},
		{Name: "stop", Timeout: 60 * time.Second, Run: kind.Do(stop)},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Run: kind.Do(monitor)},
		{Name: "validate-all", Timeout: 5 * time.Second},
		{Name: "status", Timeout: 30 * time.Second, Undeclared: true, Run: kind.Do(monitor)},
	},
}

// kind loads an apache resource for each action (resource.go).
var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}

func main() { agent.Main() }
