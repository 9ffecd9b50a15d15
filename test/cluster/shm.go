package cluster

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// shmLeftovers lists the libqb files in /dev/shm that belong to one of the
// given pids: IPC directories "qb-<server>-<client>-..." and Corosync's
// "qb-corosync-<pid>-blackbox-*". A daemon killed with SIGKILL leaves them.
func shmLeftovers(dir string, pids map[int]bool) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		parts := strings.Split(e.Name(), "-")
		if len(parts) < 3 || parts[0] != "qb" {
			continue
		}
		for _, s := range parts[1:3] {
			if pid, err := strconv.Atoi(s); err == nil && pids[pid] {
				out = append(out, filepath.Join(dir, e.Name()))
				break
			}
		}
	}
	return out
}
