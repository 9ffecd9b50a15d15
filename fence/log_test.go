package fence

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf/haenv/haenvtest"
)

// The fencer runs fence agents with Pacemaker's HA_LOGFACILITY: their
// lines go where the cluster's other lines go, daemon when it is unset.
func TestLoggerSyslogFacility(t *testing.T) {
	conn := haenvtest.Syslog(t)

	for facility, pri := range map[string]string{"local3": "<156>", "": "<28>"} {
		t.Setenv("HA_LOGFACILITY", facility)
		t.Setenv("HA_logfacility", "")
		red := &redactor{}
		red.add("s3cr3t-token")
		l := newLogger("fence_x", io.Discard, red)
		l.Warnf("token s3cr3t-token refused")
		l.close()
		msg, err := haenvtest.Read(conn, 5*time.Second)
		require.NoError(t, err, facility)
		assert.Regexp(t, `^`+pri+`.* fence_x\[\d+\]: token \*\*\* refused`, msg, facility)
		assert.NotContains(t, msg, "s3cr3t")
	}

	t.Setenv("HA_LOGFACILITY", "none")
	l := newLogger("fence_x", io.Discard, &redactor{})
	l.Errorf("not sent")
	l.close()
	_, err := haenvtest.Read(conn, 200*time.Millisecond)
	assert.Error(t, err, "facility none turns syslog off")
}
