package oci

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRegionEndpoint(t *testing.T) {
	assert.Equal(t, "https://iaas.us-ashburn-1.oraclecloud.com", RegionEndpoint("us-ashburn-1", "iaas"))
	assert.Equal(t, "https://auth.us-ashburn-1.oraclecloud.com", RegionEndpoint("iad", "auth"))
	assert.Equal(t, "https://iaas.us-langley-1.oraclegovcloud.com", RegionEndpoint("us-langley-1", "iaas"))
}
