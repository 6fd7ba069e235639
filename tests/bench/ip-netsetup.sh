#!/usr/bin/env bash
# ip-netsetup.sh NS BRIDGE ADDR/PREFIX GATEWAY - the tutorial way to give a
# namespace a network: ip netns add, a veth pair, one end on the bridge, the
# other in the namespace as eth0 with an address, up, default route.
set -euo pipefail
ns=$1 br=$2 addr=$3 gw=$4
host=v${ns:0:12}
ip netns add "$ns"
ip link add "$host" type veth peer name eth0 netns "$ns"
ip link set "$host" master "$br" up
ip -n "$ns" addr add "$addr" dev eth0
ip -n "$ns" link set eth0 up
ip -n "$ns" link set lo up
ip -n "$ns" route add default via "$gw"
