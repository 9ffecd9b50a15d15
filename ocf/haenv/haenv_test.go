package haenv_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf/haenv"
	"github.com/ocfkit/ocfkit/ocf/haenv/haenvtest"
)

func TestSyslogFacility(t *testing.T) {
	conn := haenvtest.Syslog(t)
	for facility, pri := range map[string]string{
		"local3": "<156>", // local3 (19) * 8 + warning (4)
		"LOCAL3": "<156>",
		"daemon": "<28>", // 3 * 8 + 4
		"bogus":  "<28>", // unknown: daemon
		"user":   "<12>",
	} {
		s := haenv.NewSyslog("fence_x", facility)
		s.Write("WARNING", "careful")
		s.Close()
		msg, err := haenvtest.Read(conn, 5*time.Second)
		require.NoError(t, err, facility)
		assert.Regexp(t, `^`+pri+`.* fence_x\[\d+\]: careful`, msg, facility)
	}
}

func TestSyslogOff(t *testing.T) {
	conn := haenvtest.Syslog(t)
	for _, facility := range []string{"", "none", " None "} {
		s := haenv.NewSyslog("fence_x", facility)
		s.Write("ERROR", "not sent")
		s.Close()
		_, err := haenvtest.Read(conn, 200*time.Millisecond)
		assert.Error(t, err, "facility %q must turn syslog off", facility)
	}
}

func TestFacilityFromEnvironment(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "")
	t.Setenv("HA_logfacility", "")
	assert.Equal(t, "daemon", haenv.Facility("daemon"))
	t.Setenv("HA_logfacility", "local5")
	assert.Equal(t, "local5", haenv.Facility("daemon"))
	t.Setenv("HA_LOGFACILITY", "none")
	assert.Equal(t, "none", haenv.Facility("daemon"))
}

func TestStateDir(t *testing.T) {
	t.Setenv("HA_RSCTMP", "")
	assert.Equal(t, "/run/resource-agents", haenv.StateDir())
	t.Setenv("HA_RSCTMP", "/tmp/x")
	assert.Equal(t, "/tmp/x", haenv.StateDir())
}
