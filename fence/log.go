package fence

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ocfkit/ocfkit/ocf/haenv"
)

// Logger logs as fencing.py does: "2006-01-02 15:04:05,000 LEVEL: text"
// on stderr (which the fencer copies into its log) unless quiet, every
// line to syslog under the agent's name, with the facility Pacemaker sets
// in HA_LOGFACILITY (daemon when unset, none turns it off), and to
// debug_file when set. Debug lines only with verbose. Every
// line passes through the redactor first.
type Logger struct {
	name    string
	stderr  io.Writer
	quiet   bool
	verbose bool
	file    io.WriteCloser

	mu  sync.Mutex
	sys *haenv.Syslog
	red *redactor
}

func newLogger(name string, stderr io.Writer, red *redactor) *Logger {
	return &Logger{name: name, stderr: stderr, red: red, sys: haenv.NewSyslog(name, haenv.Facility("daemon"))}
}

// Debugf logs only in verbose mode.
func (l *Logger) Debugf(format string, args ...any) { l.log("DEBUG", format, args...) }

// Infof logs an informational line.
func (l *Logger) Infof(format string, args ...any) { l.log("INFO", format, args...) }

// Warnf logs a warning.
func (l *Logger) Warnf(format string, args ...any) { l.log("WARNING", format, args...) }

// Errorf logs an error.
func (l *Logger) Errorf(format string, args ...any) { l.log("ERROR", format, args...) }

func (l *Logger) log(level, format string, args ...any) {
	if l == nil || level == "DEBUG" && !l.verbose {
		return
	}
	msg := l.red.redact(strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
	line := time.Now().Format("2006-01-02 15:04:05,000") + " " + level + ": " + msg + "\n"
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.quiet && l.stderr != nil {
		io.WriteString(l.stderr, line)
	}
	if l.file != nil {
		io.WriteString(l.file, line)
	}
	l.sys.Write(level, msg)
}

func (l *Logger) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sys.Close()
	if l.file != nil {
		l.file.Close()
	}
}

// redactor replaces registered secrets with "***".
type redactor struct {
	mu      sync.RWMutex
	secrets []string
}

func (r *redactor) add(s string) {
	s = strings.TrimSpace(s)
	if len(s) < 4 { // too short to redact without mangling ordinary text
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, s)
}

func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, x := range r.secrets {
		s = strings.ReplaceAll(s, x, "***")
	}
	return s
}
