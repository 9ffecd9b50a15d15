package ocifake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// The JSON shapes below carry the field names of the SDK's core.PrivateIp,
// core.Vnic, core.Instance, core.CreatePrivateIpDetails and
// core.UpdatePrivateIpDetails.

// resourceJSON is the header every OCI resource answers with.
type resourceJSON struct {
	AvailabilityDomain string                    `json:"availabilityDomain"`
	CompartmentID      string                    `json:"compartmentId"`
	DefinedTags        map[string]map[string]any `json:"definedTags"`
	DisplayName        string                    `json:"displayName"`
	FreeformTags       map[string]string         `json:"freeformTags"`
	ID                 string                    `json:"id"`
	TimeCreated        string                    `json:"timeCreated"`
}

// resource is the header of a resource of the fake's tenancy, with no tags.
func (f *Fake) resource(ad, name, id, created string) resourceJSON {
	return resourceJSON{AvailabilityDomain: ad, CompartmentID: f.opt.Tenancy,
		DefinedTags: map[string]map[string]any{}, FreeformTags: map[string]string{},
		DisplayName: name, ID: id, TimeCreated: created}
}

type privateIPJSON struct {
	resourceJSON
	HostnameLabel *string `json:"hostnameLabel"`
	IPAddress     string  `json:"ipAddress"`
	IsPrimary     bool    `json:"isPrimary"`
	SubnetID      string  `json:"subnetId"`
	VnicID        *string `json:"vnicId"`
	IPState       string  `json:"ipState"`
	Lifetime      string  `json:"lifetime"`
}

type vnicJSON struct {
	resourceJSON
	HostnameLabel       *string  `json:"hostnameLabel"`
	IsPrimary           bool     `json:"isPrimary"`
	LifecycleState      string   `json:"lifecycleState"`
	MacAddress          string   `json:"macAddress"`
	NsgIDs              []string `json:"nsgIds"`
	PrivateIP           string   `json:"privateIp"`
	PublicIP            *string  `json:"publicIp"`
	SkipSourceDestCheck bool     `json:"skipSourceDestCheck"`
	SubnetID            string   `json:"subnetId"`
}

type createDetails struct {
	VnicID        *string `json:"vnicId"`
	IPAddress     *string `json:"ipAddress"`
	DisplayName   *string `json:"displayName"`
	HostnameLabel *string `json:"hostnameLabel"`
}

type updateDetails struct {
	VnicID        *string `json:"vnicId"`
	DisplayName   *string `json:"displayName"`
	HostnameLabel *string `json:"hostnameLabel"`
}

const ociTime = "2006-01-02T15:04:05.000Z"

// adName is the availability domain of the fake's VNICs and private IPs.
const adName = "Uocm:US-ASHBURN-AD-1"

func (f *Fake) ipJSON(p *privateIP) privateIPJSON {
	vid := p.VnicID
	return privateIPJSON{
		resourceJSON:  f.resource(adName, p.DisplayName, p.ID, p.created.UTC().Format(ociTime)),
		HostnameLabel: nilIfEmpty(p.HostnameLabel),
		IPAddress:     p.IP,
		IsPrimary:     p.IsPrimary,
		SubnetID:      p.SubnetID,
		VnicID:        &vid,
		IPState:       "ASSIGNED",
		Lifetime:      "EPHEMERAL",
	}
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (f *Fake) requestID(r *http.Request) string {
	n := f.requestSeq.Add(1) // not under f.mu: handlers answer while holding it
	id := fmt.Sprintf("%s/%08X", strings.ToUpper(randHex(32)), n)
	if c := r.Header.Get("opc-request-id"); c != "" {
		id = c + "/" + id
	}
	return id
}

func (f *Fake) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any, etag int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("opc-request-id", f.requestID(r))
	if etag > 0 {
		w.Header().Set("etag", strconv.Itoa(etag))
	}
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

func (f *Fake) writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	f.writeJSON(w, r, status, map[string]string{"code": code, "message": msg}, 0)
}

