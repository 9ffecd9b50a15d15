package oci

import (
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// RegionEndpoint is a service's endpoint in a region ("us-ashburn-1" or
// its short name "iad"), in the region's realm as the SDK knows it
// (oraclecloud.com, oraclegovcloud.com, ...), e.g. RegionEndpoint(
// "us-ashburn-1", "iaas") = https://iaas.us-ashburn-1.oraclecloud.com.
func RegionEndpoint(region, service string) string {
	e := common.StringToRegion(region).Endpoint(service)
	if !strings.Contains(e, "://") {
		e = "https://" + e
	}
	return e
}
