package ocifake

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
)

// Region is the usual scenario of the tests: a fake region served on
// 127.0.0.1 with one subnet (a random 198.19.x.0/24, so that parallel
// packages do not collide), and instances added with Node.
type Region struct {
	Fake   *Fake
	URL    string
	Subnet Subnet
	Net    netip.Prefix
	nextIP int
}

// NewRegion serves a new fake region for the test (needs root for the
// nodes' veth pairs).
func NewRegion(t testing.TB, opt Options) *Region {
	t.Helper()
	f := New(opt)
	return RegionOn(f, Serve(t, f))
}

// RegionOn is the scenario for a fake the test serves itself at url
// (behind a recorder, say).
func RegionOn(f *Fake, url string) *Region {
	r := &Region{Fake: f, URL: url, nextIP: 10}
	r.Net = netip.MustParsePrefix(fmt.Sprintf("198.19.%d.0/24", rand.IntN(250)+1))
	r.Subnet = f.AddSubnet(r.Net.String())
	return r
}

// Addr is the n-th address of the subnet (198.19.x.n).
func (r *Region) Addr(n int) string {
	a := r.Net.Addr().As4()
	a[3] = byte(n)
	return netip.AddrFrom4(a).String()
}

// Node is one simulated instance: its VNIC in the fake, and a veth pair
// whose host end (NIC) is its network interface, carrying the VNIC's
// primary IP as an instance's NIC does.
type Node struct {
	Name, VNIC, NIC, PrimaryIP string
	// Params point ocivip at this node's metadata and at the fake API,
	// for the VIP Addr(200).
	Params map[string]string
}

// Remote adds an instance elsewhere (another node, no interface here) with
// one VNIC in the subnet, and returns that VNIC's OCID.
func (r *Region) Remote(name string) string {
	r.nextIP++
	r.Fake.AddInstance(name)
	return r.Fake.AddVNIC(name, r.Subnet.ID, r.Addr(r.nextIP), fmt.Sprintf("02:00:17:00:00:%02x", r.nextIP))
}

// Node adds an instance with one VNIC in the subnet.
func (r *Region) Node(t testing.TB, name string) *Node {
	t.Helper()
	r.nextIP++
	primary := r.Addr(r.nextIP)
	v := netiftest.NewVeth(t, []string{primary + "/24"}, nil)
	r.Fake.AddInstance(name)
	vnic := r.Fake.AddVNIC(name, r.Subnet.ID, primary, v.HostMAC.String())
	return &Node{Name: name, VNIC: vnic, NIC: v.Host, PrimaryIP: primary, Params: map[string]string{
		"secondary_private_ip": r.Addr(200),
		"metadata_url":         IMDSURL(r.URL, name),
		"api_endpoint":         r.URL,
		"auth_endpoint":        r.URL,
	}}
}
