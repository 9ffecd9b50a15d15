package multinode

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// MetadataAddr is where a cloud's metadata service answers on a droplet or
// instance, and where each node's own one answers inside its namespace.
const MetadataAddr = "169.254.169.254"

// Clouds are the DigitalOcean and OCI fakes serving every node the way the
// clouds serve their machines: one fake of each in the test process, its
// API answering on every node's loopback, and each node's own droplet
// metadata and OCI IMDS at 169.254.169.254 inside that node's network
// namespace, so that floatip and ocivip run with their default
// metadata_url. Node i is droplet DropletID(i) and OCI instance node<i>
// with one VNIC whose MAC is its eth0's.
type Clouds struct {
	DO        *dofake.Fake
	DOToken   string
	TokenFile string // the DO token, readable by the nodes
	// DOAPI is the base URL of the DO API as every node reaches it: on
	// the node's own loopback (the agents send credentials over plain
	// http to loopback only), served by the one fake in the test process.
	DOAPI string

	OCI    *ocifake.Fake
	OCIAPI string            // base URL of the OCI API and auth service, on each node's loopback
	VNICs  map[string]string // node name → its VNIC's OCID
	Subnet ocifake.Subnet    // the nodes' subnet in the OCI fake
}

// The APIs' addresses on each node's loopback.
const (
	doAPIAddr  = "127.0.0.1:8901"
	ociAPIAddr = "127.0.0.1:8902"
)

// DropletID is the droplet of node i.
func DropletID(i int) int { return 1000 + i }

// NewClouds makes the fakes for n nodes. Pass its OnBoot in Options.
func NewClouds(t testing.TB, n int) *Clouds {
	cl := &Clouds{DOToken: "dop_v1_multinode_5e3d2c1b0a99887766554433221100ff", VNICs: map[string]string{},
		DOAPI: "http://" + doAPIAddr, OCIAPI: "http://" + ociAPIAddr}
	cl.DO = dofake.New(cl.DOToken)
	cl.OCI = ocifake.New(ocifake.Options{})
	t.Cleanup(cl.OCI.Close)
	sub := cl.OCI.AddSubnet(Subnet)
	cl.Subnet = sub
	for i := 1; i <= n; i++ {
		cl.DO.AddDroplet(DropletID(i), NodeName(i))
		cl.OCI.AddInstance(NodeName(i))
		cl.VNICs[NodeName(i)] = cl.OCI.AddVNIC(NodeName(i), sub.ID, NodeAddr(i), NodeMAC(i))
	}
	dir, err := os.MkdirTemp("", "ocfkit-clouds-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cl.TokenFile = filepath.Join(dir, "do.token")
	if err := os.WriteFile(cl.TokenFile, []byte(cl.DOToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cl
}

// OnBoot gives node n its metadata services: 169.254.169.254/32 on its lo
// (inside the node only) and one server there answering the droplet
// metadata paths (/metadata/...) and the OCI IMDS ones (/opc/...); and the
// APIs on its loopback at DOAPI and OCIAPI.
func (cl *Clouds) OnBoot(n *Node) error {
	if err := n.InNetns(func() error { return ip("addr", "add", MetadataAddr+"/32", "dev", "lo") }); err != nil {
		return err
	}
	for addr, h := range map[string]http.Handler{doAPIAddr: cl.DO.API(), ociAPIAddr: cl.OCI} {
		api, err := n.Listen(addr)
		if err != nil {
			return err
		}
		go (&http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}).Serve(api)
	}
	l, err := n.Listen(MetadataAddr + ":80")
	if err != nil {
		return err
	}
	do := cl.DO.Metadata(DropletID(n.ID))
	name := n.Name
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/opc/") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/imds/" + name + r.URL.Path
			cl.OCI.ServeHTTP(w, r2)
			return
		}
		do.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	return nil
}

// DOHolder is the node whose droplet holds the reserved IP ip ("" none).
func (cl *Clouds) DOHolder(ip string) string {
	id := cl.DO.Holder(ip)
	if id == 0 {
		return ""
	}
	return NodeName(id - 1000)
}

// OCIHolder is the node whose VNIC holds the secondary private IP ip.
func (cl *Clouds) OCIHolder(ip string) string {
	v := cl.OCI.VNICOf(ip)
	for node, id := range cl.VNICs {
		if id == v && v != "" {
			return node
		}
	}
	return ""
}

// String says where each cloud IP is, for the demo and for failures.
func (cl *Clouds) String() string {
	return fmt.Sprintf("DO API %s, OCI API %s (on each node's loopback)", cl.DOAPI, cl.OCIAPI)
}
