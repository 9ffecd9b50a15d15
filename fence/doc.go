// Package fence is the runtime of ocfkit's fence agents: the protocol
// Pacemaker's fencer speaks to /usr/sbin/fence_* programs, as ClusterLabs'
// fence-agents library (fencing.py) defines it. It knows no cloud.
//
// Options arrive as name=value lines on stdin (from the fencer) or as
// command-line options (-o off, --plug=node1, ... for people); unknown
// stdin names are ignored with a warning, as fencing.py does. The actions
// are on, off, reboot, status, list, list-status, monitor, metadata,
// manpage and validate-all; the exit code is 0 for success (status: on),
// 2 for status off and 1 for every failure. The metadata is fencing.py's
// XML, which validates against fence-agents' metadata.rng.
//
// The agent supplies a Device (its cloud API); this package turns a
// request into Device calls, each bounded by power_timeout, and only
// reports a power change the Device confirmed.
package fence
