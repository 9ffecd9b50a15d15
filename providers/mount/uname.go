package mount

import "golang.org/x/sys/unix"

// kernelRelease returns uname -r without a fork.
func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}
