#!/usr/bin/env bash
# install-deps.sh - install every build and test dependency of brig from
# Debian packages.  Idempotent: when everything is already installed it does
# nothing at all (no apt-get update), so `make check` stays fast and offline.
set -euo pipefail

PACKAGES=(
	# build
	build-essential pkg-config clang clang-format
	libnl-3-dev libnl-route-3-dev libnftnl-dev libmnl-dev
	libseccomp-dev libcap-dev libarchive-dev libjansson-dev libyaml-dev
	# tests
	libcmocka-dev bats shellcheck busybox-static
	iproute2 nftables iputils-ping tmux util-linux procps
	tar gzip zstd xz-utils python3 coreutils findutils grep sed
	# tests: images.bats reads brig's `image save` output with the reference tool
	skopeo
	# tests: the FRR router image (scripts/mkimage-frr.sh)
	mmdebstrap debian-archive-keyring
	# registry client: libcurl's header (the library is loaded at run
	# time), libcrypto for SHA-256; its tests (registry.bats): the reference
	# registry (skopeo, above, fills it), curl, openssl (TLS and token keys)
	libcurl4-openssl-dev libssl-dev
	docker-registry curl openssl
	# lab graph: Graphviz's headers (libgvc is loaded at run time; its
	# pango/cairo plugin, for png, is in libgvc6); graph.bats runs dot
	libgraphviz-dev libgvc6 graphviz
	# brig capture: libpcap's header (the library is loaded at run time);
	# its tests (probe.bats) read the pcap back with tcpdump
	libpcap-dev tcpdump
	# rootless brig (docs/rootless.md): the user-mode network and the
	# setuid helpers that write a user's /etc/subuid ranges
	slirp4netns uidmap
	# brig serve (docs/api.md): the HTTP parser; its tests drive it with
	# the Python SDK and the docker CLI (docker_cli below, never dockerd)
	libhttp-parser-dev python3-docker
)

# One dpkg-query for the whole list; packages dpkg has never heard of are
# simply absent from its output and so count as missing.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for p in "${PACKAGES[@]}"; do
	if ! grep -qx "$p installed" <<<"$installed"; then
		missing+=("$p")
	fi
done

# tests: graph.bats parses `lab graph --format mermaid` with mermaid's own
# parser (node, jsdom standing in for a browser; ~10 s, once).  Without node
# or the network that one check is skipped.
MERMAID_DIR=/usr/local/lib/brig-test/mermaid
if [ ! -d "$MERMAID_DIR/node_modules/mermaid" ] && [ "$(id -u)" -eq 0 ] &&
	command -v npm >/dev/null; then
	npm install --silent --no-audit --no-fund --prefix "$MERMAID_DIR" \
		mermaid@11.17.2 jsdom@29.1.1 >&2 ||
		echo "install-deps: mermaid's parser not installed (graph.bats skips that check)" >&2
fi

# tests: brig serve's acceptance tests (api*.bats) run Debian's docker CLI
# 20.10 (API 1.41) against brig's socket.  Only the client binary is taken
# out of the docker.io package: the package itself, dockerd and containerd
# are never installed, so nothing can start a daemon.
DOCKER_CLI=/usr/local/lib/brig-test/docker
docker_cli() {
	local tmp
	[ -x "$DOCKER_CLI" ] && return 0
	[ "$(id -u)" -eq 0 ] || return 0
	tmp=$(mktemp -d)
	if (cd "$tmp" && apt-get download docker.io >/dev/null 2>&1) &&
		dpkg-deb --fsys-tarfile "$tmp"/docker.io_*.deb |
		tar -x -C "$tmp" ./usr/bin/docker; then
		install -D -m 0755 "$tmp/usr/bin/docker" "$DOCKER_CLI"
	else
		echo "install-deps: docker CLI not extracted (the api tests skip it)" >&2
	fi
	rm -rf "$tmp"
}

if [ "${#missing[@]}" -eq 0 ]; then
	docker_cli
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo $0) to install them" >&2
	exit 1
fi

echo "install-deps: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# No service may start while packages install (docker-registry's postinst
# would start one; there may be no init here at all): invoke-rc.d asks
# policy-rc.d, and 101 means "not allowed".  Only one we put there is
# removed afterwards.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
docker_cli
