// Package haenv is the part of Pacemaker's environment that both kinds of
// agents read: OCF resource agents (package ocf) and fence agents (package
// fence). It holds the state directory (HA_RSCTMP) and the syslog
// destination (HA_LOGFACILITY), so that the two runtimes agree on both
// without the fence agents linking the OCF runtime. It imports nothing of
// ocfkit.
package haenv

import (
	"log/syslog"
	"os"
	"strings"
)

// StateDir is where agents keep state across invocations: HA_RSCTMP, or
// /run/resource-agents as the shell agents use. It is on tmpfs on purpose:
// state must not survive a reboot.
func StateDir() string {
	if d := os.Getenv("HA_RSCTMP"); d != "" {
		return d
	}
	return "/run/resource-agents"
}

// Getenv is the first of names that is set and not empty, "" when none
// is: Pacemaker has spelt its variables both ways (HA_LOGFACILITY and
// HA_logfacility).
func Getenv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// Facility is the syslog facility Pacemaker asks for (HA_LOGFACILITY or
// HA_logfacility), def when neither is set. "none" means no syslog.
func Facility(def string) string {
	if f := Getenv("HA_LOGFACILITY", "HA_logfacility"); f != "" {
		return f
	}
	return def
}

// Syslog writes lines to syslog under one tag and facility. It dials on
// the first line, so an action that logs nothing opens no socket, and it
// gives up quietly when no syslog daemon listens: logging must never fail
// an action. It is not safe for concurrent use; the loggers that own one
// serialise their lines already.
type Syslog struct {
	tag    string
	pri    syslog.Priority
	off    bool
	w      *syslog.Writer
	socket string
}

// NewSyslog is the writer for facility ("" or "none": no syslog; a name
// syslog does not know: daemon).
func NewSyslog(tag, facility string) *Syslog {
	s := &Syslog{tag: tag, socket: socket}
	f := strings.ToLower(strings.TrimSpace(facility))
	if f == "" || f == "none" {
		s.off = true
		return s
	}
	pri, ok := facilities[f]
	if !ok {
		pri = syslog.LOG_DAEMON
	}
	s.pri = pri
	return s
}

// Write sends line at level ("DEBUG", "INFO", "WARNING"; anything else is
// an error).
func (s *Syslog) Write(level, line string) {
	if s == nil || s.off {
		return
	}
	if s.w == nil {
		var err error
		if s.socket == "" {
			s.w, err = syslog.New(s.pri|syslog.LOG_INFO, s.tag)
		} else {
			s.w, err = syslog.Dial("unixgram", s.socket, s.pri|syslog.LOG_INFO, s.tag)
		}
		if err != nil {
			s.off = true // no syslog daemon: the other destinations still get it
			return
		}
	}
	switch level {
	case "DEBUG":
		s.w.Debug(line)
	case "INFO":
		s.w.Info(line)
	case "WARNING":
		s.w.Warning(line)
	default:
		s.w.Err(line)
	}
}

// Close releases the connection, if one was made.
func (s *Syslog) Close() {
	if s != nil && s.w != nil {
		s.w.Close()
		s.w = nil
	}
}

// socket overrides /dev/log for the writers made after it is set (tests).
var socket string

// SetSocket makes the writers created from now on send to the unixgram
// socket at path instead of /dev/log ("" restores /dev/log). For tests.
func SetSocket(path string) { socket = path }

var facilities = map[string]syslog.Priority{
	"kern": syslog.LOG_KERN, "user": syslog.LOG_USER, "mail": syslog.LOG_MAIL,
	"daemon": syslog.LOG_DAEMON, "auth": syslog.LOG_AUTH, "syslog": syslog.LOG_SYSLOG,
	"lpr": syslog.LOG_LPR, "news": syslog.LOG_NEWS, "uucp": syslog.LOG_UUCP,
	"cron": syslog.LOG_CRON, "authpriv": syslog.LOG_AUTHPRIV, "ftp": syslog.LOG_FTP,
	"local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1, "local2": syslog.LOG_LOCAL2,
	"local3": syslog.LOG_LOCAL3, "local4": syslog.LOG_LOCAL4, "local5": syslog.LOG_LOCAL5,
	"local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
}
