// Command fence_harness is the fence device of the multinode test harness:
// it powers a test node off, on or through a reboot by asking the harness,
// which kills the node's PID 1 or boots it again. It speaks the
// fence-agents protocol: options as name=value lines on stdin (or
// --name=value arguments), action= one of on, off, reboot, status, list,
// monitor, metadata, validate-all; plug= (or port=) the node; ip= the
// harness's host:port. Exit 0 on success, 1 on failure, and for status 0
// when the node is on, 2 when it is off.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	opts := map[string]string{"action": "reboot"}
	short := map[string]string{"-o": "action", "-n": "plug", "-a": "ip"}
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if k, v, ok := strings.Cut(strings.TrimLeft(a, "-"), "="); ok {
			opts[k] = v
			continue
		}
		name := short[a]
		if name == "" && strings.HasPrefix(a, "--") {
			name = a[2:]
		}
		if name != "" && i+1 < len(args) {
			opts[name] = args[i+1]
			i++
		}
	}
	if len(os.Args) == 1 {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if k, v, ok := strings.Cut(line, "="); ok {
				opts[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	os.Exit(run(opts, os.Stdout, os.Stderr))
}

func run(opts map[string]string, out, errw io.Writer) int {
	action := opts["action"]
	if action == "metadata" {
		io.WriteString(out, metadata)
		return 0
	}
	plug := opts["plug"]
	if plug == "" {
		plug = opts["port"]
	}
	base := opts["ip"]
	if base == "" {
		base = opts["ipaddr"]
	}
	if base == "" {
		fmt.Fprintln(errw, "ERROR: ip (the harness's host:port) is required")
		return 1
	}
	if action == "validate-all" {
		return 0
	}
	client := &http.Client{Timeout: 15 * time.Second}
	get := func(path string) (string, error) {
		resp, err := client.Get("http://" + base + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
		}
		return string(b), nil
	}
	switch action {
	case "monitor", "list":
		body, err := get("/list")
		if err != nil {
			fmt.Fprintf(errw, "ERROR: %v\n", err)
			return 1
		}
		if action == "list" {
			io.WriteString(out, body)
		}
		return 0
	case "on", "off", "reboot", "status":
		if plug == "" {
			fmt.Fprintln(errw, "ERROR: plug is required")
			return 1
		}
		body, err := get("/" + action + "/" + plug)
		if err != nil {
			fmt.Fprintf(errw, "ERROR: %s %s: %v\n", action, plug, err)
			return 1
		}
		if action == "status" {
			state := strings.TrimSpace(body)
			fmt.Fprintf(out, "Status: %s\n", strings.ToUpper(state))
			if state == "off" {
				return 2
			}
		}
		fmt.Fprintln(out, "Success: "+action)
		return 0
	}
	fmt.Fprintf(errw, "ERROR: unknown action %q\n", action)
	return 1
}

const metadata = `<?xml version="1.0" ?>
<resource-agent name="fence_harness" shortdesc="Fence agent for ocfkit's multinode test harness">
<longdesc>Powers a test node of ocfkit's multinode harness off, on or through a reboot, by asking the harness (which kills the node's PID 1 or boots it again).</longdesc>
<vendor-url>https://github.com/ocfkit/ocfkit</vendor-url>
<parameters>
	<parameter name="action" unique="0" required="1">
		<getopt mixed="-o, --action=[action]" />
		<content type="string" default="reboot" />
		<shortdesc lang="en">Fencing action</shortdesc>
	</parameter>
	<parameter name="ip" unique="0" required="1" obsoletes="ipaddr">
		<getopt mixed="-a, --ip=[ip]" />
		<content type="string" />
		<shortdesc lang="en">The harness's fence control, host:port</shortdesc>
	</parameter>
	<parameter name="ipaddr" unique="0" required="0" deprecated="1">
		<getopt mixed="-a, --ip=[ip]" />
		<content type="string" />
		<shortdesc lang="en">The harness's fence control, host:port</shortdesc>
	</parameter>
	<parameter name="plug" unique="0" required="1" obsoletes="port">
		<getopt mixed="-n, --plug=[id]" />
		<content type="string" />
		<shortdesc lang="en">The node to act on</shortdesc>
	</parameter>
	<parameter name="port" unique="0" required="0" deprecated="1">
		<getopt mixed="-n, --plug=[id]" />
		<content type="string" />
		<shortdesc lang="en">The node to act on</shortdesc>
	</parameter>
</parameters>
<actions>
	<action name="on" automatic="0"/>
	<action name="off" />
	<action name="reboot" />
	<action name="status" />
	<action name="list" />
	<action name="monitor" />
	<action name="metadata" />
	<action name="validate-all" />
</actions>
</resource-agent>
`
