#!/usr/bin/env bats
# Lab tools measured from the host: brig lab pingall, brig lab perf and
# brig capture.  The probes run inside the nodes' network namespaces, so
# the images need no ping, iperf3 or tcpdump: the pingall and perf tests
# use an image without ping (noping_image), and busybox has no tcpdump.
#
# Every address pinged or sent to is one the test's lab or container got
# from brig inside the sandbox; nothing leaves it.

load helpers
load lab_helpers

setup() {
	lab_setup
}

teardown() {
	sandbox_teardown
}

# noping_tarball: the busybox image without the links of ping, ping6,
# traceroute, traceroute6 and arping (built once per run, under a lock).
noping_tarball() {
	local tar=$BATS_RUN_TMPDIR/noping.tar dir=$BATS_RUN_TMPDIR/noping
	(
		flock 9
		if [ ! -s "$tar" ]; then
			rm -rf "$dir"
			mkdir -p "$dir"
			tar -xf "$(image_tarball)" -C "$dir" --numeric-owner
			rm -f "$dir"/bin/ping "$dir"/bin/ping6 "$dir"/usr/bin/traceroute \
				"$dir"/usr/bin/traceroute6 "$dir"/usr/sbin/arping
			tar -cf "$tar.part" -C "$dir" --numeric-owner .
			mv "$tar.part" "$tar"
		fi
	) 9>"$BATS_RUN_TMPDIR/noping.lock"
	echo "$tar"
}

# router_lab IMAGE: examples/router with its nodes on IMAGE, as router.clab.yml.
router_lab() {
	sed "s/image: busybox/image: $1/" "$REPO/examples/router/router.clab.yml" >"$T/router.clab.yml"
	brig lab up "$T/router.clab.yml" >/dev/null
}

# pingall_json EXPR: python EXPR on `lab pingall router --format json` (d).
pingall_json() {
	brig lab pingall router --count 2 --format json |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# listening FILE: a capture's stderr in FILE says it is listening.
listening() {
	grep -q '^listening on ' "$1"
}

# icmp_echoes FILE: the ICMP echo lines tcpdump reads from pcap FILE.
icmp_echoes() {
	tcpdump -nr "$1" 2>/dev/null | grep -c 'ICMP echo'
}

# icmp_count_read: the ICMP echo lines the pipe's reader printed.
icmp_count_read() {
	grep -c 'ICMP echo' "$T/read"
}

@test "probe: lab pingall on the router lab, with an image that has no ping, reports every node reaching every address of every other node, and 0% dropped" {
	brig image import "$(noping_tarball)" noping >/dev/null
	router_lab noping
	run -127 brig exec clab-router-h1 ping -c 1 10.0.1.1
	run --separate-stderr brig lab pingall router
	[ "$status" -eq 0 ]
	[[ $output == *"h1 -> r1 h2"* ]]
	[[ $output == *"r1 -> h1 h2"* ]]
	[[ $output == *"h2 -> h1 r1"* ]]
	# h1 reaches h2's data address across r1
	[[ $output == *"h1               h2               10.0.2.2        eth1"* ]]
	[[ $output == *"Results: 0% dropped (42/42 received)"* ]]
	[ -z "$stderr" ]
}

@test "probe: lab pingall --format json lists every pair with its address, counts and RTT; --count sets the echoes per address" {
	brig image import "$(noping_tarball)" noping >/dev/null
	router_lab noping
	run pingall_json 'd["nodes"]'
	[ "$output" = "['h1', 'r1', 'h2']" ]
	# 3 nodes: h1 and h2 hold 2 addresses each, r1 3; each pings the others'
	run pingall_json 'len(d["pings"])'
	[ "$output" = 14 ]
	run pingall_json '(d["sent"], d["received"], d["dropped_percent"], d["errors"])'
	[ "$output" = "(28, 28, 0, {})" ]
	run pingall_json 'sorted(p["address"] for p in d["pings"] if p["from"] == "h1" and p["to"] == "r1")'
	[[ $output == *"'10.0.1.1', '10.0.2.1'"* ]]
	run pingall_json 'all(p["sent"] == 2 and p["received"] == 2 and p["loss_percent"] == 0 and 0 < p["rtt_min_ms"] <= p["rtt_avg_ms"] <= p["rtt_max_ms"] for p in d["pings"])'
	[ "$output" = True ]
}

@test "probe: lab pingall shows the loss of a node that cannot be reached, exits 0, and counts it in the summary" {
	router_lab busybox
	# h2 moves its link address out of r1's subnet: nobody reaches it
	# there, and with the address h2 lost its route to h1's side (2 + 3
	# of the 14 pairs are lost; the management network still works)
	brig exec clab-router-h2 ip addr del 10.0.2.2/24 dev eth1
	brig exec clab-router-h2 ip addr add 10.0.9.2/24 dev eth1
	run --separate-stderr brig lab pingall router --count 1
	[ "$status" -eq 0 ]
	[[ $output == *"h1 -> r1 h2(1/2)"* ]]
	[[ $output == *"h2 -> h1(1/2) r1(1/3)"* ]]
	[[ $output == *"h1               h2               10.0.9.2        eth1           1     0  100%  -"* ]]
	[[ $output == *"Results: 36% dropped (9/14 received)"* ]]
}

@test "probe: lab perf between two nodes prints a positive TCP rate in the expected form, and as JSON" {
	brig image import "$(noping_tarball)" noping >/dev/null
	router_lab noping
	run --separate-stderr brig lab perf router h1 r1 --seconds 1
	[ "$status" -eq 0 ]
	# the address of r1's end of the h1-r1 link
	[[ $output =~ ^h1\ -\>\ r1\ \(10\.0\.1\.1\):\ [0-9]+\.[0-9]{2}\ [KMG]bit/s,\ [0-9]+\ retransmits,\ rtt\ [0-9.]+\ ms$ ]]
	run --separate-stderr brig lab perf router h1 h2 --seconds 1 --format json
	[ "$status" -eq 0 ]
	run python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(d["protocol"], d["address"], d["bits_per_second"] > 0, d["bytes"] > 0, d["retransmits"] >= 0)' "$output"
	# no link between h1 and h2: h2's management address
	[[ $output == "tcp 172.20.20."*" True True True" ]]
}

@test "probe: lab perf --udp --rate sends at that rate and reports loss and jitter" {
	router_lab busybox
	run --separate-stderr brig lab perf router h2 r1 --udp --rate 20M --seconds 1 --format json
	[ "$status" -eq 0 ]
	run python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(d["protocol"], d["address"], 0 < d["bits_per_second"], d["datagrams"] > 0, d["lost"] >= 0, d["jitter_ms"] >= 0)' "$output"
	[ "$output" = "udp 10.0.2.1 True True True True" ]
	run --separate-stderr brig lab perf router h2 r1 --udp --rate 5M --seconds 1
	[ "$status" -eq 0 ]
	[[ $output =~ ^h2\ -\>\ r1\ \(10\.0\.2\.1\):\ [0-9.]+\ [KM]bit/s,\ [0-9]+/[0-9]+\ datagrams\ lost,\ jitter\ [0-9.]+\ ms\ \(UDP\)$ ]]
}

@test "probe: brig capture on a lab link while pinging writes a pcap that tcpdump reads back with the ICMP echoes; -c 4 stops after 4; the image has no tcpdump" {
	router_lab busybox
	run -127 brig exec clab-router-r1 tcpdump --version
	brig_bg "$T/capture.log" capture clab-router-r1:eth1 -w "$T/link.pcap" -c 4 icmp
	wait_for 20 listening "$T/capture.log"
	brig exec clab-router-h1 ping -c 2 -W 2 10.0.1.1 >/dev/null
	wait_for 20 not_alive "$BG_PID"
	run cat "$T/capture.log"
	[[ $output == *"listening on eth1, link-type EN10MB (Ethernet), snapshot length 262144 bytes"* ]]
	[[ $output == *"4 packets captured"* ]]
	[[ $output == *"0 packets dropped by kernel"* ]]
	run --separate-stderr tcpdump -nr "$T/link.pcap"
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[0]} == *"IP 10.0.1.2 > 10.0.1.1: ICMP echo request"* ]]
	[[ ${lines[1]} == *"IP 10.0.1.1 > 10.0.1.2: ICMP echo reply"* ]]
}

