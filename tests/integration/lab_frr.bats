#!/usr/bin/env bats
# The FRR lab example, examples/frr-ospf/frr-ospf.clab.yml: three FRR
# routers in a triangle running OSPF, a busybox host behind each.  The
# routers' configs are bound read-only from the files beside the topology.
#
# The FRR image is built once for the file, as ospf.bats does it
# (frr_tarball in helpers.bash: cached under /var/cache/brig-tests), and
# the file is skipped when no Debian mirror can be reached to build it.
# "Within 90 s" is the bound of the poll that waits for OSPF to converge
# (FRR's default timers, point-to-point links): a hang guard, not a
# measurement.  Packets go only to addresses the topology gives its nodes.

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

# full_neighbours NODE: the router ids of NODE's OSPF neighbours in state
# Full, sorted, on one line.
full_neighbours() {
	brig exec "clab-frr-ospf-$1" vtysh -c 'show ip ospf neighbor' |
		awk '$3 ~ /^Full/ { print $1 }' | sort | paste -sd ' '
}

r1_adjacent_to_both() {
	[ "$(full_neighbours r1)" = "2.2.2.2 3.3.3.3" ]
}

@test "lab frr: examples/frr-ospf comes up, OSPF converges and h1 pings h3 (192.168.3.2) within 90 s; lab down leaves nothing" {
	warm_up
	host_state "$T/before"
	run --separate-stderr brig lab up "$REPO/examples/frr-ospf/frr-ospf.clab.yml"
	[ "$status" -eq 0 ]
	# the config each router runs is the file bound from the example's dir
	run brig exec clab-frr-ospf-r1 cat /etc/frr/frr.conf
	[ "$output" = "$(cat "$REPO/examples/frr-ospf/r1.conf")" ]

	# each router learns each LAN on its own schedule: every path is polled
	wait_for 90 pings clab-frr-ospf-h1 192.168.3.2
	wait_for 60 pings clab-frr-ospf-h3 192.168.1.2
	wait_for 60 pings clab-frr-ospf-h2 192.168.3.2
	# each router becomes adjacent to the other two
	wait_for 60 r1_adjacent_to_both
	run brig exec clab-frr-ospf-r1 ip route show 192.168.3.0/24
	[[ $output == *" proto ospf "* ]]

	remember_ids
	run --separate-stderr brig lab down frr-ospf
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}
