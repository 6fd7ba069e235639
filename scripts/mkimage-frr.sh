#!/usr/bin/env bash
# mkimage-frr.sh OUT.tar - build a router image for brig labs: a Debian 12
# (bookworm) root filesystem made by mmdebstrap, with Debian's frr package,
# iproute2, ping and procps, and a small entry point, frr-start.
#
# The packages come from the host's own apt sources (the files under
# /etc/apt that name the suite), so a machine behind a local mirror or
# proxy builds from the same place apt-get does; with no such file,
# mmdebstrap's default mirror is used.  Documentation, man pages, locales
# and apt's package lists are left out of the image.
#
# Exit status: 0 built, 3 no Debian mirror could be reached (apt could not
# fetch the package lists), 1 any other failure, 2 usage.
#
# In the image, `frr-start [CONFIG]` is meant to be the container's
# command: it writes CONFIG (the text of an frr.conf) to /etc/frr/frr.conf,
# starts zebra, staticd and the daemon of every `router ...` section of the
# config, loads the config into them with `vtysh -b`, and then waits; it
# exits at once on SIGTERM (brig stop).  Daemons log to
# /var/log/frr/DAEMON.log.
set -euo pipefail

SUITE=bookworm

die() {
	echo "mkimage-frr: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 OUT.tar" >&2
	exit 2
}

[ "$#" -eq 1 ] || usage
out=$1
case "$out" in
*.tar) ;;
*) usage ;;
esac
[ "$(id -u)" -eq 0 ] || die "must run as root (mmdebstrap builds the tree as root)"
command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing (apt-get install mmdebstrap)"

# The host's apt sources for $SUITE: every enabled sources file with an
# uncommented line naming the suite (bookworm, bookworm-updates, ...).
# mmdebstrap pastes each into the image's apt configuration, deb822 or not.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] || continue
	if grep -v '^[[:space:]]*#' "$f" | grep -Eq "(^|[[:space:]])$SUITE(-[a-z]+)?([[:space:]]|\$)"; then
		sources+=("$f")
	fi
done

tmp=$(mktemp -d)
partial=
trap 'rm -rf "$tmp"; if [ -n "$partial" ]; then rm -f "$partial"; fi' EXIT

cat >"$tmp/frr-start" <<'ENTRY'
#!/bin/sh
# frr-start [CONFIG] - run FRR as a container's command (mkimage-frr.sh).
# CONFIG, the text of an frr.conf, replaces /etc/frr/frr.conf.  The daemons
# are zebra, staticd and one per `router PROTO` section (ospfd, bgpd, ...),
# or zebra, staticd and $FRR_DAEMONS when that is set.
set -eu
if [ "$#" -gt 0 ]; then
	printf '%s\n' "$1" >/etc/frr/frr.conf
fi
# Pid files and vty sockets live in /run/frr, which no package creates.
mkdir -p /run/frr /var/log/frr
chown frr:frr /run/frr /var/log/frr
daemons=${FRR_DAEMONS:-$(sed -n 's/^router \([a-z0-9]*\).*/\1d/p' /etc/frr/frr.conf | sort -u)}
for d in $daemons; do
	if [ ! -x "/usr/lib/frr/$d" ]; then
		echo "frr-start: no FRR daemon $d" >&2
		exit 1
	fi
done
daemons="zebra staticd $daemons"
# -d: a daemon forks, and the parent returns only once the child serves its
# vty, so `vtysh -b` below reaches every daemon.  -F traditional: FRR's
# standard protocol timers.
for d in $daemons; do
	"/usr/lib/frr/$d" -d -F traditional -A 127.0.0.1 --log "file:/var/log/frr/$d.log"
done
# Load the integrated config into the daemons; a config error stops here.
vtysh -b
echo "frr-start: running $daemons"
# Stay in the foreground as the container's process; brig stop (SIGTERM)
# ends the container at once.
trap 'exit 0' TERM INT
sleep infinity &
wait
ENTRY

# vtysh -b reads the one integrated file, /etc/frr/frr.conf.
cat >"$tmp/vtysh.conf" <<'VTYSH'
service integrated-vtysh-config
VTYSH

excludes=(
	'/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*' '/usr/share/locale/*'
	'/usr/share/lintian/*' '/usr/share/bash-completion/*'
)
dpkg_opts=()
for p in "${excludes[@]}"; do
	dpkg_opts+=(--dpkgopt="path-exclude=$p")
done
# Licences stay.
dpkg_opts+=(--dpkgopt='path-include=/usr/share/doc/*/copyright')

# mmdebstrap hands apt a descriptor for its hooks, which dash runs as
# `cat >&N`; dash only understands N < 10, so a caller with many open
# descriptors (bats has several) breaks the build.  Only 0, 1 and 2 go on
# (255 is bash's own handle on this script).
for fd in /proc/self/fd/*; do
	fd=${fd##*/}
	if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then
		eval "exec $fd>&-"
	fi
done

# Write next to the destination, then rename: never a half-written image.
outdir=$(dirname "$out")
mkdir -p "$outdir"
partial=$(mktemp "$outdir/.mkimage-frr.XXXXXX")
# Its own mount namespace: the mounts mmdebstrap makes in the tree (/proc,
# /sys, /dev) can never be left behind on the host.  Its output is copied
# to a log, read below when it fails.
# The merged-usr hook makes /bin, /lib, ... links into /usr itself, so
# the usrmerge package (and the whole of perl, which it needs) stays out.
rc=0
# shellcheck disable=SC2016 # $1 is expanded by mmdebstrap's hook shell
unshare --mount --propagation private -- \
	mmdebstrap --variant=apt --format=tar \
	--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
	--include=frr,iproute2,iputils-ping,procps \
	"${dpkg_opts[@]}" \
	--customize-hook="copy-in $tmp/frr-start /usr/local/sbin" \
	--customize-hook="copy-in $tmp/vtysh.conf /etc/frr" \
	--customize-hook='chmod 0755 "$1/usr/local/sbin/frr-start"' \
	--customize-hook='echo brig-frr >"$1/etc/hostname"' \
	"$SUITE" "$partial" "${sources[@]}" 2>&1 | tee "$tmp/log" >&2 || rc=$?
if [ "$rc" -ne 0 ]; then
	# mmdebstrap's first step is apt-get update: when that is what failed,
	# no mirror answered.
	if grep -q 'apt-get update.* failed' "$tmp/log"; then
		echo "mkimage-frr: no Debian mirror reachable (apt-get update failed)" >&2
		exit 3
	fi
	echo "mkimage-frr: mmdebstrap failed (exit $rc)" >&2
	exit 1
fi
chmod 0644 "$partial"
mv -f "$partial" "$out"
partial=
