package httpd

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTree writes files (relative names) under a temp dir and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(strings.ReplaceAll(text, "@ROOT@", dir)), 0o644))
	}
	return dir
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		opt     ParseOptions
		pid     string // relative to the tree unless absolute
		listen  Listen
		port    string
		status  string
		root    string // relative to the tree unless absolute
		nfiles  int
		wantErr error
	}{{
		name: "relative pid file against the last ServerRoot",
		files: map[string]string{"main.conf": `
ServerRoot "@ROOT@"
PidFile run/httpd.pid
Listen 8080
`},
		pid: "run/httpd.pid", listen: Listen{Addr: "8080"}, nfiles: 1,
	}, {
		name: "include glob relative to ServerRoot, sorted, status location in it",
		files: map[string]string{
			"main.conf":     "ServerRoot @ROOT@\nInclude conf.d/*.conf\nListen 127.0.0.1:9000\n",
			"conf.d/a.conf": "Listen 127.0.0.1:7000 https\n",
			"conf.d/b.conf": "<Location \"/status-page\">\n\tSetHandler server-status\n</Location>\n",
			"conf.d/c.txt":  "PidFile /wrong\n",
		},
		listen: Listen{Addr: "127.0.0.1:7000", Proto: "https"}, status: "/status-page", nfiles: 3,
	}, {
		name: "IncludeOptional of nothing, missing Include and a directory include",
		files: map[string]string{
			"main.conf":   "ServerRoot @ROOT@\nIncludeOptional none/*.conf\nInclude missing.conf\nInclude sites\n",
			"sites/x/one": "PidFile /run/one.pid\n",
			"sites/two":   "PidFile /run/two.pid\n",
		},
		pid: "/run/one.pid", nfiles: 3, // sites/two, then sites/x/one

	}, {
		name: "environment and Define substitution, IfDefine STATUS",
		files: map[string]string{"main.conf": `
Define RUNDIR /srv/run
PidFile ${RUNDIR}/${NAME}.pid
<IfDefine STATUS>
  <Location /server-status>
    SetHandler server-status
  </Location>
</IfDefine>
<IfDefine !STATUS>
  <Location /never>
    SetHandler server-status
  </Location>
  PidFile /never.pid
</IfDefine>
`},
		opt: ParseOptions{Env: map[string]string{"NAME": "web"}, Defines: []string{"STATUS"}},
		pid: "/srv/run/web.pid", status: "/server-status", nfiles: 1,
	}, {
		name: "IfDefine false hides status, last location wins, continuation lines, comments",
		files: map[string]string{"main.conf": `
# PidFile /commented.pid
<Location /first>
  SetHandler server-status
</Location>
<IfDefine STATUS>
<Location /hidden>
SetHandler server-status
</Location>
</IfDefine>
<location /last>
  sethandler "Server-Status"
</location>
Pid\
File /joined.pid
Port 81
Undefine X
`},
		pid: "/joined.pid", status: "/last", port: "81", nfiles: 1,
	}, {
		name:   "SetHandler outside a Location is not a status page",
		files:  map[string]string{"main.conf": "<Directory /x>\nSetHandler server-status\n</Directory>\n"},
		nfiles: 1,
	}, {
		name:  "unknown variable stays as written",
		files: map[string]string{"main.conf": "PidFile /run/${UNSET}.pid\n"},
		pid:   "/run/${UNSET}.pid", nfiles: 1,
	}, {
		name:    "include loop",
		files:   map[string]string{"main.conf": "Include @ROOT@/main.conf\n"},
		wantErr: ErrTooDeep,
	}, {
		name:  "default ServerRoot",
		files: map[string]string{"main.conf": "PidFile logs/x.pid\n"},
		opt:   ParseOptions{ServerRoot: "/etc/httpd"},
		pid:   "/etc/httpd/logs/x.pid", root: "/etc/httpd", nfiles: 1,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			cfg, err := ParseConfig(filepath.Join(dir, "main.conf"), tc.opt)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			abs := func(p string) string {
				if p == "" || filepath.IsAbs(p) {
					return p
				}
				return filepath.Join(dir, p)
			}
			assert.Equal(t, abs(tc.pid), cfg.PidFile)
			assert.Equal(t, tc.listen, cfg.Listen)
			assert.Equal(t, tc.port, cfg.Port)
			assert.Equal(t, tc.status, cfg.StatusPath)
			if tc.root != "" {
				assert.Equal(t, tc.root, cfg.ServerRoot)
			}
			assert.Len(t, cfg.Files, tc.nfiles)
		})
	}
}

func TestParseConfigMissing(t *testing.T) {
	_, err := ParseConfig(filepath.Join(t.TempDir(), "nope.conf"), ParseOptions{})
	require.ErrorIs(t, err, fs.ErrNotExist)
}