// serveAPI answers /20160918/{privateIps,vnics}.
func (f *Fake) serveAPI(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/20160918")
	var op, id string
	switch {
	case path == "/privateIps" && r.Method == http.MethodGet:
		op = OpListPrivateIps
	case path == "/privateIps" && r.Method == http.MethodPost:
		op = OpCreatePrivateIp
	case strings.HasPrefix(path, "/privateIps/") && !strings.Contains(path[len("/privateIps/"):], "/"):
		id = path[len("/privateIps/"):]
		switch r.Method {
		case http.MethodGet:
			op = OpGetPrivateIp
		case http.MethodPut:
			op = OpUpdatePrivateIp
		case http.MethodDelete:
			op = OpDeletePrivateIp
		}
	case strings.HasPrefix(path, "/vnics/") && r.Method == http.MethodGet:
		op, id = OpGetVnic, path[len("/vnics/"):]
	default:
		op, id = computeOp(r.Method, path)
	}
	if op == "" {
		f.writeError(w, r, http.StatusNotFound, "NotAuthorizedOrNotFound", "Unknown operation "+r.Method+" "+path)
		return
	}
	if !f.begin(w, r, op) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "unreadable body")
		return
	}
	if err := f.verifyAPI(r, body); err != nil {
		f.writeError(w, r, http.StatusUnauthorized, "NotAuthenticated",
			"The required information to complete authentication was not provided or was incorrect. ("+err.Error()+")")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch op {
	case OpListPrivateIps:
		f.listPrivateIPs(w, r)
	case OpGetPrivateIp:
		p := f.privateIPs[id]
		if p == nil {
			f.notFound(w, r, "PrivateIp", id)
			return
		}
		f.writeJSON(w, r, 200, f.ipJSON(p), p.etag)
	case OpGetVnic:
		v := f.vnics[id]
		if v == nil {
			f.notFound(w, r, "Vnic", id)
			return
		}
		f.writeJSON(w, r, 200, vnicJSON{
			resourceJSON:   f.resource(adName, "vnic", v.ID, v.created.UTC().Format(ociTime)),
			IsPrimary:      v.IsPrimary,
			LifecycleState: "AVAILABLE",
			MacAddress:     v.MAC,
			NsgIDs:         []string{},
			PrivateIP:      v.PrimaryIP,
			SubnetID:       v.SubnetID,
		}, 1)
	case OpListInstances, OpGetInstance, OpInstanceAction:
		f.serveCompute(w, r, op, id)
	case OpCreatePrivateIp:
		f.createPrivateIP(w, r, body)
	case OpUpdatePrivateIp:
		f.updatePrivateIP(w, r, id, body)
	case OpDeletePrivateIp:
		p := f.privateIPs[id]
		switch {
		case p == nil:
			f.notFound(w, r, "PrivateIp", id)
		case !f.etagMatches(r, p):
			f.writeError(w, r, http.StatusPreconditionFailed, "NoEtagMatch", "The If-Match header does not match the current etag")
		case p.IsPrimary:
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "Cannot delete the primary private IP of a VNIC")
		default:
			delete(f.privateIPs, id)
			f.writeJSON(w, r, http.StatusNoContent, nil, 0)
		}
	}
}

func (f *Fake) notFound(w http.ResponseWriter, r *http.Request, kind, id string) {
	f.writeError(w, r, http.StatusNotFound, "NotAuthorizedOrNotFound",
		fmt.Sprintf("Authorization failed or requested resource not found: %s %s", kind, id))
}

func (f *Fake) etagMatches(r *http.Request, p *privateIP) bool {
	m := r.Header.Get("if-match")
	return m == "" || m == strconv.Itoa(p.etag)
}

