// Package httpd drives an Apache httpd instance for the apache agent: it
// reads the configuration the way httpd does (ServerRoot, Include globs,
// Define and ${VAR}, <IfDefine>), evaluates Debian's envvars without a
// shell, derives the status URL as the heartbeat agent does, starts and
// stops httpd, and probes it over HTTP(S) in-process.
//
// Functions return errors and never log: the agent decides what to say.
package httpd
