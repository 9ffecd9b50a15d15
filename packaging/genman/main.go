// Command genman writes a manual page, ocf_<provider>_<agent>.7, for each
// OCF resource agent, and fence_<name>.8 for each fence agent, from the
// agent's own meta-data: the page can never disagree with what Pacemaker
// and pcs see.
//
//	genman -o DIR [-version V] [-date YYYY-MM-DD] AGENT...
//
// An AGENT is an agent binary (genman runs "AGENT meta-data") or a saved
// meta-data file ending in .xml.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "genman:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("genman", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", ".", "directory to write the pages into")
	var p Page
	fs.StringVar(&p.Provider, "provider", "ocfkit", "OCF provider the agents are installed under")
	fs.StringVar(&p.Version, "version", "", "package version for the page footer")
	fs.StringVar(&p.Date, "date", defaultDate(), "page date (default: SOURCE_DATE_EPOCH, else today)")
	fs.StringVar(&p.Homepage, "homepage", "https://github.com/ocfkit/ocfkit", "project homepage for SEE ALSO")
	timeout := fs.Duration("timeout", 30*time.Second, "how long an agent may take to print its meta-data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("no agents given")
	}
	for _, src := range fs.Args() {
		a, err := load(src, *timeout)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := p.Render(&buf, a); err != nil {
			return err
		}
		dst := filepath.Join(*out, p.Name(a)+".7")
		if a.IsFence() {
			buf.Reset()
			if err := p.RenderFence(&buf, a); err != nil {
				return err
			}
			dst = filepath.Join(*out, a.Name+".8")
		}
		if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// load reads the meta-data of one agent, from a saved .xml or by running it.
func load(src string, timeout time.Duration) (*Agent, error) {
	if strings.HasSuffix(src, ".xml") {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		return ParseMetaData(b)
	}
	b, err := metaData(src, timeout)
	if err != nil {
		return nil, err
	}
	a, err := ParseMetaData(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	// Pacemaker finds the agent by its file name; a page under another
	// name would document an agent nobody can create.
	if base := filepath.Base(src); a.Name != base {
		return nil, fmt.Errorf("%s: meta-data names the agent %q, the binary is %q", src, a.Name, base)
	}
	return a, nil
}

func metaData(agent string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := []string{"meta-data"}
	if strings.HasPrefix(filepath.Base(agent), "fence_") {
		// A fence agent takes its action as an option (fence-agents).
		args = []string{"-o", "metadata"}
	}
	cmd := exec.CommandContext(ctx, agent, args...)
	cmd.Env = append(os.Environ(), "OCF_ROOT=/usr/lib/ocf")
	// A child the agent left behind must not keep genman waiting on the pipe.
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no answer within %s", timeout)
		}
		return nil, fmt.Errorf("%s meta-data: %w: %s", agent, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// defaultDate honours SOURCE_DATE_EPOCH so that rebuilt packages are identical.
func defaultDate() string {
	t := time.Now()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			t = time.Unix(n, 0)
		}
	}
	return t.UTC().Format("2006-01-02")
}
