package clusterip

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The values upstream's shell computes (md5sum of the echo, sed):
// echo 198.18.60.10 24 198.18.60.255 | md5sum = 873bd51271d28843...
// echo 2001:db8::10 64 | md5sum = ea4360dbb1ad2cd2...
func TestDeriveAsUpstream(t *testing.T) {
	seed, mac := Derive(netip.MustParseAddr("198.18.60.10"), 24, netip.MustParseAddr("198.18.60.255"))
	assert.Equal(t, uint32(0x873bd512), seed)
	assert.Equal(t, "87:3b:d5:12:71:d2", mac.String())
	seed, mac = Derive(netip.MustParseAddr("2001:db8::10"), 64, netip.Addr{})
	assert.Equal(t, uint32(0xea4360db), seed)
	assert.Equal(t, "33:33:60:db:b1:ad", mac.String())
	// An even second digit becomes 1 (the shell's sed).
	for ip, want := range map[string]string{"198.18.60.12": "61:01:41:29:86:33", "198.18.60.13": "31:c2:83:e0:56:09"} {
		_, mac = Derive(netip.MustParseAddr(ip), 24, netip.MustParseAddr("198.18.60.255"))
		assert.Equal(t, want, mac.String(), ip)
	}
}

func TestParseSeed(t *testing.T) {
	for in, want := range map[string]uint32{"0x873bd512": 0x873bd512, "12345": 12345, "0xFF": 255} {
		v, err := ParseSeed(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, v, in)
	}
	for _, bad := range []string{"", "0x", "-1", "0x1ffffffff", "4294967296", "ten", "0X10"} {
		_, err := ParseSeed(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseHash(t *testing.T) {
	for in, want := range map[string]Hash{"sourceip": SourceIP, "sourceip-sourceport": SourceIPPort,
		"sourceip-sourceport-destport": SourceIPPortDestPort} {
		h, err := ParseHash(in)
		require.NoError(t, err)
		assert.Equal(t, want, h)
	}
	_, err := ParseHash("destport")
	assert.Error(t, err)
}

func TestCheck(t *testing.T) {
	mac, _ := net.ParseMAC("01:00:5e:00:00:01")
	ok := Config{IP: netip.MustParseAddr("198.18.60.10"), Link: 2, Total: 2, Seed: 7, MAC: mac}
	require.NoError(t, ok.Check())
	bad := map[string]func(c *Config){
		"seed 0":        func(c *Config) { c.Seed = 0 },
		"unicast MAC":   func(c *Config) { c.MAC = net.HardwareAddr{2, 0, 0, 0, 0, 1} },
		"no MAC":        func(c *Config) { c.MAC = nil },
		"clone-max 0":   func(c *Config) { c.Total = 0 },
		"no address":    func(c *Config) { c.IP = netip.Addr{} },
		"IPv6 ARP mang": func(c *Config) { c.IP = netip.MustParseAddr("2001:db8::1"); c.MangleARP = true },
	}
	for name, f := range bad {
		c := ok
		f(&c)
		assert.Error(t, c.Check(), name)
	}
	c := ok
	c.Seed = 0
	assert.ErrorIs(t, c.Check(), ErrSeed)
}

func TestTableName(t *testing.T) {
	assert.Equal(t, "IPaddr2_198_18_60_10", TableName(netip.MustParseAddr("198.18.60.10")))
	assert.Equal(t, "IPaddr2_2001_db8__10", TableName(netip.MustParseAddr("2001:db8::10")))
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	ip := netip.MustParseAddr("198.18.60.10")
	unlock, err := Lock(context.Background(), dir, ip)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = Lock(ctx, dir, ip)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a second holder waits")
	unlock()
	unlock2, err := Lock(context.Background(), dir, ip)
	require.NoError(t, err, "free again")
	unlock2()

	// A link planted where the lock goes is not followed.
	other := netip.MustParseAddr("198.18.60.11")
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.Symlink(victim, filepath.Join(dir, "IPaddr2-CIP-"+other.String())))
	_, err = Lock(context.Background(), dir, other)
	assert.Error(t, err)
	assert.NoFileExists(t, victim)
}
