package multinode

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// ClientGet fetches url from the client namespace, as a user would, with
// a short bound, and returns the body.
func (c *Cluster) ClientGet(url string, timeout time.Duration) (string, error) {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return c.DialClient(ctx, addr)
		},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout}
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return string(b), fmt.Errorf("%s", resp.Status)
	}
	return strings.TrimSpace(string(b)), err
}

// ServeName answers HTTP on addr in the node's network namespace with the
// node's name: a stand-in service that tells the client which node served
// it. It stops with the node's power.
func (n *Node) ServeName(addr string) error {
	l, err := n.Listen(addr)
	if err != nil {
		return err
	}
	name := n.Name
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, name)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	return nil
}
