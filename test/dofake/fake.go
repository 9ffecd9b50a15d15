package dofake

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"time"
)

// Faults are the misbehaviours the fake shows on demand. Counters ("next n")
// are consumed as requests arrive; durations and switches stay until changed.
type Faults struct {
	Latency         time.Duration // every API answer is delayed this long
	MetadataLatency time.Duration // every metadata answer is delayed this long
	ActionDelay     time.Duration // actions stay in-progress this long
	ErrorActions    int           // the next n actions end "errored"
	UnknownStatus   int           // the next n reads of an action report an undocumented status
	PendingEvent    int           // the next n action POSTs answer 422 "already has a pending event"
	RateLimited     int           // the next n API requests answer 429
	RetryAfter      time.Duration // Retry-After of those 429s (whole seconds, at least 1)
	ServerErrors    int           // the next n API requests answer 500
	Hang            bool          // API requests get no answer until the client gives up
	APIDown         bool          // API connections are closed without an answer
}

// UnknownStatusValue is the undocumented action status the UnknownStatus fault reports.
const UnknownStatusValue = "pending"

type reservedIP struct {
	addr        netip.Addr
	droplet     int // 0: unassigned
	lockedUntil time.Time
	pending     *action
}

type action struct {
	id           int
	ip           string
	typ          string // assign_ip or unassign_ip
	resourceType string // reserved_ip or floating_ip
	target       int
	started      time.Time
	due          time.Time
	completed    time.Time
	status       string
	errored      bool
}

type droplet struct {
	id           int
	name         string
	metadataDown bool
	status       string         // power status; "" is active (see droplets.go)
	actions      []*powerAction // power actions, oldest first
	posted       []string       // types of every action posted
}

// Fake is the state of one simulated DigitalOcean account. It is safe for
// concurrent use.
type Fake struct {
	token string

	mu         sync.Mutex
	ips        map[string]*reservedIP
	droplets   map[int]*droplet
	actions    map[int]*action
	nextAction int
	faults     Faults
	calls      map[string]int
	window     time.Time // start of the current rate-limit hour
	windowUsed int
	requestSeq int
	closed     chan struct{}
	closeOnce  sync.Once
	now        func() time.Time
	powerHooks PowerHooks
}

// New returns an account whose API accepts the Bearer token token.
func New(token string) *Fake {
	return &Fake{
		token:      token,
		ips:        map[string]*reservedIP{},
		droplets:   map[int]*droplet{},
		actions:    map[int]*action{},
		nextAction: 1700000001,
		calls:      map[string]int{},
		closed:     make(chan struct{}),
		now:        time.Now,
	}
}

// AddDroplet creates a droplet with the given id.
func (f *Fake) AddDroplet(id int, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.droplets[id] = &droplet{id: id, name: name}
}

// AddReservedIP creates a reserved IPv4 address, assigned to droplet (0: unassigned).
func (f *Fake) AddReservedIP(ip string, droplet int) error {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return fmt.Errorf("dofake: %q is not an IPv4 address", ip)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if droplet != 0 && f.droplets[droplet] == nil {
		return fmt.Errorf("dofake: no droplet %d", droplet)
	}
	f.ips[a.String()] = &reservedIP{addr: a, droplet: droplet}
	return nil
}

// DeleteReservedIP deletes ip from the account, as a person in the control
// panel would: from then on the API answers 404 for it, and the metadata
// of the droplet that held it shows no reserved IP.
func (f *Fake) DeleteReservedIP(ip string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.ips, ip)
	for id, a := range f.actions {
		if a.ip == ip {
			delete(f.actions, id) // their answers would describe the gone IP
		}
	}
}

// Assign moves ip to droplet (0: unassigned) at once, behind the back of
// whoever manages it, as a person in the control panel would.
func (f *Fake) Assign(ip string, droplet int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.ips[ip]
	if r == nil {
		return fmt.Errorf("dofake: no reserved IP %s", ip)
	}
	if droplet != 0 && f.droplets[droplet] == nil {
		return fmt.Errorf("dofake: no droplet %d", droplet)
	}
	r.droplet = droplet
	return nil
}

// Holder returns the droplet ip is assigned to (0: none), completing due actions first.
func (f *Fake) Holder(ip string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.advance()
	if r := f.ips[ip]; r != nil {
		return r.droplet
	}
	return 0
}

// Lock makes ip locked for d: the API shows "locked": true and refuses
// actions on it with 422.
func (f *Fake) Lock(ip string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.ips[ip]; r != nil {
		r.lockedUntil = f.now().Add(d)
	}
}

// SetFaults replaces the current faults.
func (f *Fake) SetFaults(x Faults) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = x
}

// UpdateFaults changes the current faults under the fake's lock.
func (f *Fake) UpdateFaults(change func(*Faults)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.faults)
}

// CurrentFaults returns the faults in force (with counters as consumed so far).
func (f *Fake) CurrentFaults() Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faults
}

// SetMetadataDown makes the metadata server of droplet close connections
// without an answer (down) or answer again.
func (f *Fake) SetMetadataDown(droplet int, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.droplets[droplet]; d != nil {
		d.metadataDown = down
	}
}

// Calls returns how many requests reached the endpoint pattern, e.g.
// "GET /v2/reserved_ips/{ip}", "POST /v2/reserved_ips/{ip}/actions",
// "GET /v2/reserved_ips/{ip}/actions/{id}", "GET /v2/actions/{id}", or for a
// metadata server "META 1001 /metadata/v1/id".
func (f *Fake) Calls(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[endpoint]
}

// AllCalls returns a copy of every counter.
func (f *Fake) AllCalls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.calls))
	for k, v := range f.calls {
		out[k] = v
	}
	return out
}

// APICalls is the number of requests to the API (metadata excluded).
func (f *Fake) APICalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for k, v := range f.calls {
		if !isMetaKey(k) {
			n += v
		}
	}
	return n
}

// MetadataCalls is the number of requests to droplet's metadata server.
func (f *Fake) MetadataCalls(droplet int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	prefix := fmt.Sprintf("META %d ", droplet)
	n := 0
	for k, v := range f.calls {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix {
			n += v
		}
	}
	return n
}

// ResetCalls sets every counter to zero.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
}

// CallSummary is the counters as sorted "endpoint=n" lines, for test failure output.
func (f *Fake) CallSummary() string {
	c := f.AllCalls()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += fmt.Sprintf("%s=%d\n", k, c[k])
	}
	return s
}

// Close releases requests held by the Hang fault; the servers close separately.
func (f *Fake) Close() {
	f.closeOnce.Do(func() { close(f.closed) })
}

func isMetaKey(k string) bool { return len(k) > 5 && k[:5] == "META " }

func (f *Fake) count(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key]++
}

// advance completes the actions that are due. Callers hold f.mu.
func (f *Fake) advance() {
	now := f.now()
	for _, r := range f.ips {
		a := r.pending
		if a == nil || now.Before(a.due) {
			continue
		}
		a.completed = a.due
		if a.errored {
			a.status = "errored"
		} else {
			a.status = "completed"
			if a.typ == "assign_ip" {
				r.droplet = a.target
			} else {
				r.droplet = 0
			}
		}
		r.pending = nil
	}
}

func (r *reservedIP) locked(now time.Time) bool {
	return r.pending != nil || now.Before(r.lockedUntil)
}
