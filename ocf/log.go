package ocf

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/ocfkit/ocfkit/ocf/haenv"
)

// Logger logs like ocf_log: syslog with the tag <agent>(<instance>)[pid]
// and the facility from HA_LOGFACILITY (or HA_logfacility; "none" turns
// syslog off), HA_LOGFILE and HA_DEBUGLOG files, debug only with HA_debug,
// and stderr when run by hand. Every line is redacted. Syslog is dialled on
// the first line, so a quiet monitor costs nothing.
type Logger struct {
	tag      string
	facility string
	logfile  string
	debugLog string
	debug    bool
	stderr   io.Writer // nil: not a terminal and another destination exists

	mu  sync.Mutex
	sys *haenv.Syslog
}

// NewLogger builds the logger of one agent instance from the HA_* environment.
func NewLogger(agent, instance string, stderr io.Writer) *Logger {
	l := &Logger{
		tag:      fmt.Sprintf("%s(%s)", agent, instance),
		facility: haenv.Facility(""),
		logfile:  haenv.Getenv("HA_LOGFILE", "HA_logfile"),
		debugLog: haenv.Getenv("HA_DEBUGLOG", "HA_debugfile"),
	}
	l.sys = haenv.NewSyslog(l.tag, l.facility)
	if d := os.Getenv("HA_debug"); d != "" && d != "0" {
		l.debug = true
	}
	if l.facility == "" && l.logfile == "" && l.debugLog == "" || isTerminal(stderr) {
		l.stderr = stderr
	}
	return l
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Debugf logs only when HA_debug is set.
func (l *Logger) Debugf(format string, args ...any) { l.log("DEBUG", format, args...) }

// Infof logs an informational line.
func (l *Logger) Infof(format string, args ...any) { l.log("INFO", format, args...) }

// Warnf logs a warning.
func (l *Logger) Warnf(format string, args ...any) { l.log("WARNING", format, args...) }

// Errorf logs an error.
func (l *Logger) Errorf(format string, args ...any) { l.log("ERROR", format, args...) }

func (l *Logger) log(level, format string, args ...any) {
	if l == nil || level == "DEBUG" && !l.debug {
		return
	}
	msg := Redact(strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
	line := level + ": " + msg
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sys.Write(level, line)
	stamp := time.Now().Format("2006/01/02_15:04:05")
	fileLine := fmt.Sprintf("%s[%d]:\t%s %s\n", l.tag, os.Getpid(), stamp, line)
	if level == "DEBUG" {
		appendFile(l.debugLog, fileLine)
	} else {
		appendFile(l.logfile, fileLine)
		if l.debugLog != l.logfile {
			appendFile(l.debugLog, fileLine)
		}
	}
	if l.stderr != nil {
		fmt.Fprintf(l.stderr, "%s %s\n", l.tag, line)
	}
}

// Close releases the syslog connection.
func (l *Logger) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sys.Close()
}

func appendFile(path, line string) {
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return // logging must never fail an action
	}
	f.WriteString(line)
	f.Close()
}