@test "probe: brig capture -w - streams pcap to stdout, a packet at a time (tcpdump -r - -c 2 sees them while the capture runs); Ctrl-C ends it with the summary" {
	router_lab busybox
	mkfifo "$T/pipe"
	(exec "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" \
		capture clab-router-h1:eth1 -w - icmp </dev/null >"$T/pipe" 2>"$T/err" 3>&-) &
	CAP=$!
	(exec tcpdump -nr - -c 2 <"$T/pipe" >"$T/read" 2>/dev/null 3>&-) &
	READER=$!
	wait_for 20 listening "$T/err"
	brig exec clab-router-r1 ping -c 1 -W 2 10.0.1.2 >/dev/null
	wait_for 20 not_alive "$READER"
	# the reader has both packets and left; the capture still runs
	alive "$CAP"
	run icmp_count_read
	[ "$output" = 2 ]
	kill -INT "$CAP"
	wait_for 20 not_alive "$CAP"
	run cat "$T/err"
	[[ $output == *"packets captured"* ]]
}

@test "probe: brig capture works on a plain container's eth0 (brig run -d), and prints a line a packet without -w" {
	brig run -d --name web busybox sleep infinity >/dev/null
	gw=$(brig exec web ip route | awk '/^default/ { print $3 }')
	[ -n "$gw" ]
	brig_bg "$T/capture.log" capture web -c 2 icmp
	wait_for 20 listening "$T/capture.log"
	brig exec web ping -c 1 -W 2 "$gw" >/dev/null
	wait_for 20 not_alive "$BG_PID"
	run grep -c "ICMP echo" "$T/capture.log"
	[ "$output" = 2 ]
	run grep "ICMP echo request" "$T/capture.log"
	[[ $output == *"> $gw: ICMP echo request, id "* ]]
}

@test "probe: bad input fails with 125 and one line, and writes no file: unknown container, lab, node or interface, a bad count, filter, rate or option" {
	router_lab busybox
	while read -r args; do
		# shellcheck disable=SC2086 # words on purpose
		run --separate-stderr brig $args
		echo "brig $args: $status $stderr"
		[ "$status" -eq 125 ]
		one_line_error
	done <<-EOF
		capture nosuch -w $T/x.pcap
		capture clab-router-r1:eth9 -w $T/x.pcap
		capture clab-router-r1:bad/name -w $T/x.pcap
		capture clab-router-r1 -c 0 -w $T/x.pcap
		capture clab-router-r1 -c many -w $T/x.pcap
		capture clab-router-r1 -w $T/x.pcap not a filter ((
		capture
		lab pingall nosuch
		lab pingall router --count 0
		lab pingall router extra
		lab perf nosuch h1 r1
		lab perf router h1 nosuch
		lab perf router h1 h1
		lab perf router h1 r1 --udp
		lab perf router h1 r1 --udp --rate 10parsecs
		lab perf router h1 r1 --seconds 0
		lab perf router h1 r1 --address 300.1.1.1
		lab perf router h1
	EOF
	[ ! -e "$T/x.pcap" ]
}
