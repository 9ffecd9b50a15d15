// Package drbdfake is a fake DRBD for tests: one program that acts as
// drbdadm, drbdsetup, crm_attribute and crm_resource (by the name it is
// called with) over a JSON state file, the World. It prints events2,
// sh-status and --version exactly in DRBD's formats, changes the world the
// way the kernel would on up/down/primary/secondary/outdate, refuses to
// promote without UpToDate data (exit 17), and records every call.
//
// The state file is $DRBDFAKE_STATE, or drbdfake.json beside the program
// as it was called (so an agent started by Pacemaker, which passes no
// environment, finds it through the absolute paths it was given).
package drbdfake

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// World is the whole fake: the kernel module, the configuration, the
// resources' runtime state, the peers, and the cluster's node attributes.
type World struct {
	// Kernel is the module version ("9.2.7", "8.4.11"); empty means the
	// module is not loaded.
	Kernel string `json:"kernel"`
	Utils  string `json:"utils,omitempty"` // drbdadm version, default 9.22.0
	// Proc is the file that stands for /proc/drbd: written while the
	// module is loaded, removed otherwise.
	Proc string `json:"proc,omitempty"`
	// Log receives one JSON array per call: the program name and its args.
	Log  string `json:"log,omitempty"`
	Node string `json:"node,omitempty"` // this node's name, default "node1"

	Resources map[string]*Resource `json:"resources"`

	// Fail forces the exit code of a command word ("primary", "adjust",
	// "events2", ...), for fault injection.
	Fail map[string]int `json:"fail,omitempty"`
	// Hang makes a command word sleep this many seconds before it runs (a
	// stuck drbdsetup), without holding the state lock.
	Hang map[string]float64 `json:"hang,omitempty"`

	// Attrs are node attributes written with crm_attribute (name → value).
	Attrs map[string]string `json:"attrs,omitempty"`
	// Locate is what `crm_resource --locate` prints, one line per instance.
	Locate []string `json:"locate,omitempty"`

	path  string
	dirty bool // a command changed the world: save it
}

// Resource is one DRBD resource: in the configuration (InConfig) and, when
// Up, in the kernel.
type Resource struct {
	InConfig          bool `json:"in_config"`
	AllowTwoPrimaries bool `json:"allow_two_primaries,omitempty"`
	NodeID            int  `json:"node_id"`

	Up        bool   `json:"up"`
	Attached  bool   `json:"attached"`
	Connected bool   `json:"connected"` // networking configured (adjust without --skip-net)
	Role      string `json:"role,omitempty"`
	NoQuorum  bool   `json:"no_quorum,omitempty"`

	Volumes []*Volume `json:"volumes"`
	Peers   []*Peer   `json:"peers,omitempty"`
}

// Volume is one local volume. Disk is the state of the backing disk while
// attached (it survives down/up, as the meta data does); a Client volume is
// intentionally diskless.
type Volume struct {
	Number  int    `json:"volume"`
	Minor   int    `json:"minor"`
	Device  string `json:"device"`
	Backing string `json:"backing,omitempty"`
	Disk    string `json:"disk"`
	Client  bool   `json:"client,omitempty"`
}

// Peer is another node. While we are connected and it is Reachable we see
// its role and disks; otherwise the connection is Connecting (or
// StandAlone) and its disks are DUnknown.
type Peer struct {
	NodeID    int           `json:"node_id"`
	Name      string        `json:"name"`
	Reachable bool          `json:"reachable"`
	Role      string        `json:"role,omitempty"`
	Volumes   []*PeerVolume `json:"volumes"`
}

// PeerVolume is a peer's view of one volume.
type PeerVolume struct {
	Disk        string `json:"disk"`
	Client      bool   `json:"client,omitempty"`
	Replication string `json:"replication,omitempty"` // default Established
}

// StatePath is where the fake called as argv0 keeps its world.
func StatePath(argv0 string) string {
	if p := os.Getenv("DRBDFAKE_STATE"); p != "" {
		return p
	}
	dir := filepath.Dir(argv0)
	if !filepath.IsAbs(argv0) && !containsSlash(argv0) {
		if p, err := lookPath(argv0); err == nil {
			dir = filepath.Dir(p)
		}
	}
	return filepath.Join(dir, "drbdfake.json")
}

func containsSlash(s string) bool {
	for _, c := range s {
		if c == '/' {
			return true
		}
	}
	return false
}

func lookPath(name string) (string, error) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

// Load reads the world at path.
func Load(path string) (*World, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	w := &World{}
	if err := json.Unmarshal(b, w); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w.path = path
	if w.Resources == nil {
		w.Resources = map[string]*Resource{}
	}
	return w, nil
}

// Save writes the world to path (atomically) and makes the outside match
// it: the proc file exists while the module is loaded, and the device nodes
// of a resource that is up exist (block devices, major 147) and no others.
func (w *World) Save(path string) error {
	w.path = path
	if err := w.sync(); err != nil {
		return err
	}

	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (w *World) sync() error {
	if w.Proc != "" {
		if w.Kernel == "" {
			if err := os.Remove(w.Proc); err != nil && !os.IsNotExist(err) {
				return err
			}
		} else if err := os.WriteFile(w.Proc, []byte(w.procText()), 0o644); err != nil {
			return err
		}
	}
	for _, r := range w.Resources {
		for _, v := range r.Volumes {
			if v.Device == "" {
				continue
			}
			if err := syncNode(v.Device, v.Minor, r.Up && w.Kernel != ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncNode creates or removes a block device node. Creating one needs
// root; without it the device simply does not appear, as with a udev that
// never settles.
func syncNode(path string, minor int, want bool) error {
	st, err := os.Lstat(path)
	have := err == nil && st.Mode()&os.ModeDevice != 0 && st.Mode()&os.ModeCharDevice == 0
	switch {
	case want && !have:
		if err == nil {
			os.Remove(path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		err := unix.Mknod(path, syscall.S_IFBLK|0o660, int(unix.Mkdev(147, uint32(minor))))
		if err != nil && err != unix.EPERM {
			return fmt.Errorf("mknod %s: %w", path, err)
		}
	case !want && have:
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// Update locks the state file, loads it, applies f and saves the result
// unless f fails. Concurrent calls of the fake serialise on the lock.
func Update(path string, f func(w *World) error) error {
	unlock, err := lock(path, true)
	if err != nil {
		return err
	}
	defer unlock()
	w, err := Load(path)
	if err != nil {
		return err
	}
	if err := f(w); err != nil {
		return err
	}
	if !w.dirty {
		return nil
	}
	return w.Save(path)
}

// Read loads the world under a shared lock.
func Read(path string) (*World, error) {
	unlock, err := lock(path, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return Load(path)
}

func lock(path string, exclusive bool) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// Modify changes the world at path under the lock, as an administrator (or
// the kernel) would behind the agents' back, and saves it.
func Modify(path string, f func(w *World)) error {
	return Update(path, func(w *World) error {
		f(w)
		w.dirty = true
		return nil
	})
}
