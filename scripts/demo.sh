#!/usr/bin/env bash
# demo.sh - `make demo`: build the busybox image, import it as `busybox` and
# run a first container.  Uses brig's default roots (/var/lib/brig, /run/brig).
set -euo pipefail

cd "$(dirname "$0")/.."
BRIG=${BRIG:-./brig}

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: brig needs root to create namespaces and mounts; run: sudo make demo" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "==> building the busybox image from $(command -v busybox || echo /bin/busybox)"
./scripts/mkimage-busybox.sh "$tmp/busybox.tar.gz"

# Importing an existing name again replaces it atomically.
echo "==> $BRIG image import busybox.tar.gz busybox"
"$BRIG" image import "$tmp/busybox.tar.gz" busybox
"$BRIG" image ls

echo "==> $BRIG run --rm --net none busybox sh -c '...'"
# shellcheck disable=SC2016 # expanded by the container's shell, not here
"$BRIG" run --rm --net none busybox sh -c \
	'echo "hello from $(hostname), pid $$, as $(id -un)"; echo "processes:"; ps; echo "interfaces:"; ip -o addr'

cat <<'NEXT'

That was a container: its own pid 1, hostname, mounts and network namespace.
Next steps:
  ./brig run --name first --net none busybox sh -c 'echo hi > /tmp/x; cat /tmp/x'
  ./brig ps -a                      # the exited container is kept
  ./brig rm first
  ./brig run --rm --net host busybox ip -o link    # share the host's network
  ./brig run --rm busybox ip -o addr                # default: bridge network br0, NAT
  ./brig --help
NEXT
