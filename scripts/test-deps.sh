#!/usr/bin/env bash
# Installs the system packages of test/packages.txt that are missing.
#
#   scripts/test-deps.sh            what make test and .ci/run need
#   scripts/test-deps.sh --demo     only what make demo needs
#   scripts/test-deps.sh --check    install nothing; print what is missing
#
# As root on Debian/Ubuntu it uses apt-get (without starting the services it
# installs: a running corosync or pacemaker would stop the test harness), on
# Fedora/RHEL dnf with the Fedora names of the list. Not root, or another
# distribution: it installs nothing and prints one line naming what is
# missing and the command that installs it; the system tests then skip with
# that line (or fail, with OCFKIT_REQUIRE_SYSTEM=1). Nothing missing: it
# prints nothing and exits 0 at once.
#
# Exit status: 0, also when nothing could be installed here (the line says
# what is missing); 1 with --check when something is missing; 2 when an
# install failed.
# OCFKIT_TEST_PACKAGES names another list, OCFKIT_OS_RELEASE another
# os-release file (test/deps uses both).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
list=${OCFKIT_TEST_PACKAGES:-$root/test/packages.txt}
mode=install
only=""
for a in "$@"; do
	case $a in
	--check) mode=check ;;
	--demo) only=demo ;;
	*)
		echo "usage: $0 [--check] [--demo]" >&2
		exit 2
		;;
	esac
done

# The distribution family, from os-release: debian, fedora or unknown.
family=unknown
os_release=${OCFKIT_OS_RELEASE:-/etc/os-release}
if [ -r "$os_release" ]; then
	ids=$(. "$os_release" && echo "${ID:-} ${ID_LIKE:-}")
	case " $ids " in
	*" debian "* | *" ubuntu "*) family=debian ;;
	*" fedora "* | *" rhel "* | *" centos "*) family=fedora ;;
	esac
fi
[ "$family" != debian ] || command -v dpkg-query >/dev/null || family=unknown
[ "$family" != fedora ] || command -v rpm >/dev/null || family=unknown

# The list's names for this family (Debian's where the family is unknown,
# so that the line printed below still names something to look for), and
# what each Debian package provides.
want=()
declare -A seen=() provides=()
while read -r deb fedora for what _; do
	case $deb in
	"" | "#"*) continue ;;
	esac
	[ -z "$only" ] || [ "$for" = "$only" ] || continue
	provides[$deb]="${provides[$deb]:-} ${what//,/ }"
	name=$deb
	if [ "$family" = fedora ]; then
		case $fedora in
		=) ;;
		-) continue ;;
		*) name=$fedora ;;
		esac
	fi
	[ -z "${seen[$name]:-}" ] || continue
	seen[$name]=1
	want+=("$name")
done <"$list"

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo "
# One query for the whole list: make test takes this path every time, and
# it must cost nothing when everything is installed. A package the
# database has never heard of is missing too.
declare -A installed=()
case $family in
debian)
	while read -r name status; do
		case $status in
		?i*) installed[$name]=1 ;;
		esac
	done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${want[@]}" 2>/dev/null || true)
	;;
fedora)
	while read -r name; do
		installed[$name]=1
	done < <(rpm -q --qf '%{NAME}\n' "${want[@]}" 2>/dev/null | grep -v '^package .* is not installed$' || true)
	;;
*)
	# Another distribution: a package counts as installed when one of the
	# commands or files the list names for it is found, or when the list
	# names none (nothing to tell by).
	for p in "${want[@]}"; do
		for c in ${provides[$p]}; do
			case $c in
			-) installed[$p]=1 ;;
			/*) compgen -G "$c" >/dev/null && installed[$p]=1 ;;
			*"*"*) compgen -G "/usr/sbin/$c" >/dev/null || compgen -G "/usr/bin/$c" >/dev/null && installed[$p]=1 ;;
			*) PATH=$PATH:/usr/sbin:/sbin type -P "$c" >/dev/null && installed[$p]=1 ;;
			esac
			[ -z "${installed[$p]:-}" ] || break
		done
	done
	;;
esac
missing=()
for p in "${want[@]}"; do
	[ -n "${installed[$p]:-}" ] || missing+=("$p")
done
case $family in
debian) how="${sudo}apt-get update && ${sudo}apt-get install --no-install-recommends ${missing[*]:-}" ;;
fedora) how="${sudo}dnf install ${missing[*]:-}" ;;
*) how="your package manager (the names are Debian's; see test/packages.txt)" ;;
esac

[ ${#missing[@]} -gt 0 ] || exit 0

line="missing packages of test/packages.txt: ${missing[*]}; install them with: $how"
if [ "$mode" = check ]; then
	echo "$line"
	exit 1
fi
if [ "$family" = unknown ] || [ -n "$sudo" ]; then
	# Nothing can be installed from here: say what is missing and carry
	# on; the system tests skip with the same line.
	echo "$line"
	exit 0
fi

echo "scripts/test-deps.sh: installing ${missing[*]}"
case $family in
debian)
	export DEBIAN_FRONTEND=noninteractive
	# Debian starts the services a package installs, corosync and
	# pacemaker with their example configuration, and the test harness
	# refuses to run beside a cluster it did not start: policy-rc.d keeps
	# them stopped (unless the machine has a policy of its own).
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq || exit 2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || exit 2
	;;
fedora)
	dnf install -y -q "${missing[@]}" || exit 2
	;;
esac

# Installed just now: not started at boot either.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
	for s in corosync:corosync pacemaker:pacemaker pcs:pcsd; do
		case " ${missing[*]} " in
		*" ${s%%:*} "*) systemctl disable --now "${s#*:}" >/dev/null 2>&1 || true ;;
		esac
	done
fi
