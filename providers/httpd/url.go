package httpd

import (
	"net"
	"strconv"
	"strings"
)

// LocalURL is the base URL of the server as the heartbeat agent builds it
// (buildlocalurl): the first Listen address, "localhost:<port>" when Listen
// names only a port; without any Listen, localhost on the first valid of
// the port parameter, the Port directive and 80. The scheme is https when
// the Listen directive says so, or for port 443 without a protocol, as
// httpd itself decides; the heartbeat agent always used http.
func LocalURL(cfg *Config, port string) string {
	addr := cfg.Listen.Addr
	if addr == "" {
		p := "80"
		for _, c := range []string{port, cfg.Port} {
			if validPort(c) {
				p = c
				break
			}
		}
		return "http://localhost:" + p
	}
	if !strings.Contains(addr, ":") {
		addr = "localhost:" + addr
	} else if rest, ok := strings.CutPrefix(addr, "*:"); ok {
		addr = "localhost:" + rest
	}
	scheme := "http"
	switch cfg.Listen.Proto {
	case "https":
		scheme = "https"
	case "":
		if _, p, err := net.SplitHostPort(addr); err == nil && p == "443" {
			scheme = "https"
		}
	}
	return scheme + "://" + addr
}

// StatusURL is the URL monitor checks when the statusurl parameter is
// empty: the local URL followed by the server-status location (nothing
// when the configuration has none, which makes it the index page).
func StatusURL(cfg *Config, port string) string {
	return LocalURL(cfg, port) + cfg.StatusPath
}

// TestURL makes a relative test URL absolute against the local URL, as
// the heartbeat agent's fixtesturl does: anything not starting with
// "http" is appended to it.
func TestURL(u string, cfg *Config, port string) string {
	if strings.HasPrefix(u, "http") {
		return u
	}
	return LocalURL(cfg, port) + u
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536 && strings.Trim(s, "0123456789") == ""
}
