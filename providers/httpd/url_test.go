package httpd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusURL(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		port string
		want string
	}{
		{"port only Listen", Config{Listen: Listen{Addr: "80"}, StatusPath: "/server-status"}, "", "http://localhost:80/server-status"},
		{"address Listen wins over the port parameter", Config{Listen: Listen{Addr: "127.0.0.1:8080"}, StatusPath: "/st"}, "9999", "http://127.0.0.1:8080/st"},
		{"no Listen: port parameter", Config{}, "8081", "http://localhost:8081"},
		{"no Listen: Port directive", Config{Port: "81"}, "bad", "http://localhost:81"},
		{"no Listen: 80", Config{}, "0", "http://localhost:80"},
		{"https protocol", Config{Listen: Listen{Addr: "127.0.0.1:8443", Proto: "https"}}, "", "https://127.0.0.1:8443"},
		{"443 is https by default", Config{Listen: Listen{Addr: "443"}}, "", "https://localhost:443"},
		{"443 with http protocol", Config{Listen: Listen{Addr: "443", Proto: "http"}}, "", "http://localhost:443"},
		{"ipv6", Config{Listen: Listen{Addr: "[::1]:8080"}, StatusPath: "/s"}, "", "http://[::1]:8080/s"},
		{"wildcard", Config{Listen: Listen{Addr: "*:8080"}}, "", "http://localhost:8080"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, StatusURL(&tc.cfg, tc.port))
		})
	}
}

func TestTestURL(t *testing.T) {
	cfg := &Config{Listen: Listen{Addr: "127.0.0.1:8080"}}
	assert.Equal(t, "http://127.0.0.1:8080/app", TestURL("/app", cfg, ""))
	assert.Equal(t, "https://x/y", TestURL("https://x/y", cfg, ""))
}

func TestParseURL(t *testing.T) {
	for _, ok := range []string{"http://localhost/server-status", "https://[::1]:8443/", "http://127.0.0.1:80"} {
		_, err := ParseURL(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"localhost/server-status", "ftp://x/", "http://", "http://h:99999/", "http://h:x/", "http://[::1/", "http://u:secret@h:port/"} {
		_, err := ParseURL(bad)
		require.Error(t, err, bad)
		assert.False(t, strings.Contains(err.Error(), "secret"), "password leaked: %v", err)
	}
}

func TestReadTestConf(t *testing.T) {
	const file = `
# web applications
test first
url /first
match ok
end
test second
url http://127.0.0.1/second
match Second
user admin
password s3cret
client curl
client_opts -k -L
end
test broken
url /x
bogus value
end
`
	d, err := ReadTestConf(strings.NewReader(file), "")
	require.NoError(t, err)
	assert.Equal(t, TestDef{Name: "first", URL: "/first", Match: "ok"}, d)
	require.NoError(t, d.Check())

	d, err = ReadTestConf(strings.NewReader(file), "second")
	require.NoError(t, err)
	assert.Equal(t, "admin", d.User)
	assert.Equal(t, "s3cret", d.Password)
	insecure, err := ClientOptions(d.ClientOpts)
	require.NoError(t, err)
	assert.True(t, insecure)

	_, err = ReadTestConf(strings.NewReader(file), "broken")
	require.ErrorContains(t, err, "line 17: unknown keyword")
	_, err = ReadTestConf(strings.NewReader(file), "absent")
	require.ErrorContains(t, err, `no test named "absent"`)

	assert.Error(t, TestDef{URL: "/x"}.Check())
	assert.Error(t, TestDef{URL: "/x", Match: "y", User: "u"}.Check())
	_, err = ClientOptions("--cacert /x")
	assert.Error(t, err)
}
