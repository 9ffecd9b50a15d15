#!/bin/sh
# Prints the package version of the git checkout in the current directory,
# in a form that dpkg and rpm both accept and order the same way:
#   tag v1.2.0, exactly          -> 1.2.0
#   5 commits after v1.2.0       -> 1.2.0+git5.gabc1234   (after 1.2.0)
#   tag v1.3.0-rc1               -> 1.3.0~rc1             (before 1.3.0)
#   no tag yet, 42 commits       -> 0.0.0~git42.gabc1234  (before any release)
# A tree with uncommitted changes gets ".dirty" appended. OCFKIT_VERSION,
# when set, wins (a build from a tarball has no git).
set -eu

check() {
	case $1 in
	[0-9]*) ;;
	*) echo "version.sh: version $1 does not start with a digit" >&2; exit 1 ;;
	esac
	# '-' would split a Debian revision off and is forbidden in an rpm version.
	if printf '%s' "$1" | grep -q '[^A-Za-z0-9.+~]'; then
		echo "version.sh: version $1 may hold only letters, digits and . + ~" >&2
		exit 1
	fi
	printf '%s\n' "$1"
}

if [ -n "${OCFKIT_VERSION:-}" ]; then
	check "$OCFKIT_VERSION"
	exit 0
fi

if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "version.sh: not a git checkout; set OCFKIT_VERSION" >&2
	exit 1
fi

dirty=
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	dirty=.dirty
fi
sha=g$(git rev-parse --short=7 HEAD)

if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null); then
	base=$(printf '%s' "${tag#v}" | tr '-' '~')
	count=$(git rev-list --count "$tag..HEAD")
	if [ "$count" -eq 0 ]; then
		check "$base$dirty"
	else
		check "$base+git$count.$sha$dirty"
	fi
else
	check "0.0.0~git$(git rev-list --count HEAD).$sha$dirty"
fi
