#!/usr/bin/env bash
# install-peers.sh - install the programs the benchmarks compare brig with.
#
#   install-peers.sh [--status]
# Every package is tried on its own: one that is not available (or fails to
# install) is recorded, never fatal.  Prints one line per package:
# "NAME installed VERSION" or "NAME missing REASON".  --status only reports.
# The benchmark scripts then report a peer whose package is missing as "not
# run" rather than dropping it.
set -euo pipefail

status_only=0
[ "${1:-}" != --status ] || status_only=1
pkgs=(crun runc podman containernetworking-plugins iperf3 hyperfine uidmap
	netavark aardvark-dns iptables strace busybox-static iproute2 util-linux
	procps iputils-ping linux-perf skopeo umoci mininet bridge-utils)

[ "$(id -u)" -eq 0 ] || {
	echo "install-peers: must be root" >&2
	exit 1
}

export DEBIAN_FRONTEND=noninteractive
# One `apt-get update` per run (skipped when the lists are fresh: < 1 day).
stamp=/var/lib/apt/periodic/update-success-stamp
lists_age=999999
if compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
	newest=$(stat -c %Y /var/lib/apt/lists/*_Packages | sort -n | tail -1)
	lists_age=$(($(date +%s) - newest))
fi
if [ "$status_only" -eq 0 ] && [ "$lists_age" -gt 86400 ] && [ ! -e "$stamp" ]; then
	apt-get update -qq >/dev/null 2>&1 || echo "install-peers: apt-get update failed" >&2
fi

installed_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		awk '$3 == "installed" { print $4 }'
}

missing=()
for p in "${pkgs[@]}"; do
	[ -n "$(installed_version "$p")" ] || missing+=("$p")
done
if [ "$status_only" -eq 0 ] && [ "${#missing[@]}" -gt 0 ]; then
	# Fast path: all at once; on failure, one by one so one bad package
	# does not keep the others out.
	if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		for p in "${missing[@]}"; do
			apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 || true
		done
	fi
fi

{
	for p in "${pkgs[@]}"; do
		v=$(installed_version "$p")
		if [ -n "$v" ]; then
			echo "$p installed $v"
		else
			cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
			echo "$p missing ${cand:+install-failed(candidate $cand)}${cand:-not-in-apt}"
		fi
	done
}
