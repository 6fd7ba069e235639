#!/usr/bin/env bats
# Routed labs (issue 9): traffic that router containers forward from one
# brig network onto another keeps its source address, with br_netfilter
# passing bridged frames through the inet hooks or not; traffic leaving for
# the uplink is still masqueraded.
#
#   hostA ---- lanA ---- r1 ---- net12 ---- r2 ---- lanB ---- hostB
#   .10     10.1.0.0/24  .254|.1  10.12.0.0/24  .2|.254  10.2.0.0/24  .10
#           gw 10.1.0.1           gw 10.12.0.254         gw 10.2.0.1
#
# All three networks have a gateway on the sandbox "host", so each has its
# masquerade rule (brig's inet brig postrouting chain): the rule the bug was
# in.  net12's gateway is .254 so that r1 can be .1.  The routers forward
# (ip_forward=1) and every container has static routes to the far LAN; the
# host itself never routes between brig networks (brig's forward chain
# drops that), so lab traffic between the LANs goes through r1 and r2.
#
# With net.bridge.bridge-nf-call-iptables=1, a frame r1 forwards onto net12
# is seen by the sandbox's postrouting hook with oifname br-net12.  The old
# rule, `ip saddr SUBNET oifname != BRIDGE masquerade`, rewrote its source
# to the host's net12 address when it was not from net12's own subnet; the
# rule now is `oifname != @bridges`.  The sysctl is per network namespace
# since Linux 5.3, so each test sets it inside its own sandbox only.
#
# Which check catches the old rule: NAT is decided once per connection, at
# its first pass through postrouting.  hostA's connections are first seen
# on lanA's own bridge, which the old rule already left alone, so they kept
# their source even then.  A router's packet from its second address (r2
# from 10.2.0.254, first seen on br-net12) was masqueraded; the reply, to
# the host's net12 address, was un-NAT'ed there and then dropped by brig's
# isolation between lanA and lanB.  So with the old rule and =1 the `ping
# -I` checks fail; everything passes with =0.
#
# A peer address is read from busybox httpd running a CGI that prints
# REMOTE_ADDR (peer_cgi in helpers.bash).  Packets go only to addresses the
# test created.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

BRNF=/proc/sys/net/bridge/bridge-nf-call-iptables

# brnf_per_netns: bridge-nf-call-iptables is per network namespace (Linux
# 5.3, "br_netfilter: namespace bridge netfilter sysctls"); before that it
# was global, and writing it in the sandbox would change the real host.
brnf_per_netns() {
	printf '%s\n' 5.3 "$(uname -r)" | sort -V -C
}

# bridge_nf VALUE: bridge-nf-call-iptables is VALUE in this sandbox, set
# there only; skips when that cannot be done without touching the host.
bridge_nf() {
	local host
	if ! sb test -e "$BRNF"; then
		if [ "$1" = 1 ]; then
			skip "br_netfilter is not loaded (no $BRNF); loading it would change the host"
		fi
		# Without br_netfilter bridged frames never reach the inet hooks,
		# which is what 0 means.
		return 0
	fi
	host=$(cat "$BRNF")
	if ! brnf_per_netns; then
		if [ "$host" != "$1" ]; then
			skip "bridge-nf-call-iptables is global before Linux 5.3 ($(uname -r)); the host has $host"
		fi
		return 0
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	sb sh -c 'echo "$1" >"$2"' sh "$1" "$BRNF"
	echo "bridge-nf-call-iptables: sandbox $(sb cat "$BRNF"), host $(cat "$BRNF")"
	[ "$(sb cat "$BRNF")" = "$1" ]
	[ "$(cat "$BRNF")" = "$host" ]
}

# ct NAME ARG...: a detached busybox container that sleeps.
ct() {
	local name=$1
	shift
	brig run -d --name "$name" "$@" busybox sleep 1000 >/dev/null
}

# lab: the topology above, with routes and a peer server on each host.
lab() {
	brig network create --subnet 10.1.0.0/24 lanA >/dev/null
	brig network create --subnet 10.12.0.0/24 --gateway 10.12.0.254 net12 >/dev/null
	brig network create --subnet 10.2.0.0/24 lanB >/dev/null
	local router=(--sysctl net.ipv4.ip_forward=1 --cap-add NET_ADMIN)
	ct r1 "${router[@]}" --network name=lanA,ip=10.1.0.254 --network name=net12,ip=10.12.0.1
	ct r2 "${router[@]}" --network name=net12,ip=10.12.0.2 --network name=lanB,ip=10.2.0.254
	ct hostA --cap-add NET_ADMIN --network name=lanA,ip=10.1.0.10
	ct hostB --cap-add NET_ADMIN --network name=lanB,ip=10.2.0.10
	brig exec hostA ip route add 10.2.0.0/24 via 10.1.0.254
	brig exec r1 ip route add 10.2.0.0/24 via 10.12.0.2
	brig exec r2 ip route add 10.1.0.0/24 via 10.12.0.1
	brig exec hostB ip route add 10.1.0.0/24 via 10.2.0.254
	serve_peer hostA
	serve_peer hostB
}

# routed NF: the acceptance check with bridge-nf-call-iptables = NF.
routed() {
	bridge_nf "$1"
	uplink_up
	lab

	# Each end host sees the far host's own address: not a router's, not
	# a gateway's.
	run brig exec hostA timeout 5 wget -q -O - http://10.2.0.10:8080/cgi-bin/peer
	[ "$status" -eq 0 ]
	[ "$output" = 10.1.0.10 ]
	run brig exec hostB timeout 5 wget -q -O - http://10.1.0.10:8080/cgi-bin/peer
	[ "$status" -eq 0 ]
	[ "$output" = 10.2.0.10 ]
	run brig exec hostA ping -c 1 -W 2 10.2.0.10
	[ "$status" -eq 0 ]
	run brig exec hostB ping -c 1 -W 2 10.1.0.10
	[ "$status" -eq 0 ]

	# A router's second address, which is not on the network its packets
	# first leave by.
	run brig exec r2 ping -c 1 -W 2 -I 10.2.0.254 10.1.0.10
	[ "$status" -eq 0 ]
	run brig exec r1 ping -c 1 -W 2 -I 10.1.0.254 10.2.0.10
	[ "$status" -eq 0 ]

	# The uplink still sees lanA's traffic NAT'ed to the host's address.
	run brig exec hostA timeout 5 wget -q -O - "$UPLINK_URL"
	[ "$status" -eq 0 ]
	[ "$output" = 192.0.2.1 ]
}

@test "routing: with bridge-nf-call-iptables=1, hosts behind two routers see each other's own addresses; ping -I from a router's second address; the uplink still sees NAT" {
	routed 1
}

@test "routing: with bridge-nf-call-iptables=0, hosts behind two routers see each other's own addresses; ping -I from a router's second address; the uplink still sees NAT" {
	routed 0
}
