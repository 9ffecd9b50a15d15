package mount

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// Kind is how a configured device names what gets mounted.
type Kind int

// The kinds of device.
const (
	KindPath   Kind = iota // a block device path such as /dev/drbd0
	KindTag                // UUID=, LABEL=, PARTUUID=, PARTLABEL=, -U, -L
	KindDir                // the source directory of a bind mount
	KindLoop               // an image file mounted with the loop option
	KindSource             // anything else: tmpfs name, host:/export, //server/share
	// KindUnknown is a device parameter that could not be read: every
	// mount may be it. Only a stop uses it, to go on despite a bad
	// configuration.
	KindUnknown
)

// Device is the device parameter, parsed.
type Device struct {
	Raw   string // as configured
	Kind  Kind
	Tag   string // UUID, LABEL, PARTUUID or PARTLABEL for KindTag
	Value string // the tag's value for KindTag
}

// ErrNoDevice is returned by ParseDevice for an empty device.
var ErrNoDevice = errors.New("device is not set")

// ParseDevice reads the device parameter the way the anchor does, given
// the fstype and options it is mounted with. It touches the filesystem only
// to tell a bind source directory from a block device.
func ParseDevice(raw, fstype, options string) (Device, error) {
	d := Device{Raw: raw}
	s := strings.TrimSpace(raw)
	if s == "" {
		return d, ErrNoDevice
	}
	if tag, val, ok := parseTag(s); ok {
		if val == "" {
			return d, fmt.Errorf("device %q names no %s", raw, tag)
		}
		d.Kind, d.Tag, d.Value = KindTag, tag, val
		return d, nil
	}
	if strings.HasPrefix(s, "-") {
		// Not a -U/-L tag: mount(8) gets it after "--" anyway, but a device
		// that looks like an option is a mistake (or an attempt at one).
		return d, fmt.Errorf("device %q starts with \"-\": not a device, a tag (-U, -L, UUID=, LABEL=) or a source", raw)
	}
	switch {
	case HasOption(options, "bind") || HasOption(options, "rbind"):
		d.Kind = KindDir
	case HasOption(options, "loop"):
		d.Kind = KindLoop
	case NoBlockDevice(fstype) || !strings.HasPrefix(s, "/"):
		d.Kind = KindSource
	default:
		d.Kind = KindPath
		if st, err := os.Stat(s); err == nil && st.IsDir() {
			d.Kind = KindDir
		}
	}
	if (d.Kind == KindDir || d.Kind == KindLoop) && !filepath.IsAbs(s) {
		return d, fmt.Errorf("device %q must be an absolute path", raw)
	}
	return d, nil
}

// parseTag recognises -U x, -Ux, --uuid=x, --uuid x, UUID=x and the LABEL,
// PARTUUID and PARTLABEL forms, with optional quotes around the value.
func parseTag(s string) (tag, val string, ok bool) {
	for _, f := range []struct{ prefix, tag string }{
		{"--uuid=", "UUID"}, {"--uuid ", "UUID"}, {"--label=", "LABEL"}, {"--label ", "LABEL"},
		{"-U", "UUID"}, {"-L", "LABEL"},
		{"UUID=", "UUID"}, {"LABEL=", "LABEL"}, {"PARTUUID=", "PARTUUID"}, {"PARTLABEL=", "PARTLABEL"},
	} {
		if rest, found := strings.CutPrefix(s, f.prefix); found {
			v := strings.TrimSpace(rest)
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			return f.tag, v, true
		}
	}
	return "", "", false
}

// IsBlock reports whether the device is expected to be a local block
// device: fsck, depth 10 and the "mounted elsewhere" check apply to it.
func (d Device) IsBlock() bool { return d.Kind == KindPath || d.Kind == KindTag }

// MountSource is the source argument given to mount(8): tags in the
// TAG=value form mount(8) resolves itself, everything else as configured.
func (d Device) MountSource() string {
	if d.Kind == KindTag {
		return d.Tag + "=" + d.Value
	}
	return strings.TrimSpace(d.Raw)
}

// udevLink is where udev keeps a symbolic link for a tag, or "".
func (d Device) udevLink() string {
	dir := map[string]string{"UUID": "by-uuid", "LABEL": "by-label", "PARTUUID": "by-partuuid", "PARTLABEL": "by-partlabel"}[d.Tag]
	if dir == "" {
		return ""
	}
	return "/dev/disk/" + dir + "/" + udevEscape(d.Value)
}

// udevEscape encodes a tag value the way udev names its links.
func udevEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '/' || c == ' ' || c == '\\' || c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ErrNotFound is returned by Resolve when no device carries the tag or the
// path does not exist.
var ErrNotFound = fault.Class(fault.ErrNotFound, "device not found")

// Resolve returns the block device path for a path or tag device. Tags are
// looked up in udev's /dev/disk links first; when allowed, blkid is asked
// after that (start and stop may fork, monitor may not).
func (d Device) Resolve(ctx context.Context, allowFork bool) (string, error) {
	switch d.Kind {
	case KindPath:
		p := strings.TrimSpace(d.Raw)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w", p, ErrNotFound)
		}
		return p, nil
	case KindTag:
	default:
		return "", fmt.Errorf("%s is not a block device", d.Raw)
	}
	if link := d.udevLink(); link != "" {
		if p, err := filepath.EvalSymlinks(link); err == nil {
			return p, nil
		}
	}
	if !allowFork {
		return "", fmt.Errorf("%s=%s: %w in /dev/disk", d.Tag, d.Value, ErrNotFound)
	}
	// The cache is bypassed: a device just promoted (DRBD) or freshly made
	// on shared storage must be seen as it is now.
	cmd := exec.CommandContext(ctx, "blkid", "-c", "/dev/null", "-o", "device", "-t", d.Tag+"="+d.Value)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 2 {
			return "", fmt.Errorf("%s=%s: %w", d.Tag, d.Value, ErrNotFound)
		}
		return "", fmt.Errorf("blkid %s=%s: %v %s", d.Tag, d.Value, err, strings.TrimSpace(stderr.String()))
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if first == "" {
		return "", fmt.Errorf("%s=%s: %w", d.Tag, d.Value, ErrNotFound)
	}
	return first, nil
}

// HasOption reports whether the comma-separated mount options contain opt
// as a whole word.
func HasOption(options, opt string) bool {
	for _, o := range strings.Split(options, ",") {
		if strings.TrimSpace(o) == opt {
			return true
		}
	}
	return false
}
