package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/oci"
)

// params are the parameters as the actions read them (ocf.Env.Decode).
type params struct {
	IP             string `ocf:"secondary_private_ip"`
	CIDRNetmask    int    `ocf:"cidr_netmask"`
	InterfaceAlias int    `ocf:"interface_alias"`
	APIDelay       int    `ocf:"api_delay"` // seconds
	OCICLI         string `ocf:"ocicli"`    // accepted, unused
	VnicID         string `ocf:"vnic_id"`
	NIC            string `ocf:"nic"`
	Auth           string `ocf:"auth"`
	ConfigFile     string `ocf:"config_file"`
	Profile        string `ocf:"profile"`
	Region         string `ocf:"region"`
	APIEndpoint    string `ocf:"api_endpoint"`
	AuthEndpoint   string `ocf:"auth_endpoint"`
	MetadataURL    string `ocf:"metadata_url"`
	Unassign       bool   `ocf:"unassign_on_stop"`
}

// The endpoints, auth and vnic_id are strict: their defaults (a real
// cloud, the VNIC found by subnet) are no stand-in for a value with a typo.
var declared = []ocf.Param{
	{Name: "secondary_private_ip", Required: true, Unique: true, Identity: true, Shortdesc: "the secondary private IP",
		Longdesc: "The IPv4 address to keep on this instance, e.g. 10.0.0.200. It must be inside the subnet of one of the instance's VNICs and not be another instance's primary IP.",
		Check:    checkIP},
	{Name: "cidr_netmask", Type: ocf.Integer, Default: "24", Shortdesc: "prefix length of the local address",
		Longdesc: "The prefix length the address gets on the local interface (normally the subnet's).",
		Strict:   true, // the address put up and checked is ip/cidr_netmask
		Check:    intRange(1, 32)},
	{Name: "interface_alias", Type: ocf.Integer, Default: "0", Shortdesc: "numeric alias of the local address",
		Longdesc: "The address is labelled <nic>:<interface_alias>, as the anchor agent did (the label is left out when it would exceed 15 characters).",
		Check:    intRange(0, 9999)},
	{Name: "api_delay", Type: ocf.Integer, Default: "3", Shortdesc: "longest pause between API retries (seconds)",
		Longdesc: "When the API throttles (429) or fails transiently (5xx, 409 IncorrectState), calls are retried with exponential backoff starting at 0.2 s and capped at this many seconds, within the action's timeout. Successful calls are not delayed.",
		Check:    intRange(0, 60)},
	{Name: "ocicli", Default: "/usr/local/bin/oci", Shortdesc: "OCI CLI (unused)",
		Longdesc: "Accepted for compatibility with ocf:heartbeat:ocivip and unused: this agent calls the API directly."},
	{Name: "vnic_id", Shortdesc: "OCID of the VNIC to hold the IP",
		Longdesc: "By default the VNIC of this instance whose subnet contains secondary_private_ip, from the instance metadata. When set, it must be a VNIC of this instance.",
		Strict:   true,
		Check: func(v string) error {
			if !strings.HasPrefix(v, "ocid1.vnic.") {
				return fmt.Errorf("must be a VNIC OCID (ocid1.vnic...)")
			}
			return nil
		}},
	{Name: "nic", Shortdesc: "local interface",
		Longdesc: "The local interface for the address. By default the one whose MAC address is the VNIC's."},
	{Name: "auth", Type: ocf.Select, Options: []string{"instance_principal", "api_key"}, Default: "instance_principal",
		Strict: true, Shortdesc: "how to authenticate",
		Longdesc: "instance_principal: as this instance (needs a dynamic group and a policy). api_key: with the user and key of config_file/profile."},
	{Name: "config_file", Default: "/root/.oci/config", Shortdesc: "OCI config file (auth=api_key)",
		Longdesc: "The standard OCI CLI/SDK config file with user, fingerprint, tenancy, region, key_file and optionally pass_phrase. It and the key file are read at run time and must be owned by root with no access for group or others (mode 0600 or 0400): start and validate-all refuse them otherwise (ERR_PERM)."},
	{Name: "profile", Default: "DEFAULT", Shortdesc: "profile in config_file",
		Longdesc: "The profile (section) of config_file to use."},
	{Name: "region", Shortdesc: "region (default from metadata or config file)",
		Longdesc: "The region identifier, e.g. us-ashburn-1. By default the config file's region (api_key) or this instance's (instance_principal)."},
	{Name: "api_endpoint", Shortdesc: "VirtualNetwork API endpoint",
		Longdesc: "Overrides https://iaas.<region>.<realm domain>. https, or http to a loopback address only (a test fake).",
		Strict:   true,
		Check:    oci.CheckEndpoint},
	{Name: "auth_endpoint", Shortdesc: "auth service endpoint (instance principals)",
		Longdesc: "Overrides https://auth.<region>.<realm domain> for instance principal federation. https, or http to a loopback address only.",
		Strict:   true,
		Check:    oci.CheckEndpoint},
	{Name: "metadata_url", Default: oci.DefaultMetadataURL, Shortdesc: "instance metadata service v2",
		Longdesc: "The base URL of the instance metadata service v2. https, or http to 169.254.169.254 or a loopback address (a test fake).",
		Strict:   true,
		Check:    oci.CheckMetadataURL},
	{Name: "unassign_on_stop", Type: ocf.Boolean, Default: "false", Shortdesc: "delete the private IP on stop",
		Longdesc: "When true, stop deletes the private IP if it is still on our VNIC (and fails when it cannot). When false, stop only removes the local address and needs no API access."},
}

func checkIP(v string) error {
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() || a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() {
		return fmt.Errorf("must be an IPv4 unicast address like 10.0.0.200")
	}
	return nil
}

func intRange(lo, hi int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be a number from %d to %d", lo, hi)
		}
		return nil
	}
}
