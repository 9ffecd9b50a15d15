// Command dofake runs the DigitalOcean API and droplet metadata fake
// (package dofake) on loopback ports until SIGINT or SIGTERM, for demos and
// for tests that drive the fake from another process.
//
//	dofake -token-file /tmp/tok -droplet 1001=127.0.0.1:9101 -droplet 1002 \
//	       -ip 203.0.113.10=1001
//
// It prints one line per server ("api URL", "metadata ID URL") and then
// "ready". The fake's own endpoints (/_dofake/...) are on the API port.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/ocfkit/ocfkit/test/dofake"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "dofake:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("dofake", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address of the API")
	tokenFile := fs.String("token-file", "", "file holding the Bearer token the API accepts (required)")
	var droplets, ips multi
	fs.Var(&droplets, "droplet", "a droplet: ID[=ADDR] with ADDR its metadata server's loopback address (repeatable)")
	fs.Var(&ips, "ip", "a reserved IP: IP[=DROPLET_ID] (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tokenFile == "" {
		return fmt.Errorf("-token-file is required")
	}
	b, err := os.ReadFile(*tokenFile)
	if err != nil {
		return err
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return fmt.Errorf("%s is empty", *tokenFile)
	}
	if err := loopback(*listen); err != nil {
		return err
	}
	f := dofake.New(tok)
	metaAddrs := map[int]string{}
	for _, d := range droplets {
		idStr, addr, _ := strings.Cut(d, "=")
		id, err := strconv.Atoi(idStr)
		if err != nil || id <= 0 {
			return fmt.Errorf("-droplet %q: the id must be a positive number", d)
		}
		if addr != "" {
			if err := loopback(addr); err != nil {
				return err
			}
			metaAddrs[id] = addr
		}
		f.AddDroplet(id, fmt.Sprintf("droplet-%d", id))
	}
	for _, s := range ips {
		ip, holder, _ := strings.Cut(s, "=")
		id := 0
		if holder != "" {
			if id, err = strconv.Atoi(holder); err != nil {
				return fmt.Errorf("-ip %q: the droplet id must be a number", s)
			}
		}
		if err := f.AddReservedIP(ip, id); err != nil {
			return err
		}
	}
	env, err := dofake.StartOn(f, *listen, metaAddrs)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Println("api", env.APIURL)
	for _, d := range droplets {
		idStr, _, _ := strings.Cut(d, "=")
		id, _ := strconv.Atoi(idStr)
		fmt.Println("metadata", id, env.Metadata[id])
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return nil
}

// loopback refuses addresses off 127.0.0.0/8 and ::1: the fake is for this
// machine only.
func loopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q: the fake listens on loopback addresses only", addr)
	}
	return nil
}
