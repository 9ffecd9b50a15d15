package procs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// BootID tells this boot from the one a record was written in: after a
// reboot its pids name other processes.
func BootID() string {
	b, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return string(bytes.TrimSpace(b))
}

// SaveRecord writes v as JSON to path, atomically (a crash leaves the old
// record or the new one, never half of one), readable by root only.
func SaveRecord(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// LoadRecord reads the record at path into v; an absent record is an
// error that errors.Is(err, fs.ErrNotExist).
func LoadRecord(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
