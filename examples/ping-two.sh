#!/usr/bin/env bash
# ping-two.sh - two containers on brig's default network ping each other by
# name.
#
#   sudo examples/ping-two.sh            brig from PATH
#   sudo BRIG=./brig examples/ping-two.sh
#
# Honours BRIG_ROOT and BRIG_RUNROOT (brig reads them itself), IMAGE (default
# busybox; import one with `brig image import busybox.tar busybox`, see
# scripts/mkimage-busybox.sh).  Both containers are removed on exit.
set -euo pipefail

BRIG=${BRIG:-brig}
IMAGE=${IMAGE:-busybox}

die() {
	echo "ping-two: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v "$BRIG" >/dev/null 2>&1 || die "brig not found (set BRIG=/path/to/brig)"
"$BRIG" image inspect "$IMAGE" >/dev/null 2>&1 ||
	die "no image '$IMAGE' (brig image import FILE $IMAGE)"

a=ping-a-$$
b=ping-b-$$
cleanup() {
	"$BRIG" rm -f "$a" "$b" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$BRIG" run -d --name "$a" "$IMAGE" sleep 600 >/dev/null
"$BRIG" run -d --name "$b" "$IMAGE" sleep 600 >/dev/null

echo "== $a -> $b"
"$BRIG" exec "$a" ping -c 1 -W 2 "$b"
echo "== $b -> $a"
"$BRIG" exec "$b" ping -c 1 -W 2 "$a"
echo "ok: $a and $b ping each other by name"