// listPrivateIPs follows the API's filter rules: a subnetId, a vnicId, or
// an ipAddress together with a subnetId; paged with limit/page and
// opc-next-page.
func (f *Fake) listPrivateIPs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ip, subnet, vnicID := q.Get("ipAddress"), q.Get("subnetId"), q.Get("vnicId")
	if subnet == "" && vnicID == "" {
		f.writeError(w, r, http.StatusBadRequest, "MissingParameter", "One of subnetId, vnicId or vlanId is required")
		return
	}
	if ip != "" && subnet == "" {
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "ipAddress can only be used together with subnetId")
		return
	}
	if ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "ipAddress is not a valid IP address")
			return
		}
	}
	pg, ok := f.pagingOf(w, r)
	if !ok {
		return
	}
	if subnet != "" && f.subnets[subnet] == nil || vnicID != "" && f.vnics[vnicID] == nil {
		f.writeError(w, r, http.StatusNotFound, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found")
		return
	}
	var match []privateIPJSON
	for _, p := range f.sortedIPs() {
		if (ip == "" || p.IP == ip) && (subnet == "" || p.SubnetID == subnet) && (vnicID == "" || p.VnicID == vnicID) {
			match = append(match, f.ipJSON(p))
		}
	}
	writePage(f, w, r, pg, match)
}

func (f *Fake) createPrivateIP(w http.ResponseWriter, r *http.Request, body []byte) {
	var d createDetails
	if err := json.Unmarshal(body, &d); err != nil {
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "The request body is not valid JSON")
		return
	}
	if d.VnicID == nil || *d.VnicID == "" {
		f.writeError(w, r, http.StatusBadRequest, "MissingParameter", "vnicId is required")
		return
	}
	v := f.vnics[*d.VnicID]
	if v == nil {
		f.notFound(w, r, "Vnic", *d.VnicID)
		return
	}
	sub := f.subnets[v.SubnetID]
	var ip string
	if d.IPAddress != nil && *d.IPAddress != "" {
		a, err := netip.ParseAddr(*d.IPAddress)
		if err != nil || !a.Is4() {
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "ipAddress is not a valid IPv4 address")
			return
		}
		if !sub.CIDR.Contains(a) {
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "ipAddress is not within the CIDR of the VNIC's subnet")
			return
		}
		for _, p := range f.privateIPs {
			if p.IP == a.String() && p.SubnetID == v.SubnetID {
				f.writeError(w, r, http.StatusConflict, "Conflict", "The private IP address "+a.String()+" is already in use")
				return
			}
		}
		ip = a.String()
	} else {
		ip = f.freeIPLocked(sub)
		if ip == "" {
			f.writeError(w, r, http.StatusConflict, "Conflict", "No free private IP address in the subnet")
			return
		}
	}
	p := f.addPrivateIPLocked(v, ip, false)
	if d.DisplayName != nil {
		p.DisplayName = *d.DisplayName
	}
	if d.HostnameLabel != nil {
		p.HostnameLabel = *d.HostnameLabel
	}
	f.writeJSON(w, r, 200, f.ipJSON(p), p.etag)
}

func (f *Fake) freeIPLocked(s *Subnet) string {
	used := map[string]bool{}
	for _, p := range f.privateIPs {
		used[p.IP] = true
	}
	// OCI reserves the network address, the first two hosts and the broadcast.
	a := s.CIDR.Addr().Next().Next().Next()
	for ; s.CIDR.Contains(a.Next()); a = a.Next() {
		if !used[a.String()] {
			return a.String()
		}
	}
	return ""
}

func (f *Fake) updatePrivateIP(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	p := f.privateIPs[id]
	if p == nil {
		f.notFound(w, r, "PrivateIp", id)
		return
	}
	if !f.etagMatches(r, p) {
		f.writeError(w, r, http.StatusPreconditionFailed, "NoEtagMatch", "The If-Match header does not match the current etag")
		return
	}
	var d updateDetails
	if err := json.Unmarshal(body, &d); err != nil {
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "The request body is not valid JSON")
		return
	}
	if d.VnicID != nil && *d.VnicID != p.VnicID {
		v := f.vnics[*d.VnicID]
		switch {
		case v == nil:
			f.notFound(w, r, "Vnic", *d.VnicID)
			return
		case p.IsPrimary:
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "A primary private IP cannot be moved to another VNIC")
			return
		case v.SubnetID != p.SubnetID:
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "The target VNIC is not in the subnet of the private IP")
			return
		}
		p.VnicID = v.ID
	}
	if d.DisplayName != nil {
		p.DisplayName = *d.DisplayName
	}
	if d.HostnameLabel != nil {
		p.HostnameLabel = *d.HostnameLabel
	}
	p.etag++
	f.writeJSON(w, r, 200, f.ipJSON(p), p.etag)
}
