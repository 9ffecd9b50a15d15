package netif

import (
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// do sends a netlink request the netlink package has no call for, in the
// handle's namespace, and waits for the kernel's answer.
func (h *Handle) do(req *nl.NetlinkRequest) error {
	_, err := h.execute(req, 0)
	return err
}

// execute is do for a request with answers of type resType.
func (h *Handle) execute(req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	if h.ns >= 0 {
		s, err := nl.GetNetlinkSocketAt(h.ns, netns.None(), unix.NETLINK_ROUTE)
		if err != nil {
			return nil, fmt.Errorf("netlink in namespace: %w", err)
		}
		defer s.Close()
		req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: s}}
	}
	return req.Execute(unix.NETLINK_ROUTE, resType)
}

// rawData is a fixed header (ifaddrmsg, ifaddrlblmsg) as bytes.
type rawData []byte

func (r rawData) Len() int          { return len(r) }
func (r rawData) Serialize() []byte { return r }
