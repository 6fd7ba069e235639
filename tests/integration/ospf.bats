#!/usr/bin/env bats
# An OSPF lab with real FRR (issue 9): three FRR routers in a row, a host at
# each end, four networks.
#
#   hostA ── lanA ── r1 ── net12 ── r2 ── net23 ── r3 ── lanB ── hostB
#    .10   10.1.0/24  .1  .1 10.2.0/24 .2 .2 10.3.0/24 .3 .1 10.4.0/24  .10
#
# Every network is `--no-gateway`: a pure layer-2 segment whose bridge has
# no address, so the sandbox "host" never routes between them and no
# container gets a default route through one.  The only way from lanA to
# lanB is through the routers, and the routers learn it only from OSPF.
# Each host gets a default route via its router (ip route add, with
# NET_ADMIN); nothing deletes a default route.
#
# The routers run Debian's FRR (zebra, staticd, ospfd) from the image
# scripts/mkimage-frr.sh builds; setup_file builds it when the cache has
# none for this version of the script (frr_tarball in helpers.bash), and
# skips the file when no Debian mirror can be reached.  Their configs are
# examples/ospf/r[123].conf: FRR's default ("traditional") timers, hello
# 10 s and dead 40 s; point-to-point links between routers and passive LAN
# interfaces.  (On broadcast links every router first waits out the dead
# interval before electing a designated router, which alone takes 40 s.)
#
# "Within 60 s of FRR start" is the bound of the poll that waits for hostA
# to reach hostB, counted from the start of the first router: a hang guard
# the issue states, not a measurement.  Packets go only to addresses the
# test created.

load helpers
load lab_helpers

# The image is built once for the file.  bats 1.8 cannot skip from
# setup_file, so a reason to skip goes to setup in FRR_SKIP.
setup_file() {
	frr_setup_file
}

setup() {
	frr_setup
}

teardown() {
	sandbox_teardown
}

CONF=$REPO/examples/ospf

# net NAME N: the layer-2 network NAME, 10.N.0.0/24.
net() {
	brig network create --subnet "10.$2.0.0/24" --no-gateway "$1" >/dev/null
}

# host NAME NET ADDR ROUTER: a busybox host on NET at ADDR whose default
# route goes via ROUTER.
host() {
	brig run -d --name "$1" --cap-add NET_ADMIN --network "name=$2,ip=$3" \
		busybox sleep 1000 >/dev/null
	brig exec "$1" ip route add default via "$4"
}

# router NAME NET ADDR NET ADDR: an FRR router running examples/ospf/NAME.conf;
# its first network is eth0, the second eth1.  The capabilities are the
# ones zebra and ospfd ask for at start (they refuse to start without
# them): NET_ADMIN, NET_RAW, SYS_ADMIN, and NET_BIND_SERVICE (a default).
router() {
	brig run -d --name "$1" --sysctl net.ipv4.ip_forward=1 \
		--cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN \
		--network "name=$2,ip=$3" --network "name=$4,ip=$5" \
		frr frr-start "$(cat "$CONF/$1.conf")" >/dev/null
}

# default_routes CT: CT's default routes, one a line (busybox's `ip route
# show` has no selectors).
default_routes() {
	brig exec "$1" ip route | awk '$1 == "default" { $1 = $1; print }'
}

# pings FROM ADDR: one echo request from container FROM to ADDR is
# answered (busybox ping waits out -W 1 when it is not, which paces polls).
pings() {
	brig exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1
}

# full_neighbours ROUTER: the router ids of ROUTER's OSPF neighbours in
# state Full, sorted, on one line.
full_neighbours() {
	brig exec "$1" vtysh -c 'show ip ospf neighbor' |
		awk '$3 ~ /^Full/ { print $1 }' | sort | paste -sd ' '
}

# hops FROM ADDR: the addresses traceroute from FROM to ADDR passes, on one
# line.
hops() {
	brig exec "$1" traceroute -n -q 1 -w 2 "$2" | awk 'NR > 1 { print $2 }' | paste -sd ' '
}

@test "ospf: three FRR routers on --no-gateway networks converge with default timers; hostA pings hostB within 60 s of FRR start" {
	net lanA 1
	net net12 2
	net net23 3
	net lanB 4
	host hostA lanA 10.1.0.10 10.1.0.1
	host hostB lanB 10.4.0.10 10.4.0.1
	# A host's one default route is the one it was given.
	run default_routes hostA
	[ "$status" -eq 0 ]
	[ "$output" = "default via 10.1.0.1 dev eth0" ]
	run default_routes hostB
	[ "$status" -eq 0 ]
	[ "$output" = "default via 10.4.0.1 dev eth0" ]

	local start=$SECONDS
	router r1 lanA 10.1.0.1 net12 10.2.0.1
	router r2 net12 10.2.0.2 net23 10.3.0.2
	router r3 net23 10.3.0.3 lanB 10.4.0.1

	# No router has a default route: a --no-gateway network gives none.
	local r
	for r in r1 r2 r3; do
		run default_routes "$r"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done

	wait_for $((60 - (SECONDS - start))) pings hostA 10.4.0.10
	echo "hostA reached hostB $((SECONDS - start)) s after FRR start"
	run pings hostB 10.1.0.10
	[ "$status" -eq 0 ]

	# r2 is adjacent to both others; r1 and r3 to r2.
	run full_neighbours r2
	[ "$status" -eq 0 ]
	[ "$output" = "1.1.1.1 3.3.3.3" ]
	run full_neighbours r1
	[ "$output" = 2.2.2.2 ]
	run full_neighbours r3
	[ "$output" = 2.2.2.2 ]
	# zebra put the OSPF routes into the kernel.
	run brig exec r1 ip route show 10.4.0.0/24
	[ "$status" -eq 0 ]
	[[ $output == "10.4.0.0/24 "*" via 10.2.0.2 dev eth1 proto ospf "* ]]
	run brig exec r3 ip route show 10.1.0.0/24
	[ "$status" -eq 0 ]
	[[ $output == "10.1.0.0/24 "*" via 10.3.0.2 dev eth0 proto ospf "* ]]

	# The path is r1, r2, r3, and hostB sees hostA's own address.
	run hops hostA 10.4.0.10
	[ "$status" -eq 0 ]
	[ "$output" = "10.1.0.1 10.2.0.2 10.3.0.3 10.4.0.10" ]
	serve_peer hostB
	run brig exec hostA timeout 5 wget -q -O - http://10.4.0.10:8080/cgi-bin/peer
	[ "$status" -eq 0 ]
	[ "$output" = 10.1.0.10 ]
}

@test "examples/ospf.sh: the lab converges, hostA traces and pings hostB, and nothing is left" {
	run sb env BRIG="$BRIG_BIN" BRIG_ROOT="$ROOT" BRIG_RUNROOT="$RUNROOT" \
		bash "$REPO/examples/ospf.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"converged: "* ]]
	[[ $output == *" 0% packet loss"* ]]
	[[ $output == *"ok: hostA and hostB talk through r1, r2 and r3"* ]]
	run brig ps -a -q
	[ -z "$output" ]
	run brig network ls --format json
	[ "$status" -eq 0 ]
	[[ $output != *ospf-* ]]
}
