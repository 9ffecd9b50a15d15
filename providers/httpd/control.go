package httpd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Server is one httpd instance as the agent runs it.
type Server struct {
	Binary     string   // the httpd program; "" finds processes of any (see httpdNames), never starts
	ConfigFile string   // given to httpd with -f
	PidFile    string   // where httpd writes its pid
	SetPidFile bool     // the configuration names no pid file: add -c "PidFile ..."
	Options    []string // extra arguments (the options parameter)
	Env        []string // the environment httpd runs with
}

// Args is httpd's command line after the program name: -DSTATUS so that
// <IfDefine STATUS> sections apply, the options, the config file.
func (s *Server) Args(extra ...string) []string {
	a := append([]string{"-DSTATUS"}, s.Options...)
	a = append(a, extra...)
	a = append(a, "-f", s.ConfigFile)
	if s.SetPidFile {
		a = append(a, "-c", "PidFile "+s.PidFile)
	}
	return a
}

// Pid is the pid in the pid file and whether that process is this server
// (its binary, with its configuration file on the command line).
// A missing pid file is (0, false, nil).
func (s *Server) Pid() (int, bool, error) {
	if s.PidFile == "" {
		return 0, false, nil
	}
	pid, err := ReadPid(s.PidFile)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return pid, s.isInstance(pid), nil
}

// ExitError is httpd refusing to start or refusing its configuration;
// Output is what it printed (its own reason).
type ExitError struct {
	Code   int
	Output string
}

func (e *ExitError) Error() string {
	if e.Output == "" {
		return fmt.Sprintf("httpd exited with status %d", e.Code)
	}
	return e.Output
}

// Start runs httpd, which daemonizes, and returns once the launching
// process has exited. It does not wait for the server to answer.
func (s *Server) Start(ctx context.Context) error {
	return s.run(ctx)
}

// ConfigTest runs httpd -t with the same arguments as Start.
func (s *Server) ConfigTest(ctx context.Context) error {
	return s.run(ctx, "-t")
}

func (s *Server) run(ctx context.Context, extra ...string) error {
	// Output goes to an unlinked file, not a pipe: the daemon may keep
	// inherited descriptors, and a pipe would hold Wait until it exits.
	f, err := os.CreateTemp("", "ocfkit-httpd-")
	if err != nil {
		return err
	}
	os.Remove(f.Name())
	defer f.Close()
	cmd := exec.CommandContext(ctx, s.Binary, s.Args(extra...)...)
	cmd.WaitDelay = 200 * time.Millisecond
	cmd.Env = s.Env
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = f, f
	runErr := cmd.Run()
	if runErr == nil {
		return nil
	}
	out := readBack(f)
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		if ctx.Err() != nil {
			return fmt.Errorf("httpd did not finish before the deadline: %w", ctx.Err())
		}
		return &ExitError{Code: ee.ExitCode(), Output: out}
	}
	return runErr
}

func readBack(f *os.File) string {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(f, 8<<10))
	return strings.Join(strings.Fields(strings.ReplaceAll(string(b), "\n", " | ")), " ")
}

// StopReport says how a stop went, for the agent's log.
type StopReport struct {
	Pid        int           // the server's main process (0: none was running)
	Signals    []string      // signals sent to it, in order
	Leftovers  int           // stray processes of the instance that had to be killed
	PidFileErr error         // the stale pid file could not be removed (the stop still succeeded)
	Elapsed    time.Duration // total time
}

// poll is how often stop looks at the process table.
const poll = 10 * time.Millisecond

