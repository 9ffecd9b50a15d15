#!/usr/bin/env bash
# make demo: the seed clusters on real Pacemaker clusters, on this machine.
#
# As root on Debian or Ubuntu: installs the packages it needs, then
#   act one: two Corosync + Pacemaker nodes in namespaces (node1, node2, a
#     client, fake clouds), every seed stack created with pcs on node1, node1
#     powered off, node2 serving, node1 back;
#   act two: a single-node cluster on 127.0.0.1 with the same stacks, broken
#     in each way the seeds' authors planned for;
# printing what Pacemaker does, then removes everything. See docs/demo.md.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	printf 'make demo: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run me as root: the demo starts Corosync and Pacemaker and creates veth pairs,
a loop device and an apache instance (all removed at the end)."

command -v apt-get >/dev/null && command -v dpkg-query >/dev/null ||
	die "this demo knows Debian and Ubuntu (apt-get); on other systems install what
  bash scripts/test-deps.sh --demo --check
names and run:
  OCFKIT_DEMO=1 go test -count=1 -v -run '^TestDemo\$' ./test/multinode ./test/demo"

# Never next to a real cluster: the demo would have to replace its
# configuration, and its daemons would be mistaken for ours. The checks run
# under the lock the test harness holds while a test cluster runs, so a
# test cluster of this repository is waited for, not taken for someone's.
refuse() {
	if [ -e /var/tmp/ocfkit-test-cluster.json ] || [ -e /var/tmp/ocfkit-test-multinode.json ]; then
		echo "make demo: a test cluster left by an interrupted test will be stopped and cleaned up first"
		return 0
	fi
	for ns in ocfkit-mn-switch ocfkit-mn-client; do
		[ ! -e "/run/netns/$ns" ] || die "the network namespace $ns exists and no record explains it
(a multinode test cluster that was not cleaned up?). Remove it (ip netns del $ns) and run again."
	done
	local running="" d p
	for d in corosync pacemakerd pacemaker-controld pacemaker-based; do
		if p=$(pidof "$d" 2>/dev/null); then running="$running $d[$p]"; fi
	done
	[ -z "$running" ] || die "a cluster is running on this machine:$running.
The demo starts its own single-node cluster and will not touch one that exists.
Stop that cluster first (pcs cluster stop), or run the demo on another machine."
	[ ! -e /var/lib/pacemaker/cib/cib.xml ] || die "/var/lib/pacemaker/cib/cib.xml exists: this machine has a Pacemaker
cluster configured. The demo's cluster would replace that configuration while it runs,
so it refuses. Run it on a machine (or VM, or container) without a cluster."
	[ ! -e /usr/lib/ocf/resource.d/ocfkit ] || die "/usr/lib/ocf/resource.d/ocfkit exists (an installed ocfkit?).
The demo shows the agents it builds from this tree under that name and will not hide
installed ones: uninstall them first (make uninstall, or remove the package)."
}
lock=/run/lock/ocfkit-test-system.lock
if command -v flock >/dev/null && [ -d /run/lock ]; then
	exec 9>>"$lock"
	flock -w 900 9 || die "a test of this repository has held $lock for 15 minutes"
	refuse
	exec 9>&-
else
	refuse
fi

# Packages: the demo's of test/packages.txt, only the missing ones, and
# without starting their services (Debian would otherwise start corosync
# and pacemaker with the example configuration at once, and at every boot).
bash scripts/test-deps.sh --demo || die "installing the packages failed"

export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
need=$(sed -n 's/^go \([0-9.]*\).*/\1/p' go.mod)
command -v go >/dev/null || die "Go $need or newer is needed to build the agents (https://go.dev/dl/;
Debian's golang package is older), then run make demo again."

# Build first, so that compiler errors are not mixed into the story.
bin=$(mktemp -d /tmp/ocfkit-demo-XXXXXX)
trap 'rm -rf "$bin"' EXIT
echo "make demo: building the agents and the demo"
go build ./agents/... ./test/... || die "the build failed (Go $need or newer is needed; this is $(go version))"
go test -c -o "$bin/demo.test" ./test/demo
go test -c -o "$bin/multinode.test" ./test/multinode

# The demo is two end-to-end tests with a narrator: their cleanups stop the
# clusters and remove what they made, also on failure or Ctrl-C.
set +e
(cd test/multinode && OCFKIT_DEMO=1 "$bin/multinode.test" -test.run '^TestDemo$' -test.v -test.count=1 -test.timeout 20m 2>&1 |
	grep -v -E '^(=== RUN|--- PASS|PASS$)')
status=${PIPESTATUS[0]}
if [ "$status" = 0 ]; then
	echo
	echo "==> ocfkit demo, act two: the single-node failures"
	(cd test/demo && OCFKIT_DEMO=1 "$bin/demo.test" -test.run '^TestDemo$' -test.v -test.count=1 -test.timeout 20m 2>&1 |
		grep -v -E '^(=== RUN|--- PASS|PASS$)')
	status=${PIPESTATUS[0]}
fi
set -e
if [ "$status" = 0 ]; then
	echo
	echo "make demo: done; the machine is as it was before (apart from the packages installed above)."
else
	echo
	echo "make demo: the demo failed; the lines above say where. Everything it started has been stopped."
fi
exit "$status"
