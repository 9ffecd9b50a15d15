// Package ocifake is a faithful stand-in for the parts of Oracle Cloud that
// ocivip uses: the VirtualNetwork API (/20160918), the instance metadata
// service v2 of each simulated instance, and the x509 federation endpoint of
// the auth service. It speaks the real wire format (paths, JSON field
// names, opc-request-id and opc-next-page headers, {"code","message"} error
// bodies), verifies every request signature against the registered public
// keys, injects faults on demand and counts calls per operation, so that
// tests assert what an action really cost.
//
// One Fake serves everything from one http.Handler:
//
//	/20160918/...              VirtualNetwork API
//	/v1/x509                   instance principal federation
//	/imds/<instance>/opc/v2/   that instance's metadata service
//	/_fake/...                 control endpoints for the standalone command
package ocifake

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Operation names used for counters and faults. API operations carry the
// SDK's names.
const (
	OpListPrivateIps  = "ListPrivateIps"
	OpGetPrivateIp    = "GetPrivateIp"
	OpCreatePrivateIp = "CreatePrivateIp"
	OpUpdatePrivateIp = "UpdatePrivateIp"
	OpDeletePrivateIp = "DeletePrivateIp"
	OpGetVnic         = "GetVnic"
	OpFederation      = "Federation"
	OpIMDS            = "IMDS"
)

// APIOps are the VirtualNetwork operations (the ones an action is billed for).
var APIOps = []string{OpListPrivateIps, OpGetPrivateIp, OpCreatePrivateIp, OpUpdatePrivateIp, OpDeletePrivateIp, OpGetVnic}

// Options shape a fake world.
type Options struct {
	Region   string        // canonical name, default us-ashburn-1
	Tenancy  string        // default a generated tenancy OCID
	TokenTTL time.Duration // lifetime of federated security tokens, default 20m
	PageSize int           // ListPrivateIps page size when the client sends no limit, default 50
}

// Fake is the simulated cloud. All methods are safe for concurrent use.
type Fake struct {
	opt       Options
	auth      *authority
	tokenKey  *rsa.PrivateKey
	done      chan struct{}
	closeOnce sync.Once

	mu         sync.Mutex
	seq        int
	subnets    map[string]*Subnet
	vnics      map[string]*vnic
	privateIPs map[string]*privateIP
	instances  map[string]*Instance
	apiKeys    map[string]*APIKey
	counts     map[string]int
	faults     map[string]*Fault
	latency    time.Duration
	imdsDelay  time.Duration
	requestSeq atomic.Int64
	keys       atomic.Int64 // pooled keys handed out
	compute    compute      // power hooks and faults, see instances.go
}

// Subnet is a regional subnet.
type Subnet struct {
	ID   string
	CIDR netip.Prefix
}

// Instance is a simulated compute instance with its own metadata service.
type Instance struct {
	Name    string
	ID      string
	AD      string
	VNICs   []string // VNIC OCIDs in attachment order; the first is primary
	ident   *identity
	iamDown bool
	power   instanceState // see instances.go
}

type vnic struct {
	ID, SubnetID, InstanceID, MAC, PrimaryIP string
	IsPrimary                                bool
	NicIndex                                 int
	created                                  time.Time
}

type privateIP struct {
	ID, VnicID, SubnetID, IP, DisplayName, HostnameLabel string
	IsPrimary                                            bool
	created                                              time.Time
	etag                                                 int
}

// Fault is an answer the fake gives instead of the real one.
type Fault struct {
	Status     int           // HTTP status to answer with (0: none, only Delay/Hang)
	Code       string        // error code in the body; derived from Status when empty
	Message    string        // error message in the body
	RetryAfter time.Duration // Retry-After header, whole seconds
	Delay      time.Duration // wait before answering (slow answers)
	Hang       bool          // never answer: block until the client gives up or the fake is closed
	Times      int           // how many requests it affects; 0 means until cleared
	// Echo makes the error quote every request header (Authorization
	// included) in its message and its opc-request-id, as a hostile or
	// careless server might: what the client holds must not reach a log.
	Echo bool
}

// New builds an empty world: add subnets, instances and VNICs, and API keys.
func New(opt Options) *Fake {
	if opt.Region == "" {
		opt.Region = "us-ashburn-1"
	}
	if opt.TokenTTL == 0 {
		opt.TokenTTL = 20 * time.Minute
	}
	if opt.PageSize == 0 {
		opt.PageSize = 50
	}
	f := &Fake{
		opt: opt, done: make(chan struct{}),
		subnets: map[string]*Subnet{}, vnics: map[string]*vnic{}, privateIPs: map[string]*privateIP{},
		instances: map[string]*Instance{}, apiKeys: map[string]*APIKey{},
		counts: map[string]int{}, faults: map[string]*Fault{},
	}
	f.auth, f.tokenKey = shared()
	if f.opt.Tenancy == "" {
		f.opt.Tenancy = "ocid1.tenancy.oc1.." + randHex(30)
	}
	return f
}

