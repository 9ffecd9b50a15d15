#!/bin/bash
# Builds the ocfkit .deb and .rpm packages.
#
#   packaging/build.sh [OUTDIR]        (default OUTDIR: dist)
#
# Every agents/<name> that is a main package becomes
# /usr/lib/ocf/resource.d/ocfkit/<name> (a fence agent, agents/fence_*,
# becomes /usr/sbin/<name>), cross-built static for each of ARCHS (default
# "amd64 arm64"); its manual page (section 7, fence agents 8) comes from
# its meta-data.
# OUTDIR receives one .deb and one .rpm per architecture and SHA256SUMS.
#
# Environment: ARCHS, OCFKIT_VERSION (else packaging/version.sh),
# OCFKIT_MAINTAINER, NFPM (an nfpm binary; else v2.45.2 is built with go),
# MAX_PACKAGE_BYTES (default 30000000: the size target of each package),
# BUILDTAGS (default: packaging/buildtags, as the Makefile builds the agents).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
archs=${ARCHS:-amd64 arm64}
max=${MAX_PACKAGE_BYTES:-30000000}
tags=${BUILDTAGS-$(cat packaging/buildtags)}
nfpm_module=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2

version=$(packaging/version.sh)
maintainer=${OCFKIT_MAINTAINER:-ocfkit maintainers <ocfkit@users.noreply.github.com>}
# Same input, same package: file times, the changelog and the man pages
# take the time of the commit.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

[ -f README.md ] || { echo "build.sh: README.md is missing; the package ships it" >&2; exit 1; }
[ -f LICENSE ] || { echo "build.sh: LICENSE is missing; the package ships it" >&2; exit 1; }

# Only top-level main packages under agents/ are agents.
mapfile -t agents < <(go list -f '{{if eq .Name "main"}}{{.Dir}}{{end}}' ./agents/... |
	sed -n "s|^$root/agents/\([^/]*\)\$|\1|p" | sort)
if [ ${#agents[@]} -eq 0 ]; then
	echo "build.sh: no agents under agents/" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tools=$work/tools
mkdir -p "$tools"

if [ -z "${NFPM:-}" ]; then
	# go install of a pinned version keeps nfpm's dependencies out of go.mod.
	GOBIN=$tools GOFLAGS= go install "$nfpm_module"
	NFPM=$tools/nfpm
fi
go build -o "$tools/genman" ./packaging/genman

build_agents() { # GOARCH DIR
	local pkgs=()
	for a in "${agents[@]}"; do pkgs+=("./agents/$a"); done
	mkdir -p "$2"
	CGO_ENABLED=0 GOOS=linux GOARCH=$1 go build -trimpath -tags "$tags" \
		-ldflags "-s -w -X github.com/ocfkit/ocfkit/ocf.Version=$version -X github.com/ocfkit/ocfkit/fence.Version=$version" \
		-o "$2/" "${pkgs[@]}"
	# Fence agents go to /usr/sbin, where Pacemaker's fencer looks.
	mkdir -p "$2/sbin"
	for a in "${agents[@]}"; do
		case $a in fence_*) mv "$2/$a" "$2/sbin/$a" ;; esac
	done
}

# The pages are the same for every architecture: generate them once from
# binaries this machine can run.
host=$(go env GOHOSTARCH)
build_agents "$host" "$work/host"
mkdir -p "$work/man"
hostbins=()
for a in "${agents[@]}"; do
	case $a in
	fence_*) hostbins+=("$work/host/sbin/$a") ;;
	*) hostbins+=("$work/host/$a") ;;
	esac
done
"$tools/genman" -o "$work/man" -version "$version" "${hostbins[@]}"
gzip -9n "$work/man"/*.7 "$work/man"/*.8

doc=$work/doc
mkdir -p "$doc"
cp README.md "$doc/README.md"
cp LICENSE "$doc/LICENSE"
cp packaging/copyright "$doc/copyright"
packaging/changelog.sh "$version" "$maintainer" | gzip -9n >"$doc/changelog.gz"

# Debian's first line is the synopsis and "." an empty line; rpm has its
# own Summary field and takes the text as it is.
summary="OCF resource agents for Pacemaker, written in Go"
about="ocfkit provides Pacemaker resource agents as small static binaries, used as
ocf:ocfkit:<agent>. They keep the parameter names and defaults of the agents
they replace, so switching is a change of provider, and their hot path forks
nothing. A manual page per agent, ocf_ocfkit_<agent>(7), is generated from
the agent's meta-data. The fence agents fence_digitalocean and fence_oci
are in /usr/sbin, with manual pages in section 8."
ocf=() fence=()
for a in "${agents[@]}"; do
	case $a in fence_*) fence+=("$a") ;; *) ocf+=("$a") ;; esac
done
contains="Agents in this package: ${ocf[*]}."
if [ ${#fence[@]} -gt 0 ]; then
	contains="$contains
Fence agents: ${fence[*]}."
fi
describe() { # FORMAT
	if [ "$1" = deb ]; then
		printf '%s\n%s\n.\n%s' "$summary" "$about" "$contains"
	else
		printf '%s\n\n%s' "$about" "$contains"
	fi
}

files=()
for arch in $archs; do
	stage=$work/stage-$arch
	mkdir -p "$stage"
	if [ "$arch" = "$host" ]; then
		cp -a "$work/host" "$stage/agents"
	else
		build_agents "$arch" "$stage/agents"
	fi
	mv "$stage/agents/sbin" "$stage/sbin"
	cp -r "$work/man" "$stage/man"
	cp -r "$doc" "$stage/doc"
	cp packaging/lintian-overrides "$stage/lintian-overrides"
	case $arch in
	amd64) rpmarch=x86_64 ;;
	arm64) rpmarch=aarch64 ;;
	*) rpmarch=$arch ;;
	esac
	for fmt in deb rpm; do
		if [ "$fmt" = deb ]; then
			file=ocfkit_${version}_$arch.deb
		else
			file=ocfkit-$version-1.$rpmarch.rpm
		fi
		OCFKIT_ARCH=$arch OCFKIT_VERSION=$version OCFKIT_STAGE=$stage \
			OCFKIT_MAINTAINER=$maintainer OCFKIT_DESCRIPTION="$(describe "$fmt")" \
			"$NFPM" package --config packaging/nfpm.yaml --packager "$fmt" --target "$out/$file" >&2
		files+=("$file")
	done
done

(cd "$out" && sha256sum -- "${files[@]}" >SHA256SUMS)
packaging/sizes.sh "$max" "${files[@]/#/$out/}"
