package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/digitalocean"
)

// params are the parameters as the actions read them (ocf.Env.Decode).
type params struct {
	FloatingIP  string `ocf:"floating_ip"`
	TokenFile   string `ocf:"token_file"`
	DoToken     string `ocf:"do_token"`
	APIURL      string `ocf:"api_url"`
	MetadataURL string `ocf:"metadata_url"`
	DropletID   int    `ocf:"droplet_id"` // 0: from metadata
	Unassign    bool   `ocf:"unassign_on_stop"`
	APITimeout  int    `ocf:"api_timeout"` // seconds
}

// The API endpoints are strict: their default is the real cloud, no
// stand-in for a test fake's address with a typo; so are the token file and
// the droplet id, which name something else than the default would.
var declared = []ocf.Param{
	{Name: "floating_ip", Required: true, Unique: true, Identity: true, Shortdesc: "reserved IP",
		Longdesc: "The reserved (floating) IPv4 address to keep on this droplet, e.g. 203.0.113.10.",
		Check:    func(v string) error { _, err := digitalocean.ParseIPv4(v); return err }},
	{Name: "token_file", Default: "/etc/ocfkit/digitalocean.token", Shortdesc: "file with the API token",
		Longdesc: `A file holding a DigitalOcean API token with read and write access to reserved IPs.
It is read at run time and refused unless it is owned by root and neither group nor
others may access it (chmod 600). Put the same token file on every node.`,
		Strict: true,
		Check: func(v string) error {
			if !strings.HasPrefix(v, "/") {
				return fmt.Errorf("must be an absolute path")
			}
			return nil
		}},
	{Name: "do_token", Secret: true, Shortdesc: "API token (deprecated: use token_file)",
		Longdesc: `The API token itself, for compatibility with ocf:digitalocean:floatip. A token in
the CIB can be read by everyone who can read the CIB: prefer token_file, or hide this
parameter with Pacemaker's cibsecret. When set, it is used instead of token_file.`},
	{Name: "api_url", Default: digitalocean.DefaultAPIURL, Shortdesc: "API endpoint",
		Longdesc: `The DigitalOcean API. https is always verified; plain http is accepted only for a
loopback address (a test fake), so that the token never crosses a network in clear.`,
		Strict: true,
		Check:  func(v string) error { _, err := digitalocean.CheckURL(v, true); return err }},
	{Name: "metadata_url", Default: digitalocean.DefaultMetadataURL, Shortdesc: "metadata service",
		Longdesc: "The droplet metadata service.",
		Strict:   true,
		Check:    func(v string) error { _, err := digitalocean.CheckURL(v, false); return err }},
	{Name: "droplet_id", Type: ocf.Integer, Shortdesc: "this droplet's id",
		Longdesc: "The id of the droplet this node is. By default it is read from the metadata service.",
		Strict:   true,
		Check: func(v string) error {
			if n, _ := strconv.Atoi(strings.TrimSpace(v)); n <= 0 {
				return fmt.Errorf("must be a positive number")
			}
			return nil
		}},
	{Name: "unassign_on_stop", Type: ocf.Boolean, Default: "false", Shortdesc: "unassign the IP on stop",
		Longdesc: `When true, stop unassigns the reserved IP if it is still on this droplet (and fails
when it cannot). When false, stop leaves the IP where it is, so that it keeps working
until another node takes it, and needs no API access.`},
	{Name: "api_timeout", Type: ocf.Integer, Default: "10", Shortdesc: "seconds per API request",
		Longdesc: `How long one API request may take before it is abandoned and retried. Retries go
on until the action's own timeout, which bounds everything.`,
		Check: func(v string) error {
			if n, _ := strconv.Atoi(strings.TrimSpace(v)); n <= 0 || n > 600 {
				return fmt.Errorf("must be between 1 and 600 seconds")
			}
			return nil
		}},
}
