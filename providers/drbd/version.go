package drbd

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Version is what `drbdadm --version` reports. Codes are 0xMMmmpp; a kernel
// code of 0 means the module is not loaded.
type Version struct {
	KernelCode int
	Kernel     string
	UtilsCode  int
	Utils      string
	API        int
}

// V9 reports whether the kernel module is DRBD 9 or later: state then comes
// from events2 instead of sh-status.
func (v Version) V9() bool { return v.KernelCode >= 0x090000 }

// MultiVolume reports whether the module knows volumes (8.4 and later).
func (v Version) MultiVolume() bool { return v.KernelCode >= 0x080400 }

// ParseVersion reads the shell assignments `drbdadm --version` prints
// (DRBDADM_VERSION_CODE=0x091600, DRBD_KERNEL_VERSION_CODE=0x090207, ...).
func ParseVersion(out []byte) (Version, error) {
	var v Version
	seen := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		value = shellUnquote(value)
		var err error
		switch name {
		case "DRBD_KERNEL_VERSION_CODE":
			v.KernelCode, err = parseCode(value)
			seen = true
		case "DRBD_KERNEL_VERSION":
			v.Kernel = value
		case "DRBDADM_VERSION_CODE":
			v.UtilsCode, err = parseCode(value)
			seen = true
		case "DRBDADM_VERSION":
			v.Utils = value
		case "DRBDADM_API_VERSION":
			v.API, err = strconv.Atoi(value)
		}
		if err != nil {
			return Version{}, fmt.Errorf("drbdadm --version: %s=%q: %v", name, value, err)
		}
	}
	if !seen {
		return Version{}, fmt.Errorf("drbdadm --version: no version codes in output")
	}
	return v, nil
}

func parseCode(s string) (int, error) {
	n, err := strconv.ParseInt(s, 0, 32)
	if err != nil || n < 0 || n > 0xffffff {
		return 0, fmt.Errorf("not a version code")
	}
	return int(n), nil
}

// VersionCode turns "x.y.z" into 0xXXYYZZ, the form the module reports.
func VersionCode(s string) (int, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return 0, fmt.Errorf("invalid version format %q (want x.y.z)", s)
	}
	code := 0
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || p == "" || strings.ContainsAny(p, "+-") {
			return 0, fmt.Errorf("invalid version format %q (want x.y.z)", s)
		}
		code = code<<8 | n
	}
	return code, nil
}

// ParseProcVersion reads the module version from the first line of
// /proc/drbd ("version: 9.2.7 (api:2/proto:86-122)"), which saves a fork of
// drbdadm on the monitor path.
func ParseProcVersion(b []byte) (Version, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	rest, ok := strings.CutPrefix(strings.TrimSpace(string(line)), "version: ")
	if !ok {
		return Version{}, fmt.Errorf("/proc/drbd: no version line")
	}
	ver, _, _ := strings.Cut(rest, " ")
	// Release candidates read "9.2.0-rc.1": the code is that of x.y.z.
	base, _, _ := strings.Cut(ver, "-")
	code, err := VersionCode(base)
	if err != nil {
		return Version{}, fmt.Errorf("/proc/drbd: %v", err)
	}
	return Version{KernelCode: code, Kernel: ver}, nil
}
