package deps

import (
	"path"
	"strings"
)

// Arg is one word of a command line: its value, when it is a constant.
type Arg struct {
	Val   string
	Known bool
}

// wrapper is a program that runs another one named in its arguments: the
// options that take the next word as their value, and how many positional
// arguments come before the program.
type wrapper struct {
	valued string
	skip   int
}

var wrappers = map[string]wrapper{
	"nsenter": {"-t --target -S --setuid -G --setgid -w --wd -r --root", 0},
	"unshare": {"--propagation --setgroups -S --setuid -G --setgid -R --root -w --wd --map-user --map-group --map-users --map-groups", 0},
	"env":     {"-u --unset -C --chdir -S --split-string", 0},
	"timeout": {"-s --signal -k --kill-after", 1},
	"chroot":  {"--userspec --groups", 1},
	"setpriv": {"--reuid --regid --ruid --rgid --euid --egid --groups --inh-caps --ambient-caps --bounding-set --securebits --pdeathsig --selinux-label --apparmor-profile", 0},
	"sudo":    {"-u --user -g --group -C -h -p -D", 0},
	"runuser": {"-u -g -G", 0},
	"xargs":   {"-n -I -d -P -s -L -E -a --max-args --replace --delimiter --max-procs --arg-file", 0},
	"nice":    {"-n --adjustment", 0},
	"ionice":  {"-c -n -p -P -u", 0},
	"taskset": {"", 1},
	"flock":   {"-w --timeout -E --conflict-exit-code", 1},
	"stdbuf":  {"-i -o -e", 0},
	"setsid":  {"", 0},
	"nohup":   {"", 0},
	"strace":  {"-e -o -p -s -u -E -a -b -I -O -P -S -X", 0},
	"time":    {"-f --format -o --output", 0},
	"exec":    {"-a", 0},
	"command": {"", 0},
}

// Argv returns the programs a command line runs: its first word, the
// program a wrapper runs (nsenter ... ip, ip netns exec NS ip, env, timeout,
// xargs, command -v ...), and the commands of sh -c and trap scripts.
// Words that are not constants end the search. Line is 1 except inside a
// multi-line script.
func Argv(args []Arg) []ShellCmd {
	if len(args) == 0 || !args[0].Known {
		return nil
	}
	name := args[0].Val
	var out []ShellCmd
	if cmdNameRe.MatchString(name) {
		out = append(out, ShellCmd{name, 1})
	}
	rest := args[1:]
	switch base := path.Base(name); base {
	case "sh", "bash", "dash":
		for i := 0; i+1 < len(rest); i++ {
			if rest[i].Known && rest[i].Val == "-c" {
				if rest[i+1].Known {
					out = append(out, ScanShell(rest[i+1].Val)...)
				}
				break
			}
		}
	case "trap":
		if len(rest) > 0 && rest[0].Known {
			out = append(out, ScanShell(rest[0].Val)...)
		}
	case "ip":
		// ip [-n NS | -netns NS] netns exec NS PROGRAM ...
		for i := 0; i+3 < len(rest); i++ {
			if !rest[i].Known {
				break
			}
			if rest[i].Val == "netns" && rest[i+1].Known && rest[i+1].Val == "exec" {
				out = append(out, Argv(rest[i+3:])...)
				break
			}
		}
	default:
		w, ok := wrappers[base]
		if !ok {
			break
		}
		if base == "command" && len(rest) > 1 && rest[0].Known && (rest[0].Val == "-v" || rest[0].Val == "-V") {
			// command -v NAME looks a program up: the script will run it.
			if rest[1].Known && cmdNameRe.MatchString(rest[1].Val) {
				out = append(out, ShellCmd{rest[1].Val, 1})
			}
			break
		}
		if i := wrapped(base, w, rest); i >= 0 {
			out = append(out, Argv(rest[i:])...)
		}
	}
	return out
}

// wrapped returns the index in args of the program a wrapper runs, or -1.
func wrapped(base string, w wrapper, args []Arg) int {
	valued := strings.Fields(w.valued)
	pos := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case !a.Known:
			if pos < w.skip {
				pos++
				continue
			}
			return -1
		case a.Val == "--":
			continue
		case strings.HasPrefix(a.Val, "-") && len(a.Val) > 1:
			if !strings.Contains(a.Val, "=") && contains(valued, a.Val) {
				i++
			}
		case base == "env" && assignRe.MatchString(a.Val):
		case pos < w.skip:
			pos++
		default:
			return i
		}
	}
	return -1
}
