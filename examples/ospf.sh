#!/usr/bin/env bash
# ospf.sh - three FRR routers in a row learn each other's networks by OSPF,
# and the two hosts at the ends ping each other through them.
#
#   hostA ── lanA ── r1 ── net12 ── r2 ── net23 ── r3 ── lanB ── hostB
#    .10   10.1.0/24  .1  .1 10.2.0/24 .2 .2 10.3.0/24 .3 .1 10.4.0/24  .10
#
# Every network is `--no-gateway`: a pure layer-2 segment, so the host
# never routes between them and nobody gets a default route through it.
# The routers' only way across is what OSPF teaches them; each host's only
# route off its LAN is a default route via its router, added at start.
# The router configs are examples/ospf/r[123].conf: default OSPF timers,
# point-to-point links between routers, passive interfaces on the LANs.
#
#   sudo examples/ospf.sh                 brig from PATH
#   sudo BRIG=./brig KEEP=1 examples/ospf.sh    leave the lab running
#
# Needs two images: IMAGE (default frr, from scripts/mkimage-frr.sh) and
# HOST_IMAGE (default busybox, from scripts/mkimage-busybox.sh), imported
# with `brig image import FILE NAME`.  Honours BRIG_ROOT and BRIG_RUNROOT
# (brig reads them itself).  Names are prefixed with LAB (default ospf).
# Without KEEP=1 everything is removed on exit.
set -euo pipefail

BRIG=${BRIG:-brig}
IMAGE=${IMAGE:-frr}
HOST_IMAGE=${HOST_IMAGE:-busybox}
LAB=${LAB:-ospf}
KEEP=${KEEP:-0}
# How long the hosts may wait for OSPF, from the start of the routers.
TIMEOUT=${TIMEOUT:-60}
CONF=$(cd "$(dirname "$0")" && pwd)/ospf

die() {
	echo "ospf: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v "$BRIG" >/dev/null 2>&1 || die "brig not found (set BRIG=/path/to/brig)"
for image in "$IMAGE" "$HOST_IMAGE"; do
	"$BRIG" image inspect "$image" >/dev/null 2>&1 ||
		die "no image '$image' (brig image import FILE $image)"
done

NETS=(lanA net12 net23 lanB)
NODES=(hostA hostB r1 r2 r3)

cleanup() {
	local n
	[ "$KEEP" = 1 ] && return 0
	for n in "${NODES[@]}"; do
		"$BRIG" rm -f "$LAB-$n" >/dev/null 2>&1 || true
	done
	for n in "${NETS[@]}"; do
		"$BRIG" network rm "$LAB-$n" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT

# net NAME N: network LAB-NAME, 10.N.0.0/24, layer 2 only.
net() {
	"$BRIG" network create --subnet "10.$2.0.0/24" --no-gateway "$LAB-$1" >/dev/null
}

# host NAME NET ADDR ROUTER: a busybox host with one address and a default
# route via its router (NET_ADMIN lets it add that route itself).
host() {
	"$BRIG" run -d --name "$LAB-$1" --hostname "$1" --cap-add NET_ADMIN \
		--network "name=$LAB-$2,ip=$3" "$HOST_IMAGE" sleep infinity >/dev/null
	"$BRIG" exec "$LAB-$1" ip route add default via "$4"
}

# router NAME NET ADDR NET ADDR: an FRR router; its first network is eth0,
# the second eth1, as its config expects.  zebra and ospfd need NET_ADMIN
# (routes, interfaces), NET_RAW (OSPF is IP protocol 89) and SYS_ADMIN
# (FRR asks for it to switch network namespaces, and refuses to start
# without it); NET_BIND_SERVICE is in brig's default set.
router() {
	"$BRIG" run -d --name "$LAB-$1" --hostname "$1" \
		--sysctl net.ipv4.ip_forward=1 \
		--cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN \
		--network "name=$LAB-$2,ip=$3" --network "name=$LAB-$4,ip=$5" \
		"$IMAGE" frr-start "$(cat "$CONF/$1.conf")" >/dev/null
}

net lanA 1
net net12 2
net net23 3
net lanB 4
host hostA lanA 10.1.0.10 10.1.0.1
host hostB lanB 10.4.0.10 10.4.0.1

start=$SECONDS
router r1 lanA 10.1.0.1 net12 10.2.0.1
router r2 net12 10.2.0.2 net23 10.3.0.2
router r3 net23 10.3.0.3 lanB 10.4.0.1

echo "== waiting for hostA (10.1.0.10) to reach hostB (10.4.0.10)"
# busybox ping waits out -W 1 when there is no reply, which paces the loop.
until "$BRIG" exec "$LAB-hostA" ping -c 1 -W 1 10.4.0.10 >/dev/null 2>&1; do
	[ $((SECONDS - start)) -lt "$TIMEOUT" ] ||
		die "hostA does not reach hostB ${TIMEOUT}s after the routers started"
done
echo "converged: $((SECONDS - start))s after the routers started"

echo "== r2: show ip ospf neighbor"
"$BRIG" exec "$LAB-r2" vtysh -c 'show ip ospf neighbor'
echo "== r1: ip route"
"$BRIG" exec "$LAB-r1" ip route
echo "== hostA: traceroute 10.4.0.10"
"$BRIG" exec "$LAB-hostA" traceroute -n -q 1 -w 1 10.4.0.10
echo "== hostA: ping 10.4.0.10"
"$BRIG" exec "$LAB-hostA" ping -c 2 -W 2 10.4.0.10
echo "ok: hostA and hostB talk through r1, r2 and r3"
if [ "$KEEP" = 1 ]; then
	echo "left running: ${NODES[*]/#/$LAB-}; networks ${NETS[*]/#/$LAB-}"
fi
