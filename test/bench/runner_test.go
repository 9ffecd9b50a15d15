package bench_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// A scale bench compares a monitor across host states (how many unrelated
// addresses or mounts there are). Measured one state after the other, the
// load of a shared machine drifts between the rows more than the rows
// differ; so each state lives in namespaces of its own, in a runner: the
// test binary run again under unshare(1), which sets the state up, then
// runs and times the agents on request until its input closes, and takes
// the state with it when it exits. The samples of all states alternate.

const runnerEnv = "OCFKIT_BENCH_RUNNER"

// inRunner reports whether this process is a runner of test.
func inRunner(t *testing.T) bool { return os.Getenv(runnerEnv) == t.Name() }

// runner is one state, in its own namespaces.
type runner struct {
	state string
	in    io.WriteCloser
	out   *bufio.Scanner
}

// startRunner runs the calling test again under unshare with the given
// namespace flags and extra environment, and waits until it is ready.
func startRunner(t *testing.T, state string, unshareFlags []string, env ...string) *runner {
	t.Helper()
	unshare := testenv.NeedCmd(t, "unshare")
	args := append(append([]string{}, unshareFlags...), os.Args[0],
		"-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v", "-test.timeout=0")
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(append(os.Environ(), runnerEnv+"="+t.Name()), env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		done := make(chan struct{})
		go func() { io.Copy(io.Discard, out); cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			<-done
		}
	})
	r := &runner{state: state, in: in, out: bufio.NewScanner(out)}
	if _, err := r.answer(); err != nil {
		t.Fatalf("runner for %s: %v", state, err)
	}
	return r
}

// answer reads the runner's next RUNNER line; the test's own output
// around it is passed on.
func (r *runner) answer() (string, error) {
	for r.out.Scan() {
		line := r.out.Text()
		if rest, ok := strings.CutPrefix(line, "RUNNER "); ok {
			if msg, bad := strings.CutPrefix(rest, "error "); bad {
				return "", fmt.Errorf("%s", msg)
			}
			return rest, nil
		}
		if strings.HasPrefix(line, "---") || strings.Contains(line, "_test.go:") {
			fmt.Fprintf(os.Stderr, "runner %s: %s\n", r.state, line)
		}
	}
	return "", fmt.Errorf("runner for %s ended (%v)", r.state, r.out.Err())
}

// time runs side in the runner once and returns how long it took and the
// CPU time it used.
func (r *runner) time(side string) (wall, cpu time.Duration, err error) {
	if _, err := fmt.Fprintln(r.in, side); err != nil {
		return 0, 0, err
	}
	a, err := r.answer()
	if err != nil {
		return 0, 0, fmt.Errorf("%s, %s: %w", side, r.state, err)
	}
	if _, err := fmt.Sscanf(a, "ok %d %d", &wall, &cpu); err != nil {
		return 0, 0, fmt.Errorf("%s, %s: runner said %q", side, r.state, a)
	}
	return wall, cpu, nil
}

// serve is the runner's side: it says it is ready, then runs the named
// sides one at a time, as asked, until its input closes. A side returns
// the CPU time it used.
func serve(sides map[string]func() (time.Duration, error)) {
	fmt.Println("RUNNER ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := sides[sc.Text()]
		if f == nil {
			fmt.Printf("RUNNER error no side %q\n", sc.Text())
			continue
		}
		start := time.Now()
		cpu, err := f()
		d := time.Since(start)
		if err != nil {
			fmt.Printf("RUNNER error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Printf("RUNNER ok %d %d\n", d.Nanoseconds(), cpu.Nanoseconds())
	}
}

// monitorCPU runs the agent at path once with env and returns the CPU
// time it used; it fails unless the agent exits with want.
func monitorCPU(path string, env []string, want int) (time.Duration, error) {
	r, err := bench.Run(path, env, "monitor")
	if err == nil && r.Code != want {
		err = fmt.Errorf("%s monitor: exit %d, want %d: %s", path, r.Code, want, strings.TrimSpace(string(r.Output)))
	}
	return r.CPU, err
}

// fail tells the parent why the runner cannot serve and stops it.
func fail(t *testing.T, err error) {
	fmt.Printf("RUNNER error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	t.Fatal(err)
}

// scaleSides are the contenders of a scale bench: ocfkit, heartbeat and,
// when OCFKIT_BENCH_BEFORE names a directory of agents built from an
// earlier commit, that build ("before").
func scaleSides() []string {
	if os.Getenv("OCFKIT_BENCH_BEFORE") != "" {
		return []string{"ocfkit", "heartbeat", "before"}
	}
	return []string{"ocfkit", "heartbeat"}
}

// compareScale alternates the sides in every runner, runs samples each,
// the runners in turn, and prints for each state and side the medians
// (wall clock, and CPU time, which the load of a shared machine disturbs
// less) and their ratio to the first state's, and heartbeat's wall-clock
// median over ocfkit's. It returns ocfkit's ratios to the first state.
func compareScale(t *testing.T, what string, runs int, rs []*runner) (wall, cpu []float64) {
	t.Helper()
	sides := scaleSides()
	type samples struct{ wall, cpu []time.Duration }
	got := make([][]samples, len(rs)) // [state][side]
	for k := range got {
		got[k] = make([]samples, len(sides))
	}
	for i := 0; i < runs; i++ {
		// Each round starts at another state, so that none always runs
		// right after the heaviest.
		for j := range rs {
			k := (i + j) % len(rs)
			for n, side := range sides {
				w, c, err := rs[k].time(side)
				if err != nil {
					t.Fatal(err)
				}
				got[k][n].wall = append(got[k][n].wall, w)
				got[k][n].cpu = append(got[k][n].cpu, c)
			}
		}
	}
	m := bench.Median
	for k, r := range rs {
		line := fmt.Sprintf("%-18s %-20s", what, r.state)
		for n, side := range sides {
			w, c := m(got[k][n].wall), m(got[k][n].cpu)
			rw, rc := float64(w)/float64(m(got[0][n].wall)), float64(c)/float64(m(got[0][n].cpu))
			if n == 0 {
				wall, cpu = append(wall, rw), append(cpu, rc)
			}
			line += fmt.Sprintf(" | %s %s %.2fx cpu %s %.2fx", side, fmtMs(w), rw, fmtMs(c), rc)
		}
		bench.Printf("%s | heartbeat/ocfkit %.1fx  (n=%d)", line,
			float64(m(got[k][1].wall))/float64(m(got[k][0].wall)), runs)
	}
	return wall, cpu
}

func fmtMs(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/1e6) }
