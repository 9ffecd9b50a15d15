package netif

import (
	"fmt"
	"net"
	"strings"
)

// LinkByMAC is the name of the local interface with this MAC address (a
// cloud VNIC's, as its metadata gives it). It reads the interfaces of the
// process's namespace.
func LinkByMAC(mac string) (string, error) {
	want, err := net.ParseMAC(mac)
	if err != nil {
		return "", fmt.Errorf("%q is not a usable MAC address", mac)
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return "", err
	}
	for _, i := range ifs {
		if strings.EqualFold(i.HardwareAddr.String(), want.String()) {
			return i.Name, nil
		}
	}
	return "", fmt.Errorf("no local interface has the MAC address %s: %w", want, ErrNoLink)
}
