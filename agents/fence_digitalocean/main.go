// Command fence_digitalocean is a fence agent for DigitalOcean droplets:
// Pacemaker's fencer runs it from /usr/sbin to power a droplet off through
// the DigitalOcean API (a hard power_off, never a shutdown) and reports
// success only once the API says the droplet is off. The protocol lives in
// fence/, the API in providers/digitalocean.
package main

import (
	"github.com/ocfkit/ocfkit/fence"
	"github.com/ocfkit/ocfkit/providers/digitalocean"
)

var agent = &fence.Agent{
	Name:      "fence_digitalocean",
	Shortdesc: "Fence agent for DigitalOcean droplets",
	Longdesc: `fence_digitalocean is a power fencing agent for DigitalOcean droplets. It powers a droplet off through the DigitalOcean API with the power_off action (a hard power cut, never a shutdown that the guest could delay), and reports success only once the API shows the droplet's status as off, polling within power_timeout. reboot is a confirmed off followed by a power_on. A droplet that is already off is a success. API errors, 429 (after Retry-After) and 5xx are retried within power_timeout; anything the API does not confirm is a failure.

The plug is the droplet's name (by default the Pacemaker node name, so name the droplets after the nodes) or its numeric id. list prints "name,id" lines, so pcmk_host_check=dynamic-list works without a host map.

The API token is read from token_file, which must be a regular file owned by root with no access for group or others (chmod 600). The token never appears in a log line, the command line or the metadata. The token needs the droplet:read and droplet:update scopes. No call is made to any droplet's metadata service: fencing does not depend on the node being fenced.`,
	VendorURL:     "https://www.digitalocean.com",
	PlugShortdesc: "Droplet name or id (default: the node name)",
	Defaults:      map[string]string{"power_timeout": "60"},
	Options: []fence.Option{
		{Name: "token_file", Arg: "[path]", Type: "string", Default: "/etc/ocfkit/digitalocean.token", Order: 2,
			Shortdesc: "File with the API token (owned by root, mode 0600)"},
		{Name: "api_url", Arg: "[url]", Type: "string", Default: digitalocean.DefaultAPIURL, Order: 3,
			Shortdesc: "DigitalOcean API endpoint (https; plain http only to a loopback test endpoint)"},
	},
	Open: open,
}

func main() { agent.Main() }
