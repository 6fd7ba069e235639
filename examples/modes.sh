#!/usr/bin/env bash
# modes.sh - the same probe in brig's network modes none, host and bridge:
# which interfaces the container has, whether it reaches the default
# network's gateway (10.88.0.1), and whether it reaches another container
# (a "peer" on the default network).  Prints one row per mode:
#
#   MODE    INTERFACES  GATEWAY  PEER
#   none    lo          no       no
#   host    lo,br0,...  yes      yes
#   bridge  lo,eth0     yes      yes
#
#   sudo examples/modes.sh               brig from PATH
#   sudo BRIG=./brig examples/modes.sh
#
# Honours BRIG_ROOT and BRIG_RUNROOT (brig reads them itself), IMAGE (default
# busybox).  Sends packets only to the gateway and the peer, both of them
# brig's own.  The peer is removed on exit.
set -euo pipefail

BRIG=${BRIG:-brig}
IMAGE=${IMAGE:-busybox}
GATEWAY=${GATEWAY:-10.88.0.1}

die() {
	echo "modes: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v "$BRIG" >/dev/null 2>&1 || die "brig not found (set BRIG=/path/to/brig)"
"$BRIG" image inspect "$IMAGE" >/dev/null 2>&1 ||
	die "no image '$IMAGE' (brig image import FILE $IMAGE)"

peer=modes-peer-$$
cleanup() {
	"$BRIG" rm -f "$peer" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The peer also sets up the default network (br0 with the gateway address).
"$BRIG" run -d --name "$peer" "$IMAGE" sleep 600 >/dev/null
peer_ip=$("$BRIG" exec "$peer" ip -4 -o addr show dev eth0 |
	awk '{ sub(/\/.*/, "", $4); print $4; exit }')
[ -n "$peer_ip" ] || die "peer $peer has no address"

# Runs inside the container: interface names, then yes/no per target.
# shellcheck disable=SC2016 # expanded by the container's shell
probe='
ifs=$(ip -o link | awk -F": " "{ sub(/@.*/, \"\", \$2); s = s (s ? \",\" : \"\") \$2 } END { print s }")
reach() { if ping -c 1 -W 1 "$1" >/dev/null 2>&1; then echo yes; else echo no; fi; }
echo "$ifs $(reach "$1") $(reach "$2")"
'

printf '%-8s %-24s %-8s %s\n' MODE INTERFACES GATEWAY PEER
for mode in none host bridge; do
	row=$("$BRIG" run --rm --net "$mode" "$IMAGE" sh -c "$probe" probe "$GATEWAY" "$peer_ip")
	read -r ifs gw pr <<<"$row"
	printf '%-8s %-24s %-8s %s\n' "$mode" "$ifs" "$gw" "$pr"
done
