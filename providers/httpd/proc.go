package httpd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procRoot is where the process table is read; tests never change it, it
// only names the one place this package looks.
const procRoot = "/proc"

// ReadPid reads the first number of a pid file. A missing file is
// os.ErrNotExist; an empty or garbled one is an error that says so.
func ReadPid(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	field := strings.TrimSpace(string(data))
	if i := strings.IndexAny(field, " \t\n"); i >= 0 {
		field = field[:i]
	}
	pid, err := strconv.Atoi(field)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file %s holds no pid (%q)", path, truncate(string(data), 40))
	}
	return pid, nil
}

// procStat is the part of /proc/<pid>/stat this package needs.
type procStat struct {
	comm  string
	state byte
	ppid  int
}

func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	// comm is in parentheses and may itself hold ") ", so cut at the last one.
	open := bytes.IndexByte(data, '(')
	end := bytes.LastIndexByte(data, ')')
	if open < 0 || end < open {
		return procStat{}, errors.New("unparsable stat")
	}
	fields := strings.Fields(string(data[end+1:]))
	if len(fields) < 2 {
		return procStat{}, errors.New("unparsable stat")
	}
	ppid, _ := strconv.Atoi(fields[1])
	return procStat{comm: string(data[open+1 : end]), state: fields[0][0], ppid: ppid}, nil
}

// alive: the process exists and is not a zombie (a zombie has exited; only
// its parent has not reaped it yet).
func alive(pid int) bool {
	st, err := readStat(pid)
	return err == nil && st.state != 'Z' && st.state != 'X'
}

// IsHTTPD reports whether pid is a live process running the binary: a pid
// file naming a dead process, or a pid reused by another program, is not
// httpd.
func IsHTTPD(pid int, binary string) bool {
	st, err := readStat(pid)
	if err != nil || st.state == 'Z' || st.state == 'X' {
		return false
	}
	exe, err := os.Readlink(filepath.Join(procRoot, strconv.Itoa(pid), "exe"))
	if err != nil {
		// Without permission to read exe (not root), the name must do.
		if binary == "" {
			return httpdNames[st.comm]
		}
		name := filepath.Base(binary)
		if len(name) > 15 {
			name = name[:15]
		}
		return st.comm == name
	}
	return sameFile(exe, binary)
}

// httpdNames are the names httpd programs have in the distributions: a
// Binary of "" matches any program of these names, for a stop that cannot
// use the configured binary (a path that does not exist on this node): the
// configuration file on the command line identifies the server, and the
// name keeps "tail -f <configfile>" out.
var httpdNames = map[string]bool{
	"httpd": true, "httpd2": true, "apache2": true, "apache": true,
	"httpd.worker": true, "httpd.event": true, "httpd2-prefork": true, "httpd2-worker": true, "httpd2-event": true,
}

// IsInstance reports whether pid is a live process of one server: it runs
// the binary and has "-f configfile" on its command line. Two resources
// sharing one httpd binary are told apart by it, so that a pid file naming
// a pid recycled by the other one's worker is not taken for this server.
func IsInstance(pid int, binary, configfile string) bool {
	if !IsHTTPD(pid, binary) {
		return false
	}
	cmdline, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "cmdline"))
	return err == nil && hasConfigArg(strings.Split(string(cmdline), "\x00"), configfile)
}

// sameFile compares a /proc exe link with the configured binary, through
// symlinks; an upgraded binary shows as "<path> (deleted)".
func sameFile(exe, binary string) bool {
	exe = strings.TrimSuffix(exe, " (deleted)")
	if binary == "" {
		return httpdNames[filepath.Base(exe)]
	}
	if exe == binary {
		return true
	}
	if r, err := filepath.EvalSymlinks(binary); err == nil && r == exe {
		return true
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		if b, err := filepath.EvalSymlinks(binary); err == nil && r == b {
			return true
		}
	}
	return false
}

// InstancePids finds the processes of one server: running the binary with
// "-f configfile" in their arguments. httpd's children keep the parent's
// command line, so this also finds workers left behind by a killed parent.
func InstancePids(binary, configfile string) []int {
	var out []int
	self := os.Getpid()
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		exe, err := os.Readlink(filepath.Join(procRoot, e.Name(), "exe"))
		if err != nil || !sameFile(exe, binary) {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if hasConfigArg(strings.Split(string(cmdline), "\x00"), configfile) && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

func hasConfigArg(argv []string, configfile string) bool {
	for i := 1; i < len(argv); i++ {
		if argv[i] == "-f" && i+1 < len(argv) && argv[i+1] == configfile {
			return true
		}
		if argv[i] == "-f"+configfile {
			return true
		}
	}
	return false
}

// childrenOf lists the live children of pid that are processes of the
// same server (workers, not piped loggers).
func childrenOf(pid int, binary, configfile string) []int {
	var out []int
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(c)
		if err != nil || st.ppid != pid || st.state == 'Z' {
			continue
		}
		if IsInstance(c, binary, configfile) {
			out = append(out, c)
		}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
