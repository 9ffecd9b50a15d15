// Package multinode runs a real multi-node Corosync 3 + Pacemaker 2.1
// cluster on this machine, each node in its own namespaces, for failover
// tests: power cuts, cable cuts and fencing are real events there.
//
//	c := multinode.Start(t, multinode.Options{Nodes: 2, Token: time.Second, Agents: []string{"IPaddr2"}})
//	c.Nodes[0].Pcs(t, "resource", "create", "vip", "ocf:ocfkit:IPaddr2", "ip=10.213.0.50", "nic=eth0")
//	c.Nodes[0].PowerOff()
//	c.WaitFor(t, time.Minute, "vip on node2", func() bool { return c.Nodes[1].HasAddr("10.213.0.50") })
//
// # A node
//
// Node i (node1, node2, ...) is PID 1 of new mount, UTS, IPC, PID and
// network namespaces: a small init of the harness's (nodeinit) that sets
// the hostname, mounts its own /proc, /sys, /run and /dev/shm (libqb names
// its shared memory after pids, which collide across PID namespaces),
// binds the node's own directories over /etc/corosync, /var/lib/corosync,
// /var/lib/pacemaker, /var/log/pacemaker and /var/log/corosync, lays the
// test's agents over /usr/lib/ocf/resource.d (as ocf:ocfkit:<name>) and
// its fence agents over /usr/sbin (read-only overlays), then, once the
// harness has wired its network, runs `corosync -f` and pacemakerd and
// reaps orphans. Nothing of this is visible outside the node: the host's
// /etc/corosync, CIB and OCF directories are never touched.
//
// Every node starts from a seeded CIB (no .sig file) with dc-deadtime 2s,
// so a fresh cluster elects its DC in about 5 s instead of waiting 20 s.
// Corosync runs knet with crypto over the bridge; two nodes use two_node,
// three or more plain majority quorum. Options.Token sets the token
// timeout (Corosync's default, 3 s, when 0).
//
// # The network
//
// A "switch" network namespace (ocfkit-mn-switch) holds a bridge; each
// node has a veth pair, eth0 in the node (address 10.213.0.<i>/24, a fixed
// MAC) and node<i> on the bridge; a client namespace (ocfkit-mn-client,
// 10.213.0.100) sees the services as a user does (ClientGet, DialClient).
// The nodes' own network namespaces are not named, so that they die with
// the node: a pinned one would keep answering for a VIP after a power cut.
// Tests listen on the bridge (ListenSwitch, 10.213.0.254) or inside a node
// (Node.Listen, closed when the node loses power).
//
// # Events
//
//	n.PowerOff()   kill -9 of the node's PID 1 (the kernel ends every process
//	               of the node within milliseconds), then its switch port goes
//	n.PowerOn()    a new boot: /run is fresh, the state directories (the CIB
//	               on disk) are as the cut left them, Options.OnBoot runs again
//	n.Reboot()     both
//	n.Shutdown(d)  orderly: SIGTERM to the init, which stops pacemakerd, then Corosync
//	n.CutLink()    the node's switch port down; HealLink up again
//
// # Fencing
//
// fence_harness (test/multinode/fence_harness) is a fence agent speaking
// the fence-agents protocol (action=, plug=, ip= on stdin; on, off,
// reboot, status, list, monitor, metadata, validate-all) that asks the
// harness, over the bridge, to power a node off or on. A node whose cable
// is cut cannot reach it, as with a fence device behind the same switch.
// c.Fenced() lists what was asked, by whom, when.
//
// # Watching
//
//	n.Exec / n.Run / n.Pcs     a command in the node (nsenter into all its namespaces)
//	n.CrmMonXML, c.StatusFrom   crm_mon as one node sees the cluster
//	c.Status(t)                 from the first node that answers
//	n.HasAddr, c.AddrHolders    addresses, over netlink in the node (no fork)
//	c.Mounted(dir)              which nodes have dir mounted (their mount tables)
//	StartSampler(100ms, probe)  who holds what, sampled; DoubleHolders finds split brain
//	c.WaitFor(t, max, desc, f)  poll; timeouts are liveness bounds, never performance asserts
//
// Clouds gives each node its DigitalOcean droplet metadata and OCI IMDS at
// 169.254.169.254 inside its own network namespace (the address is on the
// node's lo, never on the host), and both APIs on each node's loopback, all
// served by one fake of each in the test process. DRBD makes the DRBD
// fake one world for two nodes.
//
// # Safety
//
// Start takes testenv.LockSystem, refuses to run while Corosync or
// Pacemaker daemons that are not in its nodes run, or while its named
// namespaces exist without a record of its own. It records the nodes'
// init pids and its run directory in /var/tmp/ocfkit-test-multinode.json:
// a test binary killed before its cleanup leaves that behind, and the next
// Start kills every process in the PID namespace of each recorded init
// still alive (checking its start time), waits for them to go, removes the
// namespaces and the directory. At cleanup, also after a failure (which
// logs each node's crm_mon and notable log lines first), every node is
// powered off and everything is removed, in about 0.2 s.
//
// The process reading and the record file are test/procs's, and
// corosync.conf and the seed CIB are written by cluster.Corosync and
// cluster.CIB: test/cluster uses the same code.
package multinode
