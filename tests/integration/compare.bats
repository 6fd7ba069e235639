#!/usr/bin/env bats
# brig compare: a container in each network mode (none, host, bridge, a
# user network, container:, a point-to-point pair), probed from the host
# inside each namespace.  The rows must differ where the modes differ.
#
# The sandbox's uplink is the test's own namespace (uplink_up in
# helpers.bash: the sandbox is 192.0.2.1, its default gateway 192.0.2.2);
# compare pings only that, the containers it starts and their gateways.

load helpers

setup() {
	sandbox_setup
	import_busybox
	T=$BATS_TEST_TMPDIR
}

teardown() {
	sandbox_teardown
}

# compare_json: run `brig compare --format json` once into $T/compare.json.
compare_json() {
	brig compare --format json >"$T/compare.json"
}

# row MODE EXPR: python EXPR on the row (r) of MODE in $T/compare.json.
row() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = [m for m in d["modes"] if m["mode"] == sys.argv[2]][0]
print(eval(sys.argv[3]))' "$T/compare.json" "$1" "$2"
}

# reach MODE: the targets MODE reached, space-separated, in table order.
reach() {
	row "$1" '" ".join(t for t in ("loopback", "peer", "gateway", "host", "uplink") if r["reach"][t]["reachable"])'
}

# nothing_left: no container, no network but the default one, no bridge
# of the comparison's network in the sandbox.
nothing_left() {
	[ -z "$(brig ps -aq)" ]
	[ -z "$(brig network ls | tail -n +2 | awk '$1 != "bridge"')" ]
	! sb ip -o link show | grep -q brcmp || false
}

@test "compare: a row per mode, and they differ where the modes do" {
	uplink_up
	compare_json
	[ "$(python3 -c 'import json,sys; print(" ".join(m["mode"] for m in json.load(open(sys.argv[1]))["modes"]))' "$T/compare.json")" = "none host bridge network container p2p" ]
	[ "$(row none 'r["error"]')" = None ]
	[ "$(row p2p 'r["error"]')" = None ]
	# none: its loopback and nothing else
	[ "$(row none '",".join(r["interfaces"])')" = lo ]
	[ "$(reach none)" = loopback ]
	# host: the host's own interfaces and namespace
	[ "$(row host '"up0" in r["interfaces"] and "br0" in r["interfaces"]')" = True ]
	[ "$(row host 'r["netns"]')" = "host's" ]
	[ "$(reach host)" = "loopback peer gateway host uplink" ]
	# bridge and a user network: eth0, everything, the uplink through NAT
	[ "$(row bridge '",".join(r["interfaces"])')" = lo,eth0 ]
	[ "$(row bridge 'r["netns"]')" = own ]
	[ "$(reach bridge)" = "loopback peer gateway host uplink" ]
	[ "$(reach network)" = "loopback peer gateway host uplink" ]
	[ "$(row network 'r["reach"]["gateway"]["address"] != "10.88.0.1"')" = True ]
	# container: the peer's namespace
	[ "$(row container 'r["netns"]')" = "peer's" ]
	[ "$(reach container)" = "loopback peer gateway host uplink" ]
	# p2p: the pair's other end and nothing beyond it
	[ "$(row p2p 'r["reach"]["peer"]["address"]')" = 169.254.0.2 ]
	[ "$(reach p2p)" = "loopback peer" ]
	[ "$(row p2p '",".join(r["interfaces"])')" = lo,eth0 ]
	# throughput where the peer answered, none where it did not
	[ "$(row bridge 'r["throughput_bits_per_second"] > 0')" = True ]
	[ "$(row p2p 'r["throughput_bits_per_second"] > 0')" = True ]
	[ "$(row none 'r["throughput_bits_per_second"]')" = 0.0 ]
	nothing_left
}

@test "compare: the bridge row reaches the uplink only through NAT" {
	uplink_up
	# the uplink has no route back to the containers' networks
	run sb nsenter --target "$UPLINK_PID" --net ip -4 route show
	[ "$status" -eq 0 ]
	[[ $output != *10.8* ]]
	compare_json
	[ "$(row bridge 'r["reach"]["uplink"]["address"]')" = 192.0.2.2 ]
	[ "$(row bridge 'r["reach"]["uplink"]["reachable"]')" = True ]
	[ "$(row bridge 'r["reach"]["host"]["address"]')" = 192.0.2.1 ]
	nothing_left
}

@test "compare: the table has a row per mode; without an uplink its columns say -" {
	run --separate-stderr brig compare --seconds 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | head -1 | awk '{ print $1, $2, $3 }')" = "MODE START INTERFACES" ]
	[ "$(printf '%s\n' "$output" | sed -n 2,7p | awk '{ print $1 }' | paste -sd ' ')" = "none host bridge network container p2p" ]
	# none: lo only, loopback yes, peer and gateway no, host and uplink -
	[ "$(printf '%s\n' "$output" | awk '$1 == "none" { print $4, $5, $6, $7, $8, $9 }')" = "lo yes no no - -" ]
	[ "$(printf '%s\n' "$output" | awk '$1 == "container" { print $NF }')" = "peer's" ]
	[[ $output == *"host, uplink: - (the host has no default route)."* ]]
	nothing_left
}

@test "compare: bad input fails with 125 and one line, and starts nothing" {
	run --separate-stderr brig compare --image nosuch
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"no image 'nosuch'"* ]]
	run --separate-stderr brig compare --uplink 10.0.0
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"invalid IPv4 address '10.0.0'"* ]]
	run --separate-stderr brig compare --seconds 0
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig compare extra
	[ "$status" -eq 125 ]
	one_line_error
	nothing_left
}
