package mount

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

const blockSize = 4096

// alignedBlock returns a page-aligned buffer, as O_DIRECT needs.
func alignedBlock() ([]byte, func(), error) {
	b, err := unix.Mmap(-1, 0, blockSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { unix.Munmap(b) }, nil
}

// ReadFirstBlock reads the first block of the device bypassing the page
// cache (OCF_CHECK_LEVEL 10): it proves the device still answers.
func ReadFirstBlock(device string) error {
	buf, free, err := alignedBlock()
	if err != nil {
		return err
	}
	defer free()
	fd, err := unix.Open(device, unix.O_RDONLY|unix.O_DIRECT|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.Open(device, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", device, err)
	}
	defer unix.Close(fd)
	n, err := unix.Pread(fd, buf, 0)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", device, err)
	}
	if n <= 0 {
		return fmt.Errorf("cannot read %s: empty device", device)
	}
	return nil
}

// FlushBuffers drops the page cache of a block device after unmount
// (blockdev --flushbufs without the fork), so that the next node to mount
// the shared device is not raced by stale buffers here.
func FlushBuffers(device string) error {
	fd, err := unix.Open(device, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.IoctlSetInt(fd, unix.BLKFLSBUF, 0)
}
