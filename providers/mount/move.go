package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// MovedPath is where force_unmount=move puts the mount on dir, as the
// anchor does: the same parent, the last component with a leading dot
// (/srv/data → /srv/.data).
func MovedPath(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir))
}

// MoveAside moves the mount on dir, with everything mounted below it, to
// MovedPath(dir) (mount --move, done with mount(2)): whatever keeps
// opening files under dir no longer finds them, and the holders left can
// be signalled without new ones appearing. The target is created when
// missing; it must be a plain directory (never a link someone made).
// The kernel refuses to move a mount whose parent mount is shared
// (EINVAL): the mount point's parent must be a private mount.
func MoveAside(dir string) (string, error) {
	to := MovedPath(dir)
	if err := os.Mkdir(to, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("cannot create %s to move %s aside: %w", to, dir, err)
	}
	st, err := os.Lstat(to)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory: not moving %s there", to, dir)
	}
	if err := unix.Mount(dir, to, "", unix.MS_MOVE, ""); err != nil {
		return "", fmt.Errorf("mount --move %s %s: %w", dir, to, err)
	}
	return to, nil
}
