package drbdfake

import (
	"fmt"
	"os"
	"path/filepath"
)

// Programs are the names the fake answers to.
var Programs = []string{"drbdadm", "drbdsetup", "crm_attribute", "crm_resource"}

// Install links every program name to the fake binary bin in dir, so that
// dir/drbdadm and friends find their state in dir/drbdfake.json.
func Install(bin, dir string) error {
	for _, p := range Programs {
		link := filepath.Join(dir, p)
		os.Remove(link)
		if err := os.Symlink(bin, link); err != nil {
			return err
		}
	}
	return nil
}

// NewWorld is a healthy, running resource r0 with the given kernel version,
// number of volumes and of peers: all connected, Secondary and UpToDate.
// Devices, the proc file and the call log live under dir.
func NewWorld(dir, kernel string, volumes, peers int) *World {
	r := &Resource{InConfig: true, Up: true, Attached: true, Connected: true, Role: "Secondary"}
	for i := 0; i < volumes; i++ {
		r.Volumes = append(r.Volumes, &Volume{
			Number: i, Minor: i, Device: filepath.Join(dir, "dev", fmt.Sprintf("drbd%d", i)),
			Backing: fmt.Sprintf("/dev/fakevg/r0_%d", i), Disk: "UpToDate",
		})
	}
	for p := 1; p <= peers; p++ {
		peer := &Peer{NodeID: p, Name: fmt.Sprintf("node%d", p+1), Reachable: true, Role: "Secondary"}
		for i := 0; i < volumes; i++ {
			peer.Volumes = append(peer.Volumes, &PeerVolume{Disk: "UpToDate"})
		}
		r.Peers = append(r.Peers, peer)
	}
	return &World{
		Kernel:    kernel,
		Proc:      filepath.Join(dir, "proc_drbd"),
		Log:       filepath.Join(dir, "calls.log"),
		Resources: map[string]*Resource{"r0": r},
	}
}

// Path is the state file of a world installed in dir.
func Path(dir string) string { return filepath.Join(dir, "drbdfake.json") }
