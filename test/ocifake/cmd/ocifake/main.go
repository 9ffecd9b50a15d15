// Command ocifake runs the OCI fake standalone on a loopback port: a region
// with one subnet, N instances with one VNIC each, and an API key whose
// config file it writes into -dir. It prints one JSON line describing the
// world (endpoints, OCIDs, files) and serves until interrupted. Drive it
// through /_fake/ (see the package documentation).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ocfkit/ocfkit/test/ocifake"
)

type instanceInfo struct {
	Name        string `json:"name"`
	ID          string `json:"id"`
	VnicID      string `json:"vnicId"`
	PrimaryIP   string `json:"primaryIp"`
	MAC         string `json:"mac"`
	MetadataURL string `json:"metadataUrl"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
	dir := flag.String("dir", "", "directory for the API key config file (default: a new temporary one)")
	n := flag.Int("instances", 2, "number of instances")
	cidr := flag.String("subnet", "10.0.0.0/24", "subnet CIDR")
	ttl := flag.Duration("token-ttl", 20*time.Minute, "security token lifetime")
	latency := flag.Duration("latency", 0, "latency of every API and federation answer")
	flag.Parse()

	host, _, err := net.SplitHostPort(*listen)
	addr, perr := netip.ParseAddr(orLoopback(host))
	if err != nil || perr != nil || !addr.IsLoopback() {
		log.Fatalf("ocifake: -listen must be a loopback address")
	}
	prefix, err := netip.ParsePrefix(*cidr)
	if err != nil || !prefix.Addr().Is4() || prefix.Bits() > 28 {
		log.Fatalf("ocifake: -subnet must be an IPv4 CIDR of /28 or larger")
	}
	if *dir == "" {
		if *dir, err = os.MkdirTemp("", "ocifake-"); err != nil {
			log.Fatal(err)
		}
	}
	f := ocifake.New(ocifake.Options{TokenTTL: *ttl})
	f.SetLatency(*latency)
	sub := f.AddSubnet(prefix.String())
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	var insts []instanceInfo
	ip := prefix.Masked().Addr().Next().Next()
	for i := 1; i <= *n; i++ {
		name := fmt.Sprintf("node%d", i)
		in := f.AddInstance(name)
		mac := fmt.Sprintf("02:00:17:00:00:%02x", i)
		vnic := f.AddVNIC(name, sub.ID, ip.String(), mac)
		insts = append(insts, instanceInfo{name, in.ID, vnic, ip.String(), mac, ocifake.IMDSURL(base, name)})
		ip = ip.Next()
	}
	cfg, err := ocifake.WriteConfig(*dir, f.AddAPIKey(), f.Region(), "")
	if err != nil {
		log.Fatal(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"apiEndpoint": base, "authEndpoint": base, "configFile": cfg, "region": f.Region(),
		"subnetId": sub.ID, "subnetCidr": sub.CIDR.String(), "instances": insts,
	})
	srv := &http.Server{Handler: f}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		f.Close()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

func orLoopback(h string) string {
	if h == "" || h == "localhost" {
		return "127.0.0.1"
	}
	return h
}
