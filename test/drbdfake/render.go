package drbdfake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

func (w *World) utils() string {
	if w.Utils == "" {
		return "9.22.0"
	}
	return w.Utils
}

func (w *World) node() string {
	if w.Node == "" {
		return "node1"
	}
	return w.Node
}

func (w *World) v9() bool {
	return w.Kernel != "" && !strings.HasPrefix(w.Kernel, "8.")
}

// code is 0xMMmmpp of "M.m.p"; 0 for anything else.
func code(v string) int {
	p := strings.Split(strings.SplitN(v, "-", 2)[0], ".")
	if len(p) != 3 {
		return 0
	}
	c := 0
	for _, s := range p {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0
		}
		c = c<<8 | n
	}
	return c
}

// versionText is `drbdadm --version`, as drbd-utils prints it.
func (w *World) versionText() string {
	kernel, api := w.Kernel, 2
	if kernel == "" {
		kernel = "0"
	} else if !w.v9() {
		api = 1
	}
	return fmt.Sprintf("DRBDADM_BUILDTAG=GIT-hash:\\ 409097fe02187f83790b88ac3e0d94f3c167adab\\ reproducible\\ build\\,\\ 2023-01-09\\ 14:51:18\n"+
		"DRBDADM_API_VERSION=%d\n"+
		"DRBD_KERNEL_VERSION_CODE=0x%06x\n"+
		"DRBD_KERNEL_VERSION=%s\n"+
		"DRBDADM_VERSION_CODE=0x%06x\n"+
		"DRBDADM_VERSION=%s\n", api, code(w.Kernel), kernel, code(w.utils()), w.utils())
}

