// Package cluster starts a real single-node Corosync + Pacemaker cluster on
// this machine for end-to-end tests, and tears it down again.
//
//	func TestVIP(t *testing.T) {
//		c := cluster.Start(t, cluster.Options{Agents: []string{"IPaddr2"}})
//		c.Pcs(t, "resource", "create", "vip", "ocf:ocfkit:IPaddr2", "ip=192.0.2.10", ...)
//		c.WaitFor(t, time.Minute, "vip Started", func() bool {
//			return c.ResourceRole(t, "vip") == "Started"
//		})
//	}
//
// # What Start does
//
//   - takes testenv.LockSystem (do not take it yourself before Start: flock
//     is not reentrant and the test would wait for itself);
//   - refuses, with the reason, when a Corosync or Pacemaker daemon that it
//     did not start is running, when /var/lib/pacemaker/cib/cib.xml exists
//     (someone's cluster configuration), or when
//     /usr/lib/ocf/resource.d/ocfkit exists (e.g. an installed package);
//   - builds the agents named in Options.Agents (testenv.BuildAgent) and links
//     /usr/lib/ocf/resource.d/ocfkit to a directory holding just those, so
//     Pacemaker sees them as ocf:ocfkit:<name>;
//   - writes corosync.conf into a private temporary directory (knet on
//     127.0.0.1, one node named after this host, cluster ocfkit-test,
//     votequorum with expected_votes 1, no crypto so no authkey) and runs
//     `corosync -f -c <that file>`: /etc/corosync is never touched;
//   - writes a fresh CIB with stonith-enabled=false and timings for a single
//     node (dc-deadtime 200ms, cluster-recheck-interval 1min,
//     shutdown-escalation 1min) and runs pacemakerd with its log in the
//     temporary directory (PCMK_logfile), syslog off, the resource agents'
//     own log file (HA_LOGFILE) beside it and their state directory
//     (HA_RSCTMP) there too, so nothing is left in /run/resource-agents;
//   - waits until crm_mon shows the node online and this node as DC.
//
// Startup takes about 3 seconds (Corosync 0.4 s, Pacemaker to an elected DC
// 2.5 s, most of it Pacemaker's own one-second retry timers); stopping about
// 1 to 2 seconds plus the resources' stop actions.
//
// # Cleanup
//
// At the end of the test (also when it fails or times out in a later
// WaitFor) the cluster is stopped by pid: pacemakerd with SIGTERM, which
// stops the resources, then Corosync; SIGKILL after a bound, including
// pacemakerd's own children. Then every file the cluster created under
// /var/lib/pacemaker, /var/lib/corosync, /var/log/pacemaker and /run/crm is
// removed, small files it rewrote are restored, directory owners and modes
// are put back, and the ocfkit provider link is removed.
//
// A record of what was started and what the machine looked like before is
// kept in /var/tmp/ocfkit-test-cluster.json while a cluster runs. If a test
// binary was killed before its cleanup ran (Ctrl-C, go test's -timeout),
// the next Start finds that record, stops the leftover daemons (by the
// recorded pid, checking the process start time) and restores the machine
// before it begins. The daemons run in their own process group, so a
// Ctrl-C aimed at go test leaves them whole for that orderly stop. The
// process reading and the record file are test/procs's; Corosync and CIB
// are the writers test/multinode uses too, for its own configuration.
//
// When the test has failed, cleanup first logs `crm_mon -1 -A -f -r`, the
// recent notable lines of the Pacemaker log, the agents' log and Corosync's
// output, so that a failure explains itself.
//
// # Talking to the cluster
//
// Resources are created with c.Pcs, as a person would. Agents that need
// settings from the test (fake endpoints, tokens in files) get them as
// resource parameters; Options.Env adds variables to pacemakerd's
// environment (which Pacemaker passes on to the agents) for the rare case
// where a parameter cannot do it; a variable there overrides the harness's
// own (e.g. HA_RSCTMP). Apart from PATH and LC_ALL, nothing of the test
// process's environment reaches the cluster.
//
//	c.Pcs(t, args...)               pcs, failing the test on error; returns the output
//	c.Run(t, "crm_resource", ...)   any other command, the same way
//	c.ResourceRole(t, id)           "Started", "Stopped", "Promoted", "Unpromoted" or ""
//	                                (a clone: its highest instance; a group: its lowest member)
//	c.Failcount(t, id)              the fail count on this node (INFINITY is 1000000)
//	c.NodeAttr(t, name)             a transient node attribute, e.g. "master-<rsc>"
//	c.CrmMon(t)                     crm_mon -1 -A -f -r, for a person to read
//	c.Operations(t)                 every finished operation, in order, with its log time
//	c.Recovery(t, rsc, since, max)  from an injected failure to rsc started again
//	c.WaitFor(t, max, desc, cond)   poll cond every 250 ms; fail after max
//	c.Node()                        the node's name
//
// The queries retry for a moment when the tools cannot connect (while a CIB
// is pushed, for instance). Timeouts given to WaitFor are liveness bounds,
// not performance assertions: keep them generous. Recovery measures; it
// never asserts a duration.
package cluster