// Stop ends the server inside the context's deadline: SIGWINCH (graceful
// stop: requests in flight finish) for up to half the time; once the
// workers have gone the main process only sleeps out its maintenance loop,
// so it gets SIGTERM at once; SIGTERM after half the time; SIGKILL at
// three quarters. Processes of the instance left behind by a killed parent
// (they keep the port) are killed too. A pid file left behind is removed.
// A pid file that names any other process (another program, or another
// server of the same binary) makes nothing get signalled; every signal goes
// through a pidfd after checking the process (see signal).
// Without a usable pid file the main process is the one process of the
// instance (by its command line) whose parent is not, and that has workers.
func (s *Server) Stop(ctx context.Context) (StopReport, error) {
	start := time.Now()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = start.Add(60 * time.Second)
	}
	total := time.Until(deadline)
	var rep StopReport
	pid, running, err := s.Pid()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		// A garbled pid file: fall through to the process scan.
		pid = 0
	}
	if !running {
		// No pid file, or one that does not name the server (removed,
		// overwritten, or a configuration that cannot be read): the main
		// process is found by its command line.
		if m := s.findMain(); m != 0 {
			pid, running = m, true
		}
	}
	if running {
		rep.Pid = pid
		if s.signal(pid, syscall.SIGWINCH) == nil {
			rep.Signals = append(rep.Signals, "WINCH")
		}
		graceful := start.Add(total / 2)
		for s.isInstance(pid) && time.Now().Before(graceful) {
			if len(childrenOf(pid, s.Binary, s.ConfigFile)) == 0 {
				break
			}
			time.Sleep(poll)
		}
		if s.signal(pid, syscall.SIGTERM) == nil {
			rep.Signals = append(rep.Signals, "TERM")
			waitGone(ctx, []int{pid}, start.Add(total*3/4))
		}
		if s.signal(pid, syscall.SIGKILL) == nil {
			rep.Signals = append(rep.Signals, "KILL")
			waitGone(context.Background(), []int{pid}, afterKill(deadline))
		}
	}
	if left := InstancePids(s.Binary, s.ConfigFile); len(left) > 0 {
		rep.Leftovers = len(left)
		// Orphaned workers block SIGTERM in their main thread; a short
		// grace, then KILL.
		s.signalAll(left, syscall.SIGTERM)
		waitGone(ctx, left, minTime(time.Now().Add(200*time.Millisecond), deadline))
		s.signalAll(InstancePids(s.Binary, s.ConfigFile), syscall.SIGKILL)
		waitGone(context.Background(), left, afterKill(deadline))
	}
	rep.Elapsed = time.Since(start)
	if rep.Pid != 0 && s.isInstance(rep.Pid) {
		return rep, fmt.Errorf("httpd (pid %d) still running after SIGKILL", rep.Pid)
	}
	if left := InstancePids(s.Binary, s.ConfigFile); len(left) > 0 {
		return rep, fmt.Errorf("httpd processes %v still running after SIGKILL", left)
	}
	if _, running, _ := s.Pid(); !running && s.PidFile != "" {
		// Nothing of the server runs: a pid file that cannot be removed
		// is worth a warning, not a failed stop (and a fenced node).
		if err := os.Remove(s.PidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			rep.PidFileErr = fmt.Errorf("remove stale pid file: %w", err)
		}
	}
	return rep, nil
}

// killGrace is how long a SIGKILL gets to land even when it was sent at
// the deadline: a process that is as good as dead must not make stop fail
// (which Pacemaker answers by fencing). It fits in the runtime's margin.
const killGrace = 100 * time.Millisecond

func afterKill(deadline time.Time) time.Time {
	if floor := time.Now().Add(killGrace); floor.After(deadline) {
		return floor
	}
	return deadline
}

func (s *Server) signalAll(pids []int, sig syscall.Signal) {
	for _, p := range pids {
		s.signal(p, sig)
	}
}

// waitGone polls until none of pids is alive, the time is up or ctx ends.
func waitGone(ctx context.Context, pids []int, until time.Time) {
	for time.Now().Before(until) && ctx.Err() == nil {
		any := false
		for _, p := range pids {
			if alive(p) {
				any = true
				break
			}
		}
		if !any {
			return
		}
		time.Sleep(poll)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// findMain is the main process of the instance among its processes: the
// one whose parent is not one of them and that has children among them.
// Workers orphaned by a killed parent have none; 0 when there is no single
// such process.
// FindMain is the main process of the server found by its command line
// (0 when there is none, or not one alone), for when no pid file names it.
func (s *Server) FindMain() int { return s.findMain() }

func (s *Server) findMain() int {
	pids := InstancePids(s.Binary, s.ConfigFile)
	parent := map[int]int{}
	for _, p := range pids {
		if st, err := readStat(p); err == nil {
			parent[p] = st.ppid
		}
	}
	main := 0
	for p, pp := range parent {
		if _, ok := parent[pp]; ok {
			continue
		}
		hasChild := false
		for _, q := range parent {
			hasChild = hasChild || q == p
		}
		if hasChild {
			if main != 0 {
				return 0
			}
			main = p
		}
	}
	return main
}