// procText is the head of /proc/drbd.
func (w *World) procText() string {
	if w.v9() {
		return fmt.Sprintf("version: %s (api:2/proto:86-122)\nGIT-hash: 0000000000000000000000000000000000000000 build by drbdfake, 2024-01-01 00:00:00\nTransports (api:20): tcp (%s)\n", w.Kernel, w.Kernel)
	}
	return fmt.Sprintf("version: %s (api:1/proto:86-101)\nsrcversion: 0000000000000000000000\n", w.Kernel)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// connState is the connection state towards p as the kernel reports it.
func (r *Resource) connState(p *Peer) string {
	switch {
	case !r.Connected:
		return "StandAlone"
	case p.Reachable:
		return "Connected"
	}
	return "Connecting"
}

func (r *Resource) peerRole(p *Peer) string {
	if r.Connected && p.Reachable && p.Role != "" {
		return p.Role
	}
	return "Unknown"
}

func (r *Resource) localDisk(v *Volume) string {
	if v.Client || !r.Attached {
		return "Diskless"
	}
	return v.Disk
}

func (r *Resource) peerVolume(p *Peer, i int) PeerVolume {
	pv := PeerVolume{Disk: "DUnknown", Replication: "Off"}
	if i < len(p.Volumes) && p.Volumes[i] != nil {
		pv.Client = p.Volumes[i].Client
		if r.Connected && p.Reachable {
			pv.Disk = p.Volumes[i].Disk
			pv.Replication = p.Volumes[i].Replication
			if pv.Replication == "" {
				pv.Replication = "Established"
			}
			if pv.Client {
				pv.Disk = "Diskless"
			}
		}
	}
	return pv
}

func (r *Resource) role() string {
	if r.Role == "" {
		return "Secondary"
	}
	return r.Role
}

// events2Text is `drbdsetup events2 --now <name>` (drbd-utils 9): resource,
// connections, devices, then per connection its peer devices and paths,
// closed by "exists -".
func (w *World) events2Text(names ...string) string {
	var b strings.Builder
	for _, name := range names {
		r := w.Resources[name]
		if r == nil || !r.Up {
			continue
		}
		score, may := r.promotion()
		fmt.Fprintf(&b, "exists resource name:%s role:%s suspended:no force-io-failures:no may_promote:%s promotion_score:%d\n",
			name, r.role(), yesNo(may), score)
		for _, p := range r.Peers {
			fmt.Fprintf(&b, "exists connection name:%s peer-node-id:%d conn-name:%s connection:%s role:%s\n",
				name, p.NodeID, p.Name, r.connState(p), r.peerRole(p))
		}
		for _, v := range r.Volumes {
			backing := "none"
			if r.Attached && !v.Client && v.Backing != "" {
				backing = v.Backing
			}
			fmt.Fprintf(&b, "exists device name:%s volume:%d minor:%d backing_dev:%s disk:%s client:%s open:no quorum:%s\n",
				name, v.Number, v.Minor, backing, r.localDisk(v), yesNo(v.Client), yesNo(!r.NoQuorum))
		}
		for _, p := range r.Peers {
			for i, v := range r.Volumes {
				pv := r.peerVolume(p, i)
				fmt.Fprintf(&b, "exists peer-device name:%s peer-node-id:%d conn-name:%s volume:%d replication:%s peer-disk:%s peer-client:%s resync-suspended:no\n",
					name, p.NodeID, p.Name, v.Number, pv.Replication, pv.Disk, yesNo(pv.Client))
			}
			if r.Connected {
				fmt.Fprintf(&b, "exists path name:%s peer-node-id:%d conn-name:%s local:ipv4:127.0.0.1:7789 peer:ipv4:127.0.0.%d:7789 established:%s\n",
					name, p.NodeID, p.Name, p.NodeID+2, yesNo(p.Reachable))
			}
		}
	}
	b.WriteString("exists -\n")
	return b.String()
}

// promotion is the kernel's own may_promote/promotion_score, as
// drbdsetup computes it for events2.
func (r *Resource) promotion() (int, bool) {
	if len(r.Volumes) == 0 {
		return 0, false
	}
	upToDate, minReplicas, allHaveDisk := 0, -1, true
	for i, v := range r.Volumes {
		if r.NoQuorum {
			return 0, false
		}
		replicas := 0
		switch d := r.localDisk(v); d {
		case "UpToDate":
			upToDate++
			replicas++
		case "Consistent", "Inconsistent":
		default:
			allHaveDisk = false
		}
		for _, p := range r.Peers {
			if r.peerVolume(p, i).Disk == "UpToDate" {
				replicas++
			}
		}
		if minReplicas == -1 || replicas < minReplicas {
			minReplicas = replicas
		}
	}
	if minReplicas <= 0 {
		return 0, false
	}
	primary := r.role() == "Primary"
	for _, p := range r.Peers {
		primary = primary || r.peerRole(p) == "Primary"
	}
	score := min(upToDate, 99)*100 + min(minReplicas, 99)
	if allHaveDisk {
		score += 10000
	}
	return score, !primary
}

// shStatusText is drbd 8.4's `drbdsetup sh-status <name>`: one block per
// volume, for eval by the shell.
func (w *World) shStatusText(name string) string {
	r := w.Resources[name]
	var b strings.Builder
	for i, v := range r.Volumes {
		fmt.Fprintf(&b, "_minor=%d\n_res_name=%s\n", v.Minor, name)
		if code(w.Kernel) >= 0x080400 { // 8.3 knows no volumes
			fmt.Fprintf(&b, "_volume=%d\n", v.Number)
		}
		var p *Peer
		if len(r.Peers) > 0 {
			p = r.Peers[0]
		}
		cstate := "StandAlone"
		if r.Connected {
			cstate = "WFConnection"
			if p != nil && p.Reachable {
				cstate = "Connected"
				if pv := r.peerVolume(p, i); pv.Replication != "Established" {
					cstate = pv.Replication
				}
			}
		}
		disk := r.localDisk(v)
		if cstate == "StandAlone" && disk == "Diskless" && r.role() != "Primary" {
			b.WriteString("_known=Unconfigured\n\n_cstate=Unconfigured\n_role=\n_peer=\n_disk=\n_pdsk=\n" +
				"_flags_susp=\n_flags_aftr_isp=\n_flags_peer_isp=\n_flags_user_isp=\n_resynced_percent=\n")
		} else {
			peer, pdsk := "Unknown", "DUnknown"
			if p != nil {
				peer, pdsk = r.peerRole(p), r.peerVolume(p, i).Disk
			}
			fmt.Fprintf(&b, "_known=Configured\n\n_cstate=%s\n_role=%s\n_peer=%s\n_disk=%s\n_pdsk=%s\n\n", cstate, r.role(), peer, disk, pdsk)
			b.WriteString("_flags_susp=\n_flags_aftr_isp=\n_flags_peer_isp=\n_flags_user_isp=\n\n_resynced_percent=\n")
		}
		b.WriteString("\n_sh_status_process\n\n\n")
	}
	return b.String()
}

// dumpText is `drbdadm -d -v dump <name>` in drbd-utils 9's layout.
func (w *World) dumpText(name string, conf string) string {
	r := w.Resources[name]
	var b strings.Builder
	fmt.Fprintf(&b, "# resource %s on %s: not ignored, not stacked\n# defined at %s:1\nresource %s {\n", name, w.node(), conf, name)
	host := func(node string, id int, addr string) {
		fmt.Fprintf(&b, "    on %s {\n        node-id %d;\n", node, id)
		for _, v := range r.Volumes {
			disk := v.Backing
			if v.Client || disk == "" {
				disk = "none"
			}
			fmt.Fprintf(&b, "        volume %d {\n            device       %s minor %d;\n            disk         %s;\n            meta-disk    internal;\n        }\n", v.Number, v.Device, v.Minor, disk)
		}
		fmt.Fprintf(&b, "        address          ipv4 %s:7789;\n    }\n", addr)
	}
	host(w.node(), r.NodeID, "127.0.0.1")
	peers := append([]*Peer(nil), r.Peers...)
	sort.Slice(peers, func(i, j int) bool { return peers[i].NodeID < peers[j].NodeID })
	for _, p := range peers {
		host(p.Name, p.NodeID, fmt.Sprintf("127.0.0.%d", p.NodeID+2))
	}
	if r.AllowTwoPrimaries {
		b.WriteString("    net {\n        allow-two-primaries yes;\n    }\n")
	}
	b.WriteString("}\n\n")
	return b.String()
}
