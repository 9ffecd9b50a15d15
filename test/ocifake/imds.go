package ocifake

import (
	"encoding/json"
	"net/http"
	"strings"
)

type regionInfo struct {
	RealmKey             string `json:"realmKey"`
	RealmDomainComponent string `json:"realmDomainComponent"`
	RegionKey            string `json:"regionKey"`
	RegionIdentifier     string `json:"regionIdentifier"`
}

type imdsVNIC struct {
	VnicID          string `json:"vnicId"`
	PrivateIP       string `json:"privateIp"`
	VlanTag         int    `json:"vlanTag"`
	MacAddr         string `json:"macAddr"`
	VirtualRouterIP string `json:"virtualRouterIp"`
	SubnetCidrBlock string `json:"subnetCidrBlock"`
	NicIndex        int    `json:"nicIndex"`
}

// serveIMDS answers the metadata service v2 of one instance: /instance/
// (and its fields), /vnics/ and /identity/{cert,key,intermediate}.pem. Like
// the real one it refuses requests without "Authorization: Bearer Oracle".
func (f *Fake) serveIMDS(w http.ResponseWriter, r *http.Request, name, path string) {
	if !f.begin(w, r, OpIMDS) {
		return
	}
	f.mu.Lock()
	in := f.instances[name]
	f.mu.Unlock()
	text := func(status int, body string) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
	if in == nil {
		text(http.StatusNotFound, "404 Not Found")
		return
	}
	if r.Header.Get("Authorization") != "Bearer Oracle" {
		text(http.StatusUnauthorized, "401 Unauthorized: Authorization header 'Bearer Oracle' is required for /opc/v2")
		return
	}
	path, ok := strings.CutPrefix(path, "/opc/v2")
	if !ok || r.Method != http.MethodGet {
		text(http.StatusNotFound, "404 Not Found")
		return
	}
	if strings.HasPrefix(path, "/identity/") {
		f.mu.Lock()
		down := in.iamDown
		f.mu.Unlock()
		if down {
			text(http.StatusNotFound, "404 Not Found")
			return
		}
		switch path {
		case "/identity/cert.pem":
			text(200, string(in.ident.certPEM))
		case "/identity/key.pem":
			text(200, string(in.ident.keyPEM))
		case "/identity/intermediate.pem":
			text(200, string(in.ident.intermediatePEM))
		default:
			text(http.StatusNotFound, "404 Not Found")
		}
		return
	}
	f.mu.Lock()
	inst := map[string]any{
		"availabilityDomain": in.AD, "faultDomain": "FAULT-DOMAIN-1", "compartmentId": f.opt.Tenancy,
		"displayName": in.Name, "hostname": in.Name, "id": in.ID, "image": "ocid1.image.oc1.iad.fake",
		"metadata": map[string]string{}, "region": "iad", "canonicalRegionName": f.opt.Region,
		"ociAdName": "iad-ad-1", "regionInfo": regionInfo{"OC1", "oraclecloud.com", "IAD", f.opt.Region},
		"shape": "VM.Standard.E4.Flex", "state": "Running", "timeCreated": 1600000000000,
		"definedTags": map[string]any{}, "freeformTags": map[string]string{},
	}
	vnics := make([]imdsVNIC, 0, len(in.VNICs))
	for _, id := range in.VNICs {
		v := f.vnics[id]
		s := f.subnets[v.SubnetID]
		vnics = append(vnics, imdsVNIC{VnicID: v.ID, PrivateIP: v.PrimaryIP, MacAddr: strings.ToLower(v.MAC),
			VirtualRouterIP: s.CIDR.Addr().Next().String(), SubnetCidrBlock: s.CIDR.String(), NicIndex: v.NicIndex})
	}
	f.mu.Unlock()
	switch {
	case path == "/instance" || path == "/instance/":
		writeIMDSJSON(w, inst)
	case path == "/vnics" || path == "/vnics/":
		writeIMDSJSON(w, vnics)
	case strings.HasPrefix(path, "/instance/"):
		v, ok := inst[strings.Trim(strings.TrimPrefix(path, "/instance/"), "/")]
		if !ok {
			text(http.StatusNotFound, "404 Not Found")
			return
		}
		if s, isStr := v.(string); isStr {
			text(200, s)
			return
		}
		writeIMDSJSON(w, v)
	default:
		text(http.StatusNotFound, "404 Not Found")
	}
}

func writeIMDSJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
