package clusterip

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/netif"
)

// ifreqHW is struct ifreq with the hardware address member of its union
// (ifr_hwaddr, a struct sockaddr), padded to the union's size.
type ifreqHW struct {
	name   [unix.IFNAMSIZ]byte
	family uint16
	data   [14]byte
	_      [8]byte
}

// maddr adds (or deletes) mac to the interface's multicast list, as
// `ip maddr add <mac> dev <link>` does: SIOCADDMULTI on a socket of the
// interface's namespace. An add of an address that is there, and a
// delete of one that is not, are no error.
func (c *Conn) maddr(link int, mac net.HardwareAddr, add bool) error {
	ifi, err := c.linkName(link)
	if err != nil {
		return err
	}
	var req ifreqHW
	copy(req.name[:], ifi)
	copy(req.data[:], mac)
	op, what := uintptr(unix.SIOCADDMULTI), "add"
	if !add {
		op, what = unix.SIOCDELMULTI, "delete"
	}
	err = c.inNamespace(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), op, uintptr(unsafe.Pointer(&req)))
		if errno != 0 {
			return errno
		}
		return nil
	})
	if !add && errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s multicast MAC %s on %s: %w", what, mac, ifi, err)
	}
	return nil
}

// linkName is the name of interface index link in the namespace.
func (c *Conn) linkName(link int) (string, error) {
	var name string
	err := c.inNamespace(func() error {
		ifi, err := net.InterfaceByIndex(link)
		if err != nil {
			return err
		}
		name = ifi.Name
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("interface %d: %w", link, err)
	}
	return name, nil
}

// inNamespace runs f on a thread in the connection's namespace.
func (c *Conn) inNamespace(f func() error) error { return netif.Do(c.nsfd, f) }

// Maddrs are the link-layer multicast addresses of the interface, as
// /proc/net/dev_mcast lists them in the connection's namespace.
func (c *Conn) Maddrs(link int) ([]net.HardwareAddr, error) {
	var out []net.HardwareAddr
	err := c.inNamespace(func() error {
		// thread-self: /proc/self/net is the namespace of the process's
		// first thread, not of this one.
		b, err := os.ReadFile("/proc/thread-self/net/dev_mcast")
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) != 5 || f[0] != strconv.Itoa(link) {
				continue
			}
			if mac, err := hex.DecodeString(f[4]); err == nil {
				out = append(out, net.HardwareAddr(mac))
			}
		}
		return nil
	})
	return out, err
}
