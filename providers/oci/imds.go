package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// DefaultMetadataURL is the instance metadata service v2 of every OCI instance.
const DefaultMetadataURL = "http://169.254.169.254/opc/v2"

// Metadata reads the instance metadata service v2 (IMDS). Every request
// carries "Authorization: Bearer Oracle", which v2 requires.
type Metadata struct {
	BaseURL string       // e.g. DefaultMetadataURL; no trailing slash
	HTTP    *http.Client // nil: a client that never uses a proxy
	Calls   int          // requests made, for logs and tests
}

// Instance is the part of /opc/v2/instance/ this package uses.
type Instance struct {
	ID                  string `json:"id"`
	DisplayName         string `json:"displayName"`
	CompartmentID       string `json:"compartmentId"`
	AvailabilityDomain  string `json:"availabilityDomain"`
	Region              string `json:"region"`
	CanonicalRegionName string `json:"canonicalRegionName"`
	RegionInfo          struct {
		RealmKey             string `json:"realmKey"`
		RealmDomainComponent string `json:"realmDomainComponent"`
		RegionKey            string `json:"regionKey"`
		RegionIdentifier     string `json:"regionIdentifier"`
	} `json:"regionInfo"`
}

// RegionName is the canonical region name (us-ashburn-1).
func (i *Instance) RegionName() string {
	if i.CanonicalRegionName != "" {
		return i.CanonicalRegionName
	}
	if i.RegionInfo.RegionIdentifier != "" {
		return i.RegionInfo.RegionIdentifier
	}
	return i.Region
}

// Endpoint is the service endpoint in this instance's region and realm,
// e.g. Endpoint("iaas") = https://iaas.us-ashburn-1.oraclecloud.com.
func (i *Instance) Endpoint(service string) string {
	domain := i.RegionInfo.RealmDomainComponent
	if domain == "" {
		domain = "oraclecloud.com"
	}
	return "https://" + service + "." + i.RegionName() + "." + domain
}

// VNIC is one entry of /opc/v2/vnics/.
type VNIC struct {
	VnicID          string `json:"vnicId"`
	PrivateIP       string `json:"privateIp"`
	VlanTag         int    `json:"vlanTag"`
	MacAddr         string `json:"macAddr"`
	VirtualRouterIP string `json:"virtualRouterIp"`
	SubnetCidrBlock string `json:"subnetCidrBlock"`
	NicIndex        int    `json:"nicIndex"`
}

// Subnet is the VNIC's subnet CIDR (invalid Prefix when unparsable).
func (v VNIC) Subnet() netip.Prefix {
	p, err := netip.ParsePrefix(v.SubnetCidrBlock)
	if err != nil {
		return netip.Prefix{}
	}
	return p.Masked()
}

// metadataTransport never goes through a proxy: IMDS is link-local.
var metadataTransport = &http.Transport{
	Proxy:                 nil,
	DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	ResponseHeaderTimeout: 10 * time.Second,
	MaxIdleConns:          2,
}

func (m *Metadata) client() *http.Client {
	if m.HTTP != nil {
		return m.HTTP
	}
	return &http.Client{Transport: metadataTransport}
}

func (m *Metadata) base() string {
	if m.BaseURL == "" {
		return DefaultMetadataURL
	}
	return strings.TrimRight(m.BaseURL, "/")
}

// Get fetches base+path and returns its body (at most 1 MiB).
func (m *Metadata) Get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.base()+path, nil)
	if err != nil {
		return nil, fmt.Errorf("instance metadata: %w", err)
	}
	req.Header.Set("Authorization", "Bearer Oracle")
	m.Calls++
	res, err := m.client().Do(req)
	if err != nil {
		return nil, &MetadataError{Path: path, Err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, &MetadataError{Path: path, Err: err}
	}
	if res.StatusCode != http.StatusOK {
		return nil, &MetadataError{Path: path, Status: res.StatusCode}
	}
	return body, nil
}

// MetadataError is a failed IMDS request. It never carries the body,
// which for /identity/key.pem is a private key.
type MetadataError struct {
	Path   string
	Status int
	Err    error
}

func (e *MetadataError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("instance metadata %s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("instance metadata %s: HTTP %d", e.Path, e.Status)
}

func (e *MetadataError) Unwrap() error { return e.Err }

// Is: a 404 is fault.ErrNotFound; any other failure of the metadata
// service is fault.ErrUnreachable.
func (e *MetadataError) Is(target error) bool {
	if e.Status == 404 {
		return target == fault.ErrNotFound
	}
	return target == fault.ErrUnreachable
}

// Instance reads /instance/.
func (m *Metadata) Instance(ctx context.Context) (*Instance, error) {
	b, err := m.Get(ctx, "/instance/")
	if err != nil {
		return nil, err
	}
	return ParseInstance(b)
}

// ParseInstance parses an /instance/ answer.
func ParseInstance(b []byte) (*Instance, error) {
	var in Instance
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("instance metadata /instance/: %w", err)
	}
	if in.ID == "" || in.RegionName() == "" {
		return nil, fmt.Errorf("instance metadata /instance/: no id or region")
	}
	return &in, nil
}

// VNICs reads /vnics/.
func (m *Metadata) VNICs(ctx context.Context) ([]VNIC, error) {
	b, err := m.Get(ctx, "/vnics/")
	if err != nil {
		return nil, err
	}
	return ParseVNICs(b)
}

// ParseVNICs parses a /vnics/ answer.
func ParseVNICs(b []byte) ([]VNIC, error) {
	var v []VNIC
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("instance metadata /vnics/: %w", err)
	}
	for i := range v {
		if v[i].VnicID == "" {
			return nil, fmt.Errorf("instance metadata /vnics/: entry %d has no vnicId", i)
		}
	}
	return v, nil
}

// VNICFor picks the VNIC for ip: the one with OCID vnicID when given (an
// error if the instance has no such VNIC), otherwise the first one whose
// subnet contains ip.
func VNICFor(vnics []VNIC, ip netip.Addr, vnicID string) (VNIC, error) {
	for _, v := range vnics {
		if vnicID != "" && v.VnicID == vnicID {
			if s := v.Subnet(); s.IsValid() && !s.Contains(ip) {
				return VNIC{}, fmt.Errorf("%s is outside the subnet %s of VNIC %s", ip, s, vnicID)
			}
			return v, nil
		}
	}
	if vnicID != "" {
		return VNIC{}, fmt.Errorf("VNIC %s is not attached to this instance", vnicID)
	}
	for _, v := range vnics {
		if s := v.Subnet(); s.IsValid() && s.Contains(ip) {
			return v, nil
		}
	}
	var cidrs []string
	for _, v := range vnics {
		cidrs = append(cidrs, v.SubnetCidrBlock)
	}
	return VNIC{}, fmt.Errorf("%s is outside every subnet of this instance (%s)", ip, strings.Join(cidrs, ", "))
}
