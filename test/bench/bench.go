// Package bench measures agents side by side with their anchors. Benchmarks
// run only under `make bench` (OCFKIT_BENCH=1): timings are never asserted in
// tests, because the machines are shared and noisy.
package bench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Need skips the test unless benchmarks were asked for.
func Need(t testing.TB) {
	t.Helper()
	if os.Getenv("OCFKIT_BENCH") != "1" {
		t.Skip("benchmark: run with `make bench` (OCFKIT_BENCH=1)")
	}
}

// Runs is how many samples each side gets (OCFKIT_BENCH_RUNS, default 21).
func Runs() int {
	n := 21
	if v := os.Getenv("OCFKIT_BENCH_RUNS"); v != "" {
		fmt.Sscan(v, &n)
	}
	if n < 1 {
		n = 1
	}
	return n
}

// Median of the samples (0 for none).
func Median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Exec is one timed run of a command.
type Exec struct {
	Code    int
	Elapsed time.Duration
	// MaxRSS in kilobytes, as wait4 reports it. Go starts children with
	// vfork, so this includes the benchmark process's own RSS at exec time:
	// use PeakRSS for memory figures.
	MaxRSS int64
	// CPU is the user and system time of the command and the children it
	// waited for: on a loaded machine it drifts less than Elapsed.
	CPU    time.Duration
	Output []byte
}

// Run executes path with args and extra environment and measures it.
func Run(path string, env []string, args ...string) (Exec, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := Exec{Elapsed: time.Since(start), Output: out}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	default:
		return r, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r, nil
}

// PeakRSS runs the command once under GNU time, whose plain fork keeps the
// figure to the command's own peak resident memory, in kilobytes.
func PeakRSS(path string, env []string, args ...string) (int64, error) {
	gt, err := exec.LookPath("time")
	if err != nil {
		gt = "/usr/bin/time"
	}
	f, err := os.CreateTemp("", "peakrss")
	if err != nil {
		return 0, err
	}
	f.Close()
	defer os.Remove(f.Name())
	cmd := exec.Command(gt, append([]string{"-f", "%M", "-o", f.Name(), path}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Run() // the agent's exit code is not the question here
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return 0, err
	}
	var kb int64
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if _, err := fmt.Sscan(lines[len(lines)-1], &kb); err != nil {
		return 0, fmt.Errorf("GNU time (apt install time): %q", b)
	}
	return kb, nil
}

// Side is one contender of a comparison: a function run once per sample.
type Side struct {
	Name string
	Run  func() error
}

// Compare runs ours and anchor alternately, runs times each, fails the test
// if any run errs, prints medians and the ratio, and returns the medians.
func Compare(t testing.TB, what string, runs int, ours, anchor Side) (time.Duration, time.Duration) {
	t.Helper()
	var a, b []time.Duration
	for i := 0; i < runs; i++ {
		for _, s := range []struct {
			side Side
			into *[]time.Duration
		}{{ours, &a}, {anchor, &b}} {
			start := time.Now()
			if err := s.side.Run(); err != nil {
				t.Fatalf("%s: %s run %d: %v", what, s.side.Name, i, err)
			}
			*s.into = append(*s.into, time.Since(start))
		}
	}
	ma, mb := Median(a), Median(b)
	Printf("%-34s %-10s %9s   %-10s %9s   ratio %6.1fx  (n=%d)",
		what, ours.Name, fmtDur(ma), anchor.Name, fmtDur(mb), float64(mb)/float64(ma), runs)
	return ma, mb
}

// Sample runs f runs times and returns the median (a figure without anchor).
func Sample(t testing.TB, what string, runs int, f func() error) time.Duration {
	t.Helper()
	var d []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := f(); err != nil {
			t.Fatalf("%s: run %d: %v", what, i, err)
		}
		d = append(d, time.Since(start))
	}
	m := Median(d)
	Printf("%-34s median %9s  (n=%d)", what, fmtDur(m), runs)
	return m
}

// Printf writes one result line to stdout, prefixed so `make bench` can
// collect the figures from the test output.
func Printf(format string, args ...any) {
	fmt.Printf("BENCH "+format+"\n", args...)
}

// FileSize prints and returns the size of a binary in bytes.
func FileSize(t testing.TB, what, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	Printf("%-34s %.2f MB", what, float64(st.Size())/1e6)
	return st.Size()
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	}
}
