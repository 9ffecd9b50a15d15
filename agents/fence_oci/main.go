// Command fence_oci is a fence agent for Oracle Cloud Infrastructure
// compute instances: Pacemaker's fencer runs it from /usr/sbin to power
// an instance off through the Compute API (InstanceAction STOP, never
// SOFTSTOP) and reports success only once the API says the instance is
// STOPPED. The protocol lives in fence/, the API in providers/oci.
package main

import (
	"github.com/ocfkit/ocfkit/fence"
	"github.com/ocfkit/ocfkit/providers/oci"
)

var agent = &fence.Agent{
	Name:      "fence_oci",
	Shortdesc: "Fence agent for OCI (Oracle Cloud Infrastructure) compute instances",
	Longdesc: `fence_oci is a power fencing agent for Oracle Cloud Infrastructure compute instances. It powers an instance off through the Compute API with the STOP instance action (an immediate power off, never SOFTSTOP, which waits for the guest), and reports success only once GetInstance shows the instance STOPPED, polling within power_timeout. reboot is a confirmed stop followed by START. An instance already STOPPED (or TERMINATED) is a success. 429, 5xx and 409 IncorrectState answers are retried within power_timeout; anything the API does not confirm is a failure.

The plug is the instance's display name (by default the Pacemaker node name, so name the instances after the nodes), looked up in compartment, or its OCID. list prints "display name,OCID" lines, so pcmk_host_check=dynamic-list works without a host map.

Authentication is an API key from the standard OCI config file (auth=api_key; the profile's region and tenancy are the defaults of region and compartment), or instance principals (auth=instance_principal: this instance's certificate from its own metadata service, federated for a security token, which is cached in /run/resource-agents until shortly before it expires). With instance principals, region (or api_endpoint) must be set: the agent never asks a metadata service where it is, and never calls the metadata service of the instance being fenced. The IAM policy must allow "use instance-family" (INSTANCE_READ and INSTANCE_POWER_ACTIONS) in the compartment. Keys and tokens never appear in a log line, the command line or the metadata.`,
	VendorURL:     "https://www.oracle.com/cloud/",
	PlugShortdesc: "Instance display name or OCID (default: the node name)",
	Defaults:      map[string]string{"power_timeout": "120"},
	Options: []fence.Option{
		{Name: "auth", Arg: "[method]", Type: "select", Choices: []string{"api_key", "instance_principal"}, Default: "api_key", Order: 2,
			Shortdesc: "How to authenticate: api_key (config_file) or instance_principal"},
		{Name: "config_file", Arg: "[path]", Type: "string", Default: "/root/.oci/config", Order: 3,
			Shortdesc: "OCI config file with user, fingerprint, tenancy, region and key_file (auth=api_key)"},
		{Name: "profile", Arg: "[name]", Type: "string", Default: "DEFAULT", Order: 4,
			Shortdesc: "Profile of config_file"},
		{Name: "region", Arg: "[region]", Type: "string", Order: 5,
			Shortdesc: "Region, e.g. us-ashburn-1 (default: the profile's region)"},
		{Name: "compartment", Arg: "[ocid]", Type: "string", Order: 6,
			Shortdesc: "Compartment OCID of the instances (default: the profile's tenancy)"},
		{Name: "api_endpoint", Arg: "[url]", Type: "string", Order: 7,
			Shortdesc: "Compute API endpoint (default https://iaas.<region>.<realm domain>)"},
		{Name: "auth_endpoint", Arg: "[url]", Type: "string", Order: 8,
			Shortdesc: "Auth service endpoint for instance principals (default https://auth.<region>.<realm domain>)"},
		{Name: "metadata_url", Arg: "[url]", Type: "string", Default: oci.DefaultMetadataURL, Order: 9,
			Shortdesc: "This node's own metadata service, for its instance principal certificate (auth=instance_principal)"},
	},
	Open: open,
}

func main() { agent.Main() }
