package netif

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// rtProtos are the route protocol names the kernel headers define, as
// ip-route(8) knows them without /etc/iproute2/rt_protos.
var rtProtos = map[string]int{
	"unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4,
	"gated": 8, "ra": 9, "mrt": 10, "zebra": 11, "bird": 12, "dnrouted": 13,
	"xorp": 14, "ntk": 15, "dhcp": 16, "keepalived": 18, "babel": 42,
	"openr": 99, "bgp": 186, "isis": 187, "ospf": 188, "rip": 189, "eigrp": 192,
}

// ProtosFiles are where iproute2 reads more names (a variable for tests).
var ProtosFiles = []string{"/etc/iproute2/rt_protos", "/usr/share/iproute2/rt_protos", "/usr/lib/iproute2/rt_protos"}

// ParseProto reads a route protocol as ip-route(8) does: a number 0-255 or
// a name (the kernel's, or one of rt_protos).
func ParseProto(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 255 {
			return 0, fmt.Errorf("route protocol %d is not 0-255", n)
		}
		return n, nil
	}
	if n, ok := rtProtos[s]; ok {
		return n, nil
	}
	for _, f := range ProtosFiles {
		files := []string{f}
		d, _ := filepath.Glob(f + ".d/*.conf")
		for _, p := range append(files, d...) {
			if n, ok := protoIn(p, s); ok {
				return n, nil
			}
		}
	}
	return 0, fmt.Errorf("%q is not a route protocol ip-route(8) knows (a number 0-255 or a name such as kernel, static, dhcp)", s)
}

func protoIn(path, name string) (int, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && !strings.HasPrefix(fs[0], "#") && fs[1] == name {
			if n, err := strconv.ParseInt(fs[0], 0, 32); err == nil && n >= 0 && n <= 255 {
				return int(n), true
			}
		}
	}
	return 0, false
}
