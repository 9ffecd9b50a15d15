package dofake

// The JSON shapes of the DigitalOcean API v2, as the API documents them and
// godo decodes them.

type wireRegion struct {
	Name      string   `json:"name"`
	Slug      string   `json:"slug"`
	Sizes     []string `json:"sizes"`
	Features  []string `json:"features"`
	Available bool     `json:"available"`
}

type wireNetworkV4 struct {
	IPAddress string `json:"ip_address"`
	Netmask   string `json:"netmask"`
	Gateway   string `json:"gateway"`
	Type      string `json:"type"`
}

type wireNetworks struct {
	V4 []wireNetworkV4 `json:"v4"`
	V6 []any           `json:"v6"`
}

type wireDroplet struct {
	ID          int          `json:"id"`
	Name        string       `json:"name"`
	Memory      int          `json:"memory"`
	Vcpus       int          `json:"vcpus"`
	Disk        int          `json:"disk"`
	Locked      bool         `json:"locked"`
	Status      string       `json:"status"`
	CreatedAt   string       `json:"created_at"`
	Features    []string     `json:"features"`
	BackupIDs   []int        `json:"backup_ids"`
	SnapshotIDs []int        `json:"snapshot_ids"`
	VolumeIDs   []string     `json:"volume_ids"`
	SizeSlug    string       `json:"size_slug"`
	Networks    wireNetworks `json:"networks"`
	Region      wireRegion   `json:"region"`
	Tags        []string     `json:"tags"`
}

type wireReservedIP struct {
	IP        string       `json:"ip"`
	Droplet   *wireDroplet `json:"droplet"`
	Region    wireRegion   `json:"region"`
	Locked    bool         `json:"locked"`
	ProjectID string       `json:"project_id"`
}

type wireAction struct {
	ID           int        `json:"id"`
	Status       string     `json:"status"`
	Type         string     `json:"type"`
	StartedAt    string     `json:"started_at"`
	CompletedAt  *string    `json:"completed_at"`
	ResourceID   int64      `json:"resource_id"`
	ResourceType string     `json:"resource_type"`
	Region       wireRegion `json:"region"`
	RegionSlug   string     `json:"region_slug"`
}

type wirePages struct {
	First string `json:"first,omitempty"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last,omitempty"`
}

type wireLinks struct {
	Pages *wirePages `json:"pages,omitempty"`
}

type wireMeta struct {
	Total int `json:"total"`
}

type wireError struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// wireMetadataIP is the reserved_ip / floating_ip object of /metadata/v1.json.
type wireMetadataIP struct {
	IPv4 struct {
		Active    bool   `json:"active"`
		IPAddress string `json:"ip_address,omitempty"`
	} `json:"ipv4"`
}

type wireMetadata struct {
	DropletID  int            `json:"droplet_id"`
	Hostname   string         `json:"hostname"`
	UserData   string         `json:"user_data,omitempty"`
	VendorData string         `json:"vendor_data,omitempty"`
	PublicKeys []string       `json:"public_keys"`
	Region     string         `json:"region"`
	AuthKey    string         `json:"auth_key,omitempty"`
	FloatingIP wireMetadataIP `json:"floating_ip"`
	ReservedIP wireMetadataIP `json:"reserved_ip"`
	DNS        struct {
		Nameservers []string `json:"nameservers"`
	} `json:"dns"`
	Tags     []string        `json:"tags"`
	Features map[string]bool `json:"features"`
}

const timeFormat = "2006-01-02T15:04:05Z"

var nyc3 = wireRegion{
	Name:      "New York 3",
	Slug:      "nyc3",
	Sizes:     []string{"s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb"},
	Features:  []string{"private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"},
	Available: true,
}
