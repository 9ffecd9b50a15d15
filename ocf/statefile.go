package ocf

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// StateFile is a JSON state file of one resource instance in StateDir,
// read and written as a T. Agents keep in it what an action learnt for the
// next one (a start's success, a discovered id). Reading never fails: a
// missing, unreadable or foreign file is no state. Removing never fails
// for want of a state directory, so a stop that has nothing to forget
// succeeds whatever became of the directory.
type StateFile[T any] struct {
	Path string
	Mode os.FileMode // 0644 unless set; secrets need 0600
	log  *Logger
}

// NewStateFile is the state file of this instance, e.g. suffix "" gives
// /run/resource-agents/floatip-vip. Nothing is created until Write.
func NewStateFile[T any](e *Env, suffix string) *StateFile[T] {
	name := e.Agent.Name + "-" + e.Instance
	if suffix != "" {
		name += "." + suffix
	}
	// Instance names of clones carry ":" and may in theory carry "/".
	name = strings.NewReplacer("/", "_", ":", "_").Replace(name)
	return &StateFile[T]{Path: filepath.Join(StateDir(), name), Mode: 0o644, log: e.Log}
}

// Read returns the state and true, or the zero T and false when there is
// none. A file that exists but cannot be read or decoded is logged and
// ignored: state is a cache and a record, rewritten by the next start.
func (s *StateFile[T]) Read() (T, bool) {
	var v T
	b, err := os.ReadFile(s.Path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			s.warnf("state file %s: %v", s.Path, err)
		}
		return v, false
	}
	if err := json.Unmarshal(b, &v); err != nil {
		s.warnf("state file %s is unreadable: ignored (%v)", s.Path, err)
		var zero T
		return zero, false
	}
	return v, true
}

// Write replaces the state atomically, creating the directory if needed.
func (s *StateFile[T]) Write(v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return err
	}
	return WriteState(s.Path, b, s.Mode)
}

// Remove forgets the state. No file, no directory, or a state "directory"
// that is not one all mean there is nothing to forget: nil.
func (s *StateFile[T]) Remove() error {
	err := os.Remove(s.Path)
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	if _, serr := os.Lstat(s.Path); errors.Is(serr, fs.ErrNotExist) || errors.Is(serr, syscall.ENOTDIR) {
		return nil
	}
	return err
}

func (s *StateFile[T]) warnf(format string, args ...any) {
	if s.log != nil {
		s.log.Warnf(format, args...)
	}
}
