package ocf

import (
	"strings"
	"sync"
)

var secrets struct {
	sync.RWMutex
	list []string
	r    *strings.Replacer
}

// RegisterSecret makes every later log line and exit reason print "***"
// instead of s. Register a credential as soon as it is read, before any
// error that might quote it can be formed.
func RegisterSecret(s string) {
	s = strings.TrimSpace(s)
	if len(s) < 4 { // too short to redact without mangling ordinary text
		return
	}
	secrets.Lock()
	defer secrets.Unlock()
	for _, old := range secrets.list {
		if old == s {
			return
		}
	}
	secrets.list = append(secrets.list, s)
	var pairs []string
	for _, x := range secrets.list {
		pairs = append(pairs, x, "***")
	}
	secrets.r = strings.NewReplacer(pairs...)
}

// Redact replaces every registered secret in s.
func Redact(s string) string {
	secrets.RLock()
	defer secrets.RUnlock()
	if secrets.r == nil {
		return s
	}
	return secrets.r.Replace(s)
}
