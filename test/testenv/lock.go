package testenv

import (
	"os"
	"syscall"
	"testing"
)

// LockSystem serialises tests that use machine-wide resources: the
// Pacemaker cluster, /etc/corosync, /usr/lib/ocf/resource.d/ocfkit and
// installed packages. go test runs packages in parallel, so every test that
// touches one of these takes this lock first; it is released at cleanup.
func LockSystem(t testing.TB) {
	t.Helper()
	f, err := os.OpenFile("/run/lock/ocfkit-test-system.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		Skip(t, "cannot open system lock: "+err.Error())
		return
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("flock: %v", err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
