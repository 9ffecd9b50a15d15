package dofake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Metadata returns the handler of droplet's metadata service
// (http://169.254.169.254 on a real droplet).
func (f *Fake) Metadata(droplet int) http.Handler {
	mux := http.NewServeMux()
	text := func(path string, body func(m wireMetadata) (string, bool)) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			m := f.metadataOf(droplet)
			s, ok := body(m)
			if !ok {
				http.Error(w, "not found", http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, s)
		})
	}
	text("/metadata/v1/{$}", func(wireMetadata) (string, bool) {
		return "id\nhostname\nuser-data\nvendor-data\npublic-keys\nregion\ninterfaces/\ndns/\nfloating_ip/\nreserved_ip/\ntags/\nfeatures/\n", true
	})
	text("/metadata/v1/id", func(m wireMetadata) (string, bool) { return strconv.Itoa(m.DropletID), true })
	text("/metadata/v1/hostname", func(m wireMetadata) (string, bool) { return m.Hostname, true })
	text("/metadata/v1/region", func(m wireMetadata) (string, bool) { return m.Region, true })
	for _, name := range []string{"reserved_ip", "floating_ip"} {
		pick := func(m wireMetadata) wireMetadataIP {
			if name == "reserved_ip" {
				return m.ReservedIP
			}
			return m.FloatingIP
		}
		text("/metadata/v1/"+name+"/{$}", func(wireMetadata) (string, bool) { return "ipv4/\n", true })
		text("/metadata/v1/"+name+"/ipv4/{$}", func(wireMetadata) (string, bool) { return "active\nip_address\n", true })
		text("/metadata/v1/"+name+"/ipv4/active", func(m wireMetadata) (string, bool) {
			return strconv.FormatBool(pick(m).IPv4.Active), true
		})
		text("/metadata/v1/"+name+"/ipv4/ip_address", func(m wireMetadata) (string, bool) {
			ip := pick(m).IPv4
			return ip.IPAddress, ip.Active
		})
	}
	mux.HandleFunc("GET /metadata/v1.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(f.metadataOf(droplet))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.count(fmt.Sprintf("META %d %s", droplet, r.URL.Path))
		f.mu.Lock()
		d := f.droplets[droplet]
		down := d == nil || d.metadataDown
		latency := f.faults.MetadataLatency
		f.mu.Unlock()
		if latency > 0 && !f.sleep(r, latency) {
			return
		}
		if down {
			dropConnection(w)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (f *Fake) metadataOf(id int) wireMetadata {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.advance()
	m := wireMetadata{DropletID: id, Region: nyc3.Slug, PublicKeys: []string{}, Tags: []string{},
		Features: map[string]bool{"dhcp_enabled": false}}
	if d := f.droplets[id]; d != nil {
		m.Hostname = d.name
	}
	m.DNS.Nameservers = []string{"67.207.67.2", "67.207.67.3"}
	for _, r := range f.ips {
		if r.droplet == id {
			m.ReservedIP.IPv4.Active = true
			m.ReservedIP.IPv4.IPAddress = r.addr.String()
			m.FloatingIP = m.ReservedIP
			break
		}
	}
	return m
}
