package contract

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// A started resource, for the probes of TestProbeOfARunningResource.
type started struct {
	b base
	// names are the parameters that say what or where the resource is:
	// a probe with another value looks at another resource.
	names map[string]string // parameter → why it is one
	// checks are the parameters that define the health check itself: with
	// another value the check may fail (1), but never says "not running".
	checks map[string]string
}

// startedFixtures start one resource of each agent the test knows how to
// start here. An agent without a fixture is reported, not skipped silently.
var startedFixtures = map[string]func(t *testing.T, bin string) started{
	"IPaddr2":    startIPaddr2,
	"Filesystem": startFilesystem,
	"apache":     startApache,
	"drbd":       startDRBD,
	"floatip":    startFloatip,
	"ocivip":     startOcivip,
}

// TestProbeOfARunningResource starts a resource of each agent, then probes
// it (and monitors it) with each parameter that does not name the
// resource set to each hostile value: the answer is 0 or 8, never 7
// (Pacemaker would start the resource on a second node) nor an error.
func TestProbeOfARunningResource(t *testing.T) {
	testenv.NeedRoot(t)
	marker := filepath.Join(t.TempDir(), "marker")
	for _, name := range agentNames(t) {
		t.Run(name, func(t *testing.T) {
			fixture, ok := startedFixtures[name]
			if !ok {
				t.Logf("%s: no fixture starts this agent's resource here: its probes are not checked", name)
				return
			}
			start := time.Now()
			bin := testenv.BuildAgent(t, name)
			md := readMetaData(t, bin)
			s := fixture(t, bin)
			// The fixture's own probe first: the resource runs.
			o := runAgent(bin, "monitor", s.b, s.b.state, "", nil)
			require.Contains(t, []int{0, 8}, o.code, "the started resource's own probe:\n%s", o.stderr)
			var jobs []job
			for _, p := range md.Params {
				if _, ok := s.names[p.Name]; ok {
					continue
				}
				_, check := s.checks[p.Name]
				for _, v := range hostileValues(p.Name, marker) {
					jobs = append(jobs, job{
						name:      p.Name + "=" + v.name,
						env:       []string{"OCF_RESKEY_" + p.Name + "=" + v.value, "OCF_RESKEY_CRM_meta_timeout=10000"},
						actions:   []string{"monitor"},
						recurring: true,
						running:   !check,
						notSeven:  check,
					})
				}
			}
			for _, kv := range malformedEnvs {
				jobs = append(jobs, job{name: kv[0] + "=" + kv[1], env: []string{kv[0] + "=" + kv[1]}, actions: []string{"monitor"}, running: true})
			}
			runs := runPool(t, bin, md, s.b, "", jobs)
			t.Logf("%s: %d cases, %d probes and monitors of a running resource in %s (not varied: %v; never 7: %v)",
				name, len(jobs), runs, time.Since(start).Round(time.Millisecond), keys(s.names), keys(s.checks))
		})
	}
	require.NoFileExists(t, marker, "a parameter value reached a shell")
}

// startWith starts the resource with the base configuration and registers
// its stop.
func startWith(t *testing.T, bin string, b base) {
	t.Helper()
	o := runAgent(bin, "start", b, b.state, "", []string{"OCF_RESKEY_CRM_meta_timeout=60000"})
	require.Equal(t, 0, o.code, "start:\n%s", o.stderr)
	t.Cleanup(func() {
		if o := runAgent(bin, "stop", b, b.state, "", nil); o.code != 0 {
			t.Errorf("stop after the probes: exit %d\n%s", o.code, o.stderr)
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func env(kv ...string) []string {
	var out []string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, "OCF_RESKEY_"+kv[i]+"="+kv[i+1])
	}
	return out
}

func startIPaddr2(t *testing.T, bin string) started {
	v := netiftest.NewVeth(t, []string{"198.18.44.1/24 brd +"}, nil)
	b := base{state: t.TempDir(), env: env("ip", "198.18.44.10", "nic", v.Host, "cidr_netmask", "24", "arp_count", "1")}
	startWith(t, bin, b)
	return started{b: b, names: map[string]string{
		"ip":                "the address",
		"network_namespace": "the namespace the address lives in",
	}}
}

func startFilesystem(t *testing.T, bin string) started {
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "contract")
	dir := mounttest.Dir(t, "m")
	b := base{state: t.TempDir(), env: env("device", dev, "directory", dir, "fstype", "ext4")}
	startWith(t, bin, b)
	return started{b: b, names: map[string]string{"device": "the filesystem", "directory": "the mount point"}}
}

func startApache(t *testing.T, bin string) started {
	testenv.NeedCmd(t, "apache2")
	ts := httpdtest.New(t, httpdtest.Options{})
	b := base{state: t.TempDir(), env: env("configfile", ts.ConfigFile, "httpd", httpdtest.Binary, "envfiles", "")}
	startWith(t, bin, b)
	return started{b: b, names: map[string]string{"configfile": "the server"},
		checks: map[string]string{"testregex": "what the status page must show: a page that does not match fails the check (1)"}}
}

func startDRBD(t *testing.T, bin string) started {
	dir, err := os.MkdirTemp("", "ocfkit-contract-drbd-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	fake := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
	require.NoError(t, drbdfake.Install(fake, dir))
	w := drbdfake.NewWorld(dir, "9.2.7", 1, 1)
	r := w.Resources["r0"]
	r.Up, r.Attached, r.Connected = false, false, false
	require.NoError(t, w.Save(drbdfake.Path(dir)))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "drbd.conf"), nil, 0o644))
	b := base{state: t.TempDir(), path: dir, workers: 1,
		env: append(env("drbd_resource", "r0", "drbdconf", filepath.Join(dir, "drbd.conf"), "proc_drbd", filepath.Join(dir, "proc_drbd"),
			"CRM_meta_clone_max", "2", "CRM_meta_notify", "true"), "DRBDFAKE_STATE="+drbdfake.Path(dir))}
	startWith(t, bin, b)
	return started{b: b, names: map[string]string{
		"drbd_resource": "the DRBD resource",
		"proc_drbd":     "where the DRBD module shows itself (a test knob): elsewhere, no module is loaded",
	}}
}

func startFloatip(t *testing.T, bin string) started {
	const token = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	a := dofake.NewAccount(t, token, "203.0.113.10", 1002, map[int]string{1001: "alpha", 1002: "bravo"})
	b := base{state: t.TempDir(), env: env("floating_ip", a.IP, "token_file", a.TokenFile,
		"api_url", a.APIURL, "metadata_url", a.Metadata[1001])}
	startWith(t, bin, b)
	return started{b: b, names: map[string]string{
		"floating_ip":  "the reserved IP",
		"api_url":      "the API: the default is the real cloud, where a test never goes",
		"metadata_url": "the metadata service: the default is 169.254.169.254, where a test never goes",
	}}
}

func startOcivip(t *testing.T, bin string) started {
	r := ocifake.NewRegion(t, ocifake.Options{})
	n := r.Node(t, "node1")
	var kv []string
	for k, v := range n.Params {
		kv = append(kv, k, v)
	}
	b := base{state: t.TempDir(), env: env(kv...)}
	startWith(t, bin, b)
	return started{b: b, names: map[string]string{
		"secondary_private_ip": "the address",
		"metadata_url":         "the metadata service: the default is 169.254.169.254, where a test never goes",
		"api_endpoint":         "the API: the default is the real cloud, where a test never goes",
		"auth_endpoint":        "the auth service: the default is the real cloud, where a test never goes",
		"region":               "names the real cloud's endpoints when api_endpoint is not usable",
	}}
}
