package ocf

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ocfkit/ocfkit/ocf/haenv"
)

// StateDir is where agents keep state across invocations: HA_RSCTMP, or
// /run/resource-agents as the shell agents use. It is on tmpfs on purpose:
// state must not survive a reboot.
func StateDir() string { return haenv.StateDir() }

// StatePath is the path of a state file of this instance, e.g.
// StatePath("droplet") = /run/resource-agents/floatip-vip.droplet. The
// directory is created when missing (mode 0755, as resource-agents does);
// files with secrets must be written 0600 by the caller.
func (e *Env) StatePath(suffix string) (string, error) {
	dir := StateDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := e.Agent.Name + "-" + e.Instance
	if suffix != "" {
		name += "." + suffix
	}
	// Instance names of clones carry ":" and may in theory carry "/".
	name = strings.NewReplacer("/", "_", ":", "_").Replace(name)
	return filepath.Join(dir, name), nil
}

// WriteState atomically replaces a state file (write to a temporary file,
// fsync, rename) so a crash never leaves half a file behind.
func WriteState(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
