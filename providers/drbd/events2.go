package drbd

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// peerCount is what the anchor counts per peer from peer-device lines.
type peerCount struct {
	role                          string
	upToDate, known, disklessPeer int
}

// ParseEvents2 reads the output of `drbdsetup events2 --now <res>` (DRBD 9)
// and derives the status of resource res as ocf:linbit:drbd does. Lines may
// come in any order: objects are collected first and evaluated afterwards.
// Lines after the "exists -" marker, lines of other resources and unknown
// objects are ignored.
func ParseEvents2(out []byte, res string) (Status, error) {
	st := Status{HaveQuorum: true}
	role := "Unconfigured"
	peers := map[int]*peerCount{}
	var pending []peerDevice
	volumes, disklessVolumes := 0, 0
	allUpToDate, allConsistent, transitional := true, true, false

	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || f[0] != "exists" {
			continue
		}
		if f[1] == "-" {
			break
		}
		if len(f) < 3 || f[2] != "name:"+res {
			continue
		}
		kvs := f[3:]
		switch f[1] {
		case "resource":
			for _, kv := range kvs {
				if v, ok := strings.CutPrefix(kv, "role:"); ok {
					role = v
					break
				}
			}
		case "connection":
			id, err := nodeID(kvs)
			if err != nil {
				return Status{}, err
			}
			p := &peerCount{}
			for _, kv := range kvs {
				if v, ok := strings.CutPrefix(kv, "role:"); ok {
					p.role = v
				}
			}
			peers[id] = p
		case "device":
			volumes++
			joined := " " + strings.Join(kvs, " ")
			if i := strings.Index(joined, " disk:Diskless"); i >= 0 &&
				strings.Contains(joined[i+len(" disk:Diskless"):], " client:yes") {
				disklessVolumes++
				st.Disks = append(st.Disks, "DisklessClient")
				continue
			}
			for _, kv := range kvs {
				if v, ok := strings.CutPrefix(kv, "disk:"); ok {
					st.Disks = append(st.Disks, v)
					switch v {
					case "UpToDate":
					case "Diskless", "Failed", "Inconsistent", "Outdated", "Detaching":
						allConsistent, allUpToDate = false, false
					case "Attaching", "Negotiating":
						// The anchor leaves "all up to date" alone here.
						transitional = true
					case "Consistent":
						allUpToDate = false
					}
				}
				if kv == "quorum:no" {
					st.HaveQuorum = false
				}
			}
		case "peer-device":
			id, err := nodeID(kvs)
			if err != nil {
				return Status{}, err
			}
			pd := peerDevice{id: id}
			for _, kv := range kvs {
				if kv == "peer-client:yes" {
					pd.client = true
				}
				if v, ok := strings.CutPrefix(kv, "peer-disk:"); ok {
					pd.disks = append(pd.disks, v)
				}
			}
			pending = append(pending, pd)
		}
	}
	if err := sc.Err(); err != nil {
		return Status{}, fmt.Errorf("reading events2 output: %w", err)
	}
	for _, pd := range pending {
		p, ok := peers[pd.id]
		if !ok {
			continue // the anchor only looks at peers it saw a connection for
		}
		if pd.client {
			p.disklessPeer++
		}
		for _, d := range pd.disks {
			switch d {
			case "UpToDate":
				p.upToDate++
				p.known++
			case "DUnknown":
			default:
				p.known++
			}
		}
	}

	st.Primary = role == "Primary"
	st.Unconfigured = role == "Unconfigured"
	st.DiskAllUpToDate = allUpToDate
	st.DiskAllConsistent = allConsistent
	st.DiskTransitional = transitional
	st.DisklessClient = volumes == disklessVolumes

	ids := make([]int, 0, len(peers))
	for id := range peers {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		p := peers[id]
		if strings.Contains(p.role, "Primary") {
			st.SomePeerPrimary = true
		}
		if volumes == p.disklessPeer {
			continue // a diskless client peer says nothing about good data
		}
		if volumes == p.upToDate {
			st.SomePeerAllUpToDate = true
		} else {
			st.SomePeerNotAllUpToDate = true
		}
		if volumes != p.known {
			st.PeerDiskAnyUnknown = true
		}
	}
	// The anchor also tests a "some peer any unknown" flag here that it never
	// sets, so unknown peer disks do not enter this one.
	st.PeerDiskAllUpToDate = st.SomePeerAllUpToDate && !st.SomePeerNotAllUpToDate
	return st, nil
}

type peerDevice struct {
	id     int
	client bool
	disks  []string
}

func nodeID(kvs []string) (int, error) {
	for _, kv := range kvs {
		if v, ok := strings.CutPrefix(kv, "peer-node-id:"); ok {
			id, err := strconv.Atoi(v)
			if err != nil || id < 0 || id > 63 {
				return 0, fmt.Errorf("events2: bad peer-node-id %q", v)
			}
			return id, nil
		}
	}
	return 0, fmt.Errorf("events2: line without peer-node-id: %q", strings.Join(kvs, " "))
}
