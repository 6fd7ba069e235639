#!/usr/bin/env bash
# modes.sh - brig's network modes side by side, with `brig compare`: a
# container in each of none, host, bridge (the default network), a user
# network, container: (another container's namespace) and a point-to-point
# veth pair, each probed by brig from inside its namespace (the image needs
# only sleep).  One row per mode: start time, the interfaces it sees,
# whether it reaches its loopback, a peer container, the gateway, the host
# and the uplink (the host's default gateway, through NAT), the RTT and
# TCP throughput to the peer, and whose network namespace it has:
#
#   MODE       START    INTERFACES      LO   PEER GATEWAY HOST UPLINK ...
#   none       19 ms    lo              yes  no   no      no   no
#   host       17 ms    lo,br0,up0,+3   yes  yes  yes     yes  yes
#   bridge     31 ms    lo,eth0         yes  yes  yes     yes  yes
#   ...
#
#   sudo examples/modes.sh                       brig from PATH
#   sudo BRIG=./brig examples/modes.sh --format json
#
# Honours BRIG_ROOT and BRIG_RUNROOT (brig reads them itself) and IMAGE
# (default busybox); arguments go to brig compare.  It pings only the
# containers it starts, their gateways, the host and the host's default
# gateway, and removes everything it started.
set -euo pipefail

BRIG=${BRIG:-brig}
IMAGE=${IMAGE:-busybox}

die() {
	echo "modes: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v "$BRIG" >/dev/null 2>&1 || die "brig not found (set BRIG=/path/to/brig)"
"$BRIG" image inspect "$IMAGE" >/dev/null 2>&1 ||
	die "no image '$IMAGE' (brig image import FILE $IMAGE)"

exec "$BRIG" compare --image "$IMAGE" "$@"
