package multinode

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

// TestFailoverBench measures, under `make bench` only (OCFKIT_BENCH=1), the
// median of 5 power cuts of the node serving every seed stack, with
// Corosync's default token (3 s) and with token 1000: the time until each
// stack answers on the survivor, split into detection (power cut to the
// survivor's controller learning from Corosync that the peer is lost: the
// token and consensus wait), fencing (to the fence device's reboot done)
// and recovery (to the service answering: the agents' stops and starts,
// and the client's and the fakes' view catching up).
func TestFailoverBench(t *testing.T) {
	if os.Getenv("OCFKIT_BENCH") != "1" {
		t.Skip("a benchmark: make bench")
	}
	const runs = 5
	for _, token := range []time.Duration{0, time.Second} {
		name := "default"
		if token > 0 {
			name = fmt.Sprint(token.Milliseconds())
		}
		t.Run("token="+name, func(t *testing.T) {
			a := newAllStacks(t, token, nil)
			a.configure(t, true)
			c := a.c
			var detect, fence []time.Duration
			total := make([][]time.Duration, len(a.names))
			recovery := make([][]time.Duration, len(a.names))
			victim, survivor := c.Nodes[0], c.Nodes[1]
			for i := 0; i < runs; i++ {
				before := len(c.Fenced())
				off, took := a.powerOff(t, victim, survivor)
				lost := lostAt(survivor, victim.Name, off)
				var done time.Time
				c.WaitFor(t, time.Minute, "the fence action recorded", func() bool {
					ev := c.Fenced()
					if len(ev) > before {
						done = ev[before].Done
						return true
					}
					return false
				})
				if lost.IsZero() {
					t.Fatalf("no 'state is now lost' in %s's log after the power cut", survivor.Name)
				}
				detect = append(detect, lost.Sub(off))
				fence = append(fence, done.Sub(lost))
				for k := range a.names {
					total[k] = append(total[k], took[k])
					recovery[k] = append(recovery[k], off.Add(took[k]).Sub(done))
				}
				t.Logf("run %d: power cut of %s: lost after %s, fenced after %s, served after %v",
					i+1, victim.Name, lost.Sub(off), done.Sub(off), took)
				// The fence device's reboot brought the victim back:
				// wait for it to rejoin and resync before the next cut.
				c.WaitFor(t, 2*time.Minute, victim.Name+" rejoined and resynced", func() bool {
					st := c.StatusOn(survivor)
					return st != nil && len(st.Online()) == 2 && a.s.DRBD.Role(victim) == "Secondary" &&
						a.s.DRBD.Disk(victim) == "UpToDate"
				})
				time.Sleep(2 * time.Second)
				victim, survivor = survivor, victim
			}
			// Each column is the median of its own 5 values: they need
			// not add up exactly.
			d, f := median(detect), median(fence)
			for k, stack := range a.names {
				fmt.Printf("BENCH failover token=%s %-34s total %6s  detection %6s  fencing %6s  recovery %6s\n",
					name, stack, ms(median(total[k])), ms(d), ms(f), ms(median(recovery[k])))
			}
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }
