#!/bin/sh
# Prints a Debian changelog entry for VERSION: the commit subjects since the
# last release tag (the newest 50), wrapped to fit lintian's 80 columns.
#   packaging/changelog.sh VERSION "Name <mail>"
set -eu
version=$1
maintainer=$2

printf 'ocfkit (%s) unstable; urgency=medium\n\n' "$version"
if git rev-parse --git-dir >/dev/null 2>&1; then
	range=HEAD
	if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null); then
		range=$tag..HEAD
	fi
	subjects=$(git log --no-merges -n 50 --format=%s "$range")
	[ -n "$subjects" ] || subjects="Release $version."
	printf '%s\n' "$subjects" | while IFS= read -r s; do
		printf '%s\n' "$s" | fold -s -w 74 | sed -e '1s/^/  * /' -e '2,$s/^/    /' -e 's/ *$//'
	done
	date=$(git log -1 --format=%cD)
else
	printf '  * Release %s, built from a source tree without git history.\n' "$version"
	date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
fi
printf '\n -- %s  %s\n' "$maintainer" "$date"