// Close releases every hanging request. Call it before closing the server
// (http.Server waits for handlers).
func (f *Fake) Close() { f.closeOnce.Do(func() { close(f.done) }) }

// Tenancy is the tenancy OCID everything lives in.
func (f *Fake) Tenancy() string { return f.opt.Tenancy }

// Region is the canonical region name.
func (f *Fake) Region() string { return f.opt.Region }

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func (f *Fake) ocid(kind string) string {
	f.seq++
	return fmt.Sprintf("ocid1.%s.oc1.iad.%s%04d", kind, randHex(24), f.seq)
}

// AddSubnet adds a regional subnet.
func (f *Fake) AddSubnet(cidr string) Subnet {
	p := netip.MustParsePrefix(cidr).Masked()
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &Subnet{ID: f.ocid("subnet"), CIDR: p}
	f.subnets[s.ID] = s
	return *s
}

// AddInstance adds an instance with its instance principal certificate.
func (f *Fake) AddInstance(name string) Instance {
	f.mu.Lock()
	id := f.ocid("instance")
	f.mu.Unlock()
	ident := f.auth.issue(f.opt.Tenancy, id, pooledKey(int(f.keys.Add(1)-1))) // may generate a key: outside the lock
	f.mu.Lock()
	defer f.mu.Unlock()
	in := &Instance{Name: name, ID: id, AD: "Uocm:US-ASHBURN-AD-1", ident: ident}
	f.instances[name] = in
	return *in
}

// AddVNIC attaches a VNIC in subnetID to the instance, with primaryIP as its
// primary private IP and mac as its MAC address (any case).
func (f *Fake) AddVNIC(instance, subnetID, primaryIP, mac string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.instances[instance]
	s := f.subnets[subnetID]
	if in == nil || s == nil {
		panic("ocifake: AddVNIC on unknown instance or subnet")
	}
	ip := netip.MustParseAddr(primaryIP)
	if !s.CIDR.Contains(ip) {
		panic("ocifake: primary IP outside the subnet")
	}
	v := &vnic{ID: f.ocid("vnic"), SubnetID: subnetID, InstanceID: in.ID, MAC: strings.ToUpper(mac),
		PrimaryIP: primaryIP, IsPrimary: len(in.VNICs) == 0, NicIndex: 0, created: time.Now()}
	f.vnics[v.ID] = v
	in.VNICs = append(in.VNICs, v.ID)
	f.addPrivateIPLocked(v, primaryIP, true)
	return v.ID
}

func (f *Fake) addPrivateIPLocked(v *vnic, ip string, primary bool) *privateIP {
	p := &privateIP{ID: f.ocid("privateip"), VnicID: v.ID, SubnetID: v.SubnetID, IP: ip,
		IsPrimary: primary, created: time.Now(), etag: 1}
	f.privateIPs[p.ID] = p
	return p
}

// AddAPIKey registers a new API signing key for a new user.
func (f *Fake) AddAPIKey() APIKey {
	key := pooledKey(int(f.keys.Add(1) - 1))
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	sum := md5.Sum(der)
	f.mu.Lock()
	defer f.mu.Unlock()
	k := &APIKey{
		Tenancy: f.opt.Tenancy, User: f.ocid("user"), Fingerprint: colonHex(sum[:]),
		PrivateKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		public:        &key.PublicKey,
	}
	f.apiKeys[k.KeyID()] = k
	return *k
}

// AssignSecondary puts ip on the VNIC as a secondary private IP, as someone
// using the console would, and returns its OCID. An existing secondary with
// that address is moved.
func (f *Fake) AssignSecondary(ip, vnicID string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := f.vnics[vnicID]
	if v == nil {
		return "", fmt.Errorf("no VNIC %s", vnicID)
	}
	if !f.subnets[v.SubnetID].CIDR.Contains(netip.MustParseAddr(ip)) {
		return "", fmt.Errorf("%s is outside the subnet of %s", ip, vnicID)
	}
	for _, p := range f.privateIPs {
		if p.IP == ip && p.SubnetID == v.SubnetID {
			if p.IsPrimary {
				return "", fmt.Errorf("%s is a primary IP", ip)
			}
			p.VnicID = v.ID
			p.etag++
			return p.ID, nil
		}
	}
	return f.addPrivateIPLocked(v, ip, false).ID, nil
}

// Unassign deletes the secondary private IP with that address, if any.
func (f *Fake) Unassign(ip string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, p := range f.privateIPs {
		if p.IP == ip && !p.IsPrimary {
			delete(f.privateIPs, id)
		}
	}
}

