package ocf

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ChildWaitDelay bounds how long an exec.Cmd's Wait may wait for output
// pipes once its process is gone: a grandchild (fsck.ext4 under fsck,
// mount.nfs under mount) can hold them open past the action's deadline.
// The runtime's own forks use it; the providers that fork helpers with
// children of their own (mount, drbd, httpd) set the same bound, as they
// do not import ocf. Whatever is left when an action runs out of time is
// killed by killStragglers.
const ChildWaitDelay = 200 * time.Millisecond

// killStragglers ends what an action that ran out of time forked and left
// behind: exec.CommandContext kills only the direct child, and an orphaned
// fsck.ext4 must not go on repairing a disk that the other node is about
// to mount. Only when the agent leads its own process group, as
// Pacemaker's executor starts it: run from a script, the group is the
// caller's and nothing is touched. Processes meant to outlive the agent (a
// background ARP sender, a daemon) run in sessions of their own.
func killStragglers() {
	me := os.Getpid()
	if syscall.Getpgrp() != me {
		return
	}
	for _, pid := range groupMembers(me) {
		if pid != me {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// groupMembers lists the processes whose process group is pgrp.
func groupMembers(pgrp int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, d := range ents {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 2 && f[2] == strconv.Itoa(pgrp) {
			pids = append(pids, pid)
		}
	}
	return pids
}
