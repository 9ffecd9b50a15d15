package mount

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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

// StatusFileCheck writes content to path, syncs it and reads it back
// (OCF_CHECK_LEVEL 20). direct bypasses the page cache, as the anchor does
// for block devices; filesystems that refuse O_DIRECT (tmpfs, cifs) fall
// back to synchronous writes.
func StatusFileCheck(path string, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cannot create status directory: %w", err)
	}
	buf, free, err := alignedBlock()
	if err != nil {
		return err
	}
	defer free()
	clear(buf)
	copy(buf, content+"\n")
	want := append([]byte(nil), buf...)

	flags := unix.O_WRONLY | unix.O_CREAT | unix.O_TRUNC | unix.O_SYNC | unix.O_CLOEXEC
	fd, err := unix.Open(path, flags|unix.O_DIRECT, 0o644)
	direct := err == nil
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.Open(path, flags, 0o644)
	}
	if err != nil {
		return fmt.Errorf("cannot write status file %s: %w", path, err)
	}
	_, werr := unix.Write(fd, buf)
	if werr == nil {
		werr = unix.Fsync(fd)
	}
	unix.Close(fd)
	if werr != nil {
		return fmt.Errorf("cannot write status file %s: %w", path, werr)
	}

	rflags := unix.O_RDONLY | unix.O_CLOEXEC
	if direct {
		rflags |= unix.O_DIRECT
	}
	fd, err = unix.Open(path, rflags, 0)
	if err != nil {
		return fmt.Errorf("cannot read status file %s: %w", path, err)
	}
	defer unix.Close(fd)
	clear(buf)
	n, err := unix.Pread(fd, buf, 0)
	if err != nil {
		return fmt.Errorf("cannot read status file %s: %w", path, err)
	}
	if n != len(want) || !bytes.Equal(buf[:n], want) {
		return fmt.Errorf("status file %s reads back different from what was written", path)
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
