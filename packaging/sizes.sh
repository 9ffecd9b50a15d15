#!/bin/sh
# Prints the size of each package and fails if one is over MAX bytes.
#   packaging/sizes.sh MAX FILE...
set -eu
max=$1
shift
status=0
printf '%-50s %12s\n' package bytes
for f in "$@"; do
	size=$(stat -c %s "$f")
	printf '%-50s %12d\n' "$(basename "$f")" "$size"
	if [ "$size" -gt "$max" ]; then
		echo "sizes.sh: $(basename "$f") is $size bytes, over the $max-byte target" >&2
		status=1
	fi
done
exit $status
