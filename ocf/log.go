package ocf

import (
	"fmt"
	"io"
	"log/syslog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
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

	mu     sync.Mutex
	sys    *syslog.Writer
	sysErr bool
}

// NewLogger builds the logger of one agent instance from the HA_* environment.
func NewLogger(agent, instance string, stderr io.Writer) *Logger {
	l := &Logger{
		tag:      fmt.Sprintf("%s(%s)", agent, instance),
		facility: firstEnv("HA_LOGFACILITY", "HA_logfacility"),
		logfile:  firstEnv("HA_LOGFILE", "HA_logfile"),
		debugLog: firstEnv("HA_DEBUGLOG", "HA_debugfile"),
	}
	if d := os.Getenv("HA_debug"); d != "" && d != "0" {
		l.debug = true
	}
	if l.facility == "" && l.logfile == "" && l.debugLog == "" || isTerminal(stderr) {
		l.stderr = stderr
	}
	return l
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
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
	l.toSyslog(level, line)
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

func (l *Logger) toSyslog(level, line string) {
	if l.facility == "" || l.facility == "none" || l.sysErr {
		return
	}
	if l.sys == nil {
		pri, ok := facilities[strings.ToLower(l.facility)]
		if !ok {
			pri = syslog.LOG_DAEMON
		}
		var w *syslog.Writer
		var err error
		if syslogSocket == "" {
			w, err = syslog.New(pri|syslog.LOG_INFO, l.tag)
		} else {
			w, err = syslog.Dial("unixgram", syslogSocket, pri|syslog.LOG_INFO, l.tag)
		}
		if err != nil {
			l.sysErr = true // no syslog daemon: the other destinations still get it
			return
		}
		l.sys = w
	}
	switch level {
	case "DEBUG":
		l.sys.Debug(line)
	case "INFO":
		l.sys.Info(line)
	case "WARNING":
		l.sys.Warning(line)
	default:
		l.sys.Err(line)
	}
}

// Close releases the syslog connection.
func (l *Logger) Close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sys != nil {
		l.sys.Close()
		l.sys = nil
	}
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

// syslogSocket overrides /dev/log in tests.
var syslogSocket string

var facilities = map[string]syslog.Priority{
	"kern": syslog.LOG_KERN, "user": syslog.LOG_USER, "mail": syslog.LOG_MAIL,
	"daemon": syslog.LOG_DAEMON, "auth": syslog.LOG_AUTH, "syslog": syslog.LOG_SYSLOG,
	"lpr": syslog.LOG_LPR, "news": syslog.LOG_NEWS, "uucp": syslog.LOG_UUCP,
	"cron": syslog.LOG_CRON, "authpriv": syslog.LOG_AUTHPRIV, "ftp": syslog.LOG_FTP,
	"local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1, "local2": syslog.LOG_LOCAL2,
	"local3": syslog.LOG_LOCAL3, "local4": syslog.LOG_LOCAL4, "local5": syslog.LOG_LOCAL5,
	"local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
}