// The installed Debian configuration, read with its envvars, names the
// pid file and port the packaged server uses. Read-only.
func TestParseDebianConfig(t *testing.T) {
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("no Debian apache2 configuration")
	}
	env := NewEnv(nil)
	require.NoError(t, env.SourceFiles([]string{"/etc/apache2/envvars"}))
	cfg, err := ParseConfig("/etc/apache2/apache2.conf", ParseOptions{ServerRoot: "/etc/apache2", Env: env.Exported(), Defines: []string{"STATUS"}})
	require.NoError(t, err)
	assert.Equal(t, "/var/run/apache2/apache2.pid", cfg.PidFile)
	assert.NotEmpty(t, cfg.Listen.Addr)
	assert.Greater(t, len(cfg.Files), 1)
	if _, err := os.Stat("/etc/apache2/mods-enabled/status.conf"); err == nil {
		assert.Equal(t, "/server-status", cfg.StatusPath)
		assert.True(t, strings.HasSuffix(StatusURL(cfg, ""), ":80/server-status") || cfg.Listen.Addr != "80", StatusURL(cfg, ""))
	}
}

func TestArgs(t *testing.T) {
	assert.Equal(t, []string{"a", "b c", `d"e`, "f"}, args(`a "b c" "d\"e" 'f'`))
	assert.Nil(t, args("  "))
	assert.Equal(t, []string{"x"}, args(`"x`))
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"ServerRoot /x\nPidFile run/p\nListen 80\n",
		"<Location /s>\nSetHandler server-status\n</Location>\n",
		"Include /main.conf\nInclude /main.conf\n",
		"<IfDefine !STATUS>\n<IfDefine X>\nPidFile ${A}${B\n</IfDefine>\n",
		"Define A ${A}${A}\nPidFile \"${A}\\\n",
		"</x>\n</y>\n<<<>>>\n\"\n'\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		opt := ParseOptions{
			Env:      map[string]string{"A": "${A}"},
			Defines:  []string{"STATUS"},
			readFile: func(string) ([]byte, error) { return []byte(text), nil },
			glob:     func(string) ([]string, error) { return []string{"/main.conf"}, nil },
			stat:     func(string) (fs.FileInfo, error) { return regular{}, nil },
			readDir:  func(string) ([]fs.DirEntry, error) { return nil, errors.New("no") },
		}
		cfg, err := ParseConfig("/main.conf", opt)
		if err != nil {
			return
		}
		if cfg.PidFile != "" && !filepath.IsAbs(cfg.PidFile) && filepath.IsAbs(cfg.ServerRoot) {
			t.Fatalf("pid file %q not made absolute against %q", cfg.PidFile, cfg.ServerRoot)
		}
		_ = StatusURL(cfg, "80")
	})
}

type regular struct{ fs.FileInfo }

func (regular) IsDir() bool       { return false }
func (regular) Mode() fs.FileMode { return 0o644 }

func TestDefines(t *testing.T) {
	assert.Equal(t, []string{"SSL", "X"}, Defines(SplitArgs(`-D SSL -c "ServerName x" -DX -D`)))
}

// mod_status is missing when modules are loaded but status_module is not;
// a build with nothing loaded (modules compiled in) tells nothing.
func TestStatusModuleMissing(t *testing.T) {
	for _, c := range []struct {
		conf    string
		missing bool
	}{
		{"LoadModule mpm_event_module m/mod_mpm_event.so\nLoadModule status_module m/mod_status.so\n", false},
		{"LoadModule mpm_event_module m/mod_mpm_event.so\nInclude @ROOT@/mods/*.load\n", true},
		{"Listen 80\n", false},
	} {
		dir := writeTree(t, map[string]string{"httpd.conf": c.conf, "mods/authz.load": "LoadModule authz_core_module m/x.so\n"})
		cfg, err := ParseConfig(filepath.Join(dir, "httpd.conf"), ParseOptions{ServerRoot: dir})
		require.NoError(t, err)
		assert.Equal(t, c.missing, cfg.StatusModuleMissing(), c.conf)
	}
}

func TestErrorLog(t *testing.T) {
	for conf, want := range map[string]string{
		"ErrorLog logs/error_log\n": "@ROOT@/logs/error_log",
		"ErrorLog /var/log/x.log\n<VirtualHost *:80>\nErrorLog /v\n</VirtualHost>\n": "/var/log/x.log",
		"ErrorLog \"|/usr/bin/rotatelogs x\"\n":                                      "",
		"ErrorLog syslog:local1\n":                                                   "",
		"Listen 80\n":                                                                "",
	} {
		dir := writeTree(t, map[string]string{"httpd.conf": conf})
		cfg, err := ParseConfig(filepath.Join(dir, "httpd.conf"), ParseOptions{ServerRoot: dir})
		require.NoError(t, err)
		assert.Equal(t, strings.ReplaceAll(want, "@ROOT@", dir), cfg.ErrorLog, conf)
	}
}

// A failed start quotes what httpd appended to its error log since the mark.
func TestLogMarkSince(t *testing.T) {
	p := filepath.Join(t.TempDir(), "error.log")
	require.NoError(t, os.WriteFile(p, []byte("old line\n"), 0o644))
	m := MarkLog(p)
	assert.Equal(t, "", m.Since())
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	f.WriteString("a\nb\n\nc\nAH01596: could not open mime types config file\n")
	f.Close()
	assert.Equal(t, "b | c | AH01596: could not open mime types config file", m.Since())
	assert.Equal(t, "", MarkLog("").Since())
	// A log created by the start itself is read whole.
	q := filepath.Join(t.TempDir(), "new.log")
	m = MarkLog(q)
	require.NoError(t, os.WriteFile(q, []byte("born\n"), 0o644))
	assert.Equal(t, "born", m.Since())
}
