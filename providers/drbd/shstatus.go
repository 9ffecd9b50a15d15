package drbd

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// volume84 is one `_sh_status_process` record of drbdsetup sh-status.
type volume84 struct {
	role, peer, cstate, disk, pdsk string
}

// ParseShStatus reads the output of `drbdsetup sh-status <res>` (DRBD 8.4):
// blocks of `_name=value` lines, each closed by `_sh_status_process`, one
// per volume. It derives the status as ocf:linbit:drbd does; empty output
// means an unconfigured resource.
func ParseShStatus(out []byte) (Status, error) {
	vars := map[string]string{}
	vols := map[int]volume84{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "_sh_status_process" {
			n := 0
			if v := vars["_volume"]; v != "" {
				var err error
				if n, err = strconv.Atoi(v); err != nil {
					return Status{}, fmt.Errorf("sh-status: bad _volume %q", v)
				}
			}
			if n < 0 {
				n = 1 << 16 // not yet created volumes, as the anchor files them
			}
			vols[n] = volume84{
				role:   orDefault(vars["_role"], "Unconfigured"),
				peer:   orDefault(vars["_peer"], "Unknown"),
				cstate: vars["_cstate"],
				disk:   orDefault(vars["_disk"], "Unconfigured"),
				pdsk:   orDefault(vars["_pdsk"], "DUnknown"),
			}
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(name, "_") {
			return Status{}, fmt.Errorf("sh-status: unexpected line %q", line)
		}
		if i := strings.Index(value, " #"); i >= 0 {
			value = value[:i] // "_known=NA # not available or not yet created"
		}
		vars[name] = shellUnquote(value)
	}
	if err := sc.Err(); err != nil {
		return Status{}, fmt.Errorf("reading sh-status output: %w", err)
	}
	if len(vols) == 0 {
		vols[0] = volume84{role: "Unconfigured", peer: "Unknown", cstate: "Unconfigured", disk: "Unconfigured", pdsk: "DUnknown"}
	}
	keys := make([]int, 0, len(vols))
	for k := range vols {
		keys = append(keys, k)
	}
	sort.Ints(keys)

	st := Status{HaveQuorum: true}
	var roles, peers []string
	for _, k := range keys {
		roles = append(roles, vols[k].role)
		peers = append(peers, vols[k].peer)
	}
	switch r := strings.Join(roles, " "); {
	case strings.Contains(r, "Primary"):
		st.Primary = true
	case strings.Contains(r, "Secondary"):
	default:
		st.Unconfigured = true
	}
	st.SomePeerPrimary = strings.Contains(strings.Join(peers, " "), "Primary")

	st.PeerDiskAllUpToDate = true
	for _, k := range keys {
		d := vols[k].pdsk
		if d == "UpToDate" {
			continue
		}
		st.PeerDiskAllUpToDate = false
		if d == "DUnknown" {
			st.PeerDiskAnyUnknown = true
			break
		}
	}
	st.DiskAllUpToDate, st.DiskAllConsistent = true, true
	for _, k := range keys {
		d := vols[k].disk
		st.Disks = append(st.Disks, d)
		switch d {
		case "UpToDate":
			continue
		case "Diskless", "Failed", "Inconsistent", "Outdated":
			st.DiskAllConsistent = false
		case "Attaching", "Negotiating":
			st.DiskTransitional = true
		}
		st.DiskAllUpToDate = false
	}
	st.SomePeerAllUpToDate = st.PeerDiskAllUpToDate
	st.SomePeerNotAllUpToDate = !st.PeerDiskAllUpToDate
	return st, nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// shellUnquote undoes the backslash escaping drbdsetup and drbdadm apply to
// values they print for eval (shell_escape), and plain quotes.
func shellUnquote(v string) string {
	if !strings.ContainsAny(v, `\'"`) {
		return v
	}
	var b strings.Builder
	var quote rune
	esc := false
	for _, r := range v {
		switch {
		case esc:
			b.WriteRune(r)
			esc = false
		case r == '\\' && quote != '\'':
			esc = true
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '\'' || r == '"'):
			quote = r
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