// VNICOf returns the OCID of the VNIC that holds ip ("" when none).
func (f *Fake) VNICOf(ip string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.privateIPs {
		if p.IP == ip {
			return p.VnicID
		}
	}
	return ""
}

// SetFault makes op (an Op* name) answer with flt; a zero Fault clears it.
func (f *Fake) SetFault(op string, flt Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if flt == (Fault{}) {
		delete(f.faults, op)
		return
	}
	c := flt
	f.faults[op] = &c
}

// ClearFaults removes every fault.
func (f *Fake) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = map[string]*Fault{}
}

// SetLatency delays every API and federation answer by d (IMDS is local
// and stays fast).
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	f.latency = d
	f.mu.Unlock()
}

// SetIdentityDown makes the instance's /identity/ metadata answer 404, as
// when instance principals are not available.
func (f *Fake) SetIdentityDown(instance string, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in := f.instances[instance]; in != nil {
		in.iamDown = down
	}
}

// Count is how many requests op received (faulted and refused ones included).
func (f *Fake) Count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[op]
}

// APICount is the number of VirtualNetwork requests of any operation.
func (f *Fake) APICount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, op := range APIOps {
		n += f.counts[op]
	}
	return n
}

// Counts is a copy of every counter.
func (f *Fake) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		m[k] = v
	}
	return m
}

// ResetCounts zeroes every counter.
func (f *Fake) ResetCounts() {
	f.mu.Lock()
	f.counts = map[string]int{}
	f.mu.Unlock()
}

// ServeHTTP routes to the API, the federation endpoint, the per-instance
// metadata services and the control endpoints.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/20160918/"):
		f.serveAPI(w, r)
	case p == "/v1/x509":
		f.serveFederation(w, r)
	case strings.HasPrefix(p, "/imds/"):
		rest := strings.TrimPrefix(p, "/imds/")
		name, sub, _ := strings.Cut(rest, "/")
		f.serveIMDS(w, r, name, "/"+sub)
	case strings.HasPrefix(p, "/_fake/"):
		f.serveControl(w, r)
	default:
		f.writeError(w, r, http.StatusNotFound, "NotAuthorizedOrNotFound", "Unknown resource "+p)
	}
}

// IMDSURL is the metadata_url of the named instance on a server at base
// (e.g. "http://127.0.0.1:1234").
func IMDSURL(base, instance string) string { return base + "/imds/" + instance + "/opc/v2" }

// begin counts the request and applies the op's fault. It returns false
// when the fault already answered.
func (f *Fake) begin(w http.ResponseWriter, r *http.Request, op string) bool {
	f.mu.Lock()
	f.counts[op]++
	delay := f.latency
	if op == OpIMDS {
		delay = f.imdsDelay
	}
	var flt Fault
	if p := f.faults[op]; p != nil {
		flt = *p
		if p.Times > 0 {
			p.Times--
			if p.Times == 0 {
				delete(f.faults, op)
			}
		}
	}
	f.mu.Unlock()
	delay += flt.Delay
	if flt.Hang {
		select {
		case <-r.Context().Done():
		case <-f.done:
		}
		return false
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		case <-f.done:
			return false
		}
	}
	if flt.Status == 0 {
		return true
	}
	if flt.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int(flt.RetryAfter.Seconds())))
	}
	code, msg := flt.Code, flt.Message
	if code == "" {
		code = defaultCode(flt.Status)
	}
	if msg == "" {
		msg = "injected fault: " + code
	}
	if flt.Echo {
		f.writeEcho(w, r, flt.Status, code, msg)
		return false
	}
	f.writeError(w, r, flt.Status, code, msg)
	return false
}

// writeEcho is writeError from a server that quotes the request headers.
func (f *Fake) writeEcho(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	var dump []string
	for _, k := range names {
		for _, v := range r.Header[k] {
			dump = append(dump, k+": "+v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("opc-request-id", r.Header.Get("Authorization"))
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "message": msg + "; request headers: " + strings.Join(dump, "; ")})
}

func defaultCode(status int) string {
	switch status {
	case 400:
		return "InvalidParameter"
	case 401:
		return "NotAuthenticated"
	case 404:
		return "NotAuthorizedOrNotFound"
	case 409:
		return "IncorrectState"
	case 429:
		return "TooManyRequests"
	case 503:
		return "ServiceUnavailable"
	default:
		if status >= 500 {
			return "InternalServerError"
		}
		return "Error"
	}
}

func (f *Fake) sortedIPs() []*privateIP {
	out := make([]*privateIP, 0, len(f.privateIPs))
	for _, p := range f.privateIPs {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].created.Equal(out[j].created) {
			return out[i].created.Before(out[j].created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
