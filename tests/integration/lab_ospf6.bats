#!/usr/bin/env bats
# The OSPFv3 lab example, examples/ospf6/ospf6.clab.yml (issue 17): three
# FRR routers in a chain running ospf6d over IPv6-only links, each
# announcing a loopback /128.  zebra adds the links' and loopbacks' v6
# addresses from the routers' configs (bound read-only from the files
# beside the topology); the topology's `sysctls` turn on v6 forwarding in
# each router's network namespace.
#
# The FRR image is built once for the file, as ospf.bats and lab_frr.bats
# do it (frr_tarball in helpers.bash: cached under /var/cache/brig-tests),
# and the file is skipped when no Debian mirror can be reached to build it.
# "Within 90 s" is the bound of the polls that wait for OSPFv3 to converge
# (FRR's default timers, point-to-point links): a hang guard, not a
# measurement.  Packets go only to addresses the example gives its routers.

load helpers
load lab_helpers

# bats 1.8 cannot skip from setup_file, so a reason to skip goes to setup
# in FRR_SKIP.
setup_file() {
	frr_setup_file
}

setup() {
	frr_setup
}

teardown() {
	sandbox_teardown
}

# full_neighbours NODE: the router ids of NODE's OSPFv3 neighbours in
# state Full, sorted, on one line.  FRR prints "Neighbor ID, Pri,
# DeadTime, State/IfState, ...".
full_neighbours() {
	brig exec "clab-ospf6-$1" vtysh -c 'show ipv6 ospf6 neighbor' |
		awk '$4 ~ /^Full\// { print $1 }' | sort | paste -sd ' '
}

# neighbours_are NODE IDS: NODE's Full neighbours are exactly IDS.
neighbours_are() {
	[ "$(full_neighbours "$1")" = "$2" ]
}

# ospf6_routes NODE: the prefixes of NODE's OSPFv3 routes that zebra
# installed (lines "O>* PREFIX ..."), sorted, on one line.
ospf6_routes() {
	brig exec "clab-ospf6-$1" vtysh -c 'show ipv6 route ospf6' |
		awk '$1 ~ /^O>/ { print $2 }' | sort | paste -sd ' '
}

# learns NODE PREFIX: OSPFv3 gave NODE an installed route to PREFIX.
learns() {
	[[ " $(ospf6_routes "$1") " == *" $2 "* ]]
}

# pings6 NODE ADDR: one ICMPv6 echo from router NODE to ADDR is answered.
pings6() {
	brig exec "clab-ospf6-$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1
}

# link_v4 NODE IF: the IPv4 addresses on NODE's IF (none on a v6-only link).
link_v4() {
	brig exec "clab-ospf6-$1" ip -4 -o addr show dev "$2"
}

@test "lab ospf6: examples/ospf6 comes up, OSPFv3 over v6-only links converges within 90 s, r1 pings r3's loopback over v6; lab down leaves nothing" {
	warm_up
	host_state "$T/before"
	run --separate-stderr brig lab up "$REPO/examples/ospf6/ospf6.clab.yml"
	[ "$status" -eq 0 ]
	# the links carry no IPv4 at all
	run link_v4 r1 eth1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run link_v4 r2 eth2
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the topology's sysctl reached the router's own netns
	run brig exec clab-ospf6-r2 cat /proc/sys/net/ipv6/conf/all/forwarding
	[ "$output" = 1 ]

	# r2 becomes adjacent to both ends, each end to r2
	wait_for 90 neighbours_are r2 "1.1.1.1 3.3.3.3"
	wait_for 30 neighbours_are r1 2.2.2.2
	wait_for 30 neighbours_are r3 2.2.2.2
	# each end learns the far loopback and the far link through r2
	wait_for 30 learns r1 2001:db8:ff::3/128
	wait_for 30 learns r3 2001:db8:ff::1/128
	run ospf6_routes r1
	[ "$output" = "2001:db8:23::/64 2001:db8:ff::2/128 2001:db8:ff::3/128" ]
	run brig exec clab-ospf6-r1 ip -6 route show 2001:db8:ff::3
	[[ $output == *" via fe80::"*" dev eth1 proto ospf "* ]]
	# and the far loopback answers over v6, forwarded by r2
	wait_for 30 pings6 r1 2001:db8:ff::3
	run brig exec clab-ospf6-r3 ping -6 -c 1 -W 2 -I 2001:db8:ff::3 2001:db8:ff::1
	[ "$status" -eq 0 ]

	remember_ids
	run --separate-stderr brig lab down ospf6
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}
