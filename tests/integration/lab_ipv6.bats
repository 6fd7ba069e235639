#!/usr/bin/env bats
# IPv6 in labs (issue 17, item 5): containerlab's `ipv6` endpoint key
# configured on the link's interfaces, the management network dual stack
# (mgmt.ipv6-subnet, containerlab's 3fff:172:20:20::/64 by default when
# BRIG_DEFAULT_IPV6=1, a node's mgmt-ipv6), lab inspect with the v6 addresses, pingall, perf and
# capture over v6, malformed v6 input refused in one line.
#
# Each test writes its topology into its own temp dir and deploys it in its
# own sandbox (helpers.bash): every address here is one the test's file
# gave a node or brig leased it on the lab's own management network, so no
# packet leaves the sandbox.

load helpers
load lab_helpers

setup() {
	lab_setup
}

teardown() {
	sandbox_teardown
}

# v6pair: a -- b over one link with v4 and v6 addresses on both ends, the
# v6 ones in both spellings containerlab takes (brief ipv6: list on the
# first link, endpoint maps on the second), and a's fixed management v6.
v6pair() {
	topo v6pair <<-'EOF'
		name: v6pair
		mgmt:
		  ipv6-subnet: "fd00:cafe::/64"
		topology:
		  defaults:
		    kind: linux
		    image: busybox
		    cmd: sleep infinity
		  nodes:
		    a:
		      mgmt-ipv6: "fd00:cafe::a"
		    b: {}
		  links:
		    - endpoints: ["a:eth1", "b:eth1"]
		      ipv4: ["10.61.0.1/30", "10.61.0.2/30"]
		      ipv6: ["2001:db8:61::1/64", "2001:db8:61::2/64"]
		    - type: veth
		      endpoints:
		        - {node: a, interface: eth2, ipv6: "2001:db8:62:beef::1/64"}
		        - {node: b, interface: eth2, ipv6: "2001:db8:62:beef::2/64"}
	EOF
	brig lab up "$T/v6pair.clab.yml" >/dev/null
}

# inspect_json EXPR: python EXPR on `lab inspect v6pair --format json` (d).
inspect_json() {
	brig lab inspect v6pair --format json |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# pingall_json EXPR: python EXPR on `lab pingall v6pair --format json` (d).
pingall_json() {
	brig lab pingall v6pair --count 2 --format json |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# listening FILE: a capture's output in FILE says it is listening.
listening() {
	grep -q 'listening on ' "$1"
}

@test "lab ipv6: endpoint ipv6 addresses (brief and extended forms) are on the link interfaces without DAD, and the nodes ping each other across both links over v6" {
	v6pair
	run brig exec clab-v6pair-a ip -6 addr show dev eth1
	[ "$status" -eq 0 ]
	[[ $output == *"inet6 2001:db8:61::1/64"* ]]
	# added with IFA_F_NODAD: never tentative (the kernel's fe80:: may be)
	[[ $output != *"2001:db8:61::1/64 scope global tentative"* ]]
	run brig exec clab-v6pair-b ip -6 addr show dev eth2
	[[ $output == *"inet6 2001:db8:62:beef::2/64"* ]]
	run brig exec clab-v6pair-a ping -6 -c 1 -W 5 2001:db8:61::2
	[ "$status" -eq 0 ]
	run brig exec clab-v6pair-b ping -6 -c 1 -W 5 2001:db8:62:beef::1
	[ "$status" -eq 0 ]
	# the v4 addresses of the same link still work
	run brig exec clab-v6pair-a ping -c 1 -W 5 10.61.0.2
	[ "$status" -eq 0 ]
}

@test "lab ipv6: the management network is dual stack; lab inspect shows its v6 subnet, a's fixed mgmt-ipv6, b's leased v6 and the links' v6 addresses" {
	v6pair
	run inspect_json 'd["mgmt"]["subnet6"]'
	[ "$output" = "fd00:cafe::/64" ]
	run inspect_json '[n["ipv6"] for n in d["nodes"] if n["name"] == "a"][0]'
	[ "$output" = "fd00:cafe::a/64" ]
	run inspect_json '[n["ipv6"] for n in d["nodes"] if n["name"] == "b"][0]'
	[[ $output == "fd00:cafe::"*"/64" ]]
	run inspect_json '[i["ipv6"] for n in d["nodes"] if n["name"] == "b" for i in n["interfaces"] if i["name"] == "eth1"][0]'
	[ "$output" = "2001:db8:61::2/64" ]
	run inspect_json 'd["links"][1]["a"]["ipv6"]'
	[ "$output" = "2001:db8:62:beef::1/64" ]
	run --separate-stderr brig lab inspect v6pair
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *"IPV4 ADDRESS"*"IPV6 ADDRESS"* ]]
	[[ $output == *"clab-v6pair-a"*"fd00:cafe::a/64"* ]]
	# b reaches a's management v6 address, by address and by name
	run brig exec clab-v6pair-b ping -6 -c 1 -W 5 fd00:cafe::a
	[ "$status" -eq 0 ]
	run brig exec clab-v6pair-b ping -6 -c 1 -W 5 a
	[ "$status" -eq 0 ]
}

plain_topo() {
	topo plain <<-'EOF'
		name: plain
		topology:
		  nodes:
		    n1: {kind: linux, image: busybox, cmd: sleep infinity}
	EOF
}

@test "lab ipv6: without ipv4-subnet and ipv6-subnet the management network stays IPv4 unless the host's default is dual stack" {
	plain_topo
	run --separate-stderr brig lab up "$T/plain.clab.yml"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr brig lab inspect plain --format json
	[ "$status" -eq 0 ]
	[[ $output == *'"subnet": "172.20.20.0/24"'* ]]
	[[ $output == *'"subnet6": ""'* ]]
	run brig exec clab-plain-n1 ip -6 addr show dev eth0 scope global
	[ -z "$output" ]
	run --separate-stderr brig lab down plain
	[ "$status" -eq 0 ]
}

@test "lab ipv6: with BRIG_DEFAULT_IPV6=1 a file without subnets gets containerlab's 3fff:172:20:20::/64 beside 172.20.20.0/24" {
	plain_topo
	BRIG_DEFAULT_IPV6=1 brig lab up "$T/plain.clab.yml" >/dev/null
	run --separate-stderr brig lab inspect plain --format json
	[ "$status" -eq 0 ]
	[[ $output == *'"subnet6": "3fff:172:20:20::/64"'* ]]
	[[ $output == *'"subnet": "172.20.20.0/24"'* ]]
	run brig exec clab-plain-n1 ip -6 addr show dev eth0
	[[ $output == *"inet6 3fff:172:20:20::"* ]]
	run --separate-stderr brig lab down plain
	[ "$status" -eq 0 ]
}

# pingall_misaligned: "ROWS BAD" of the `lab pingall v6pair` table: its
# ping rows, and how many do not have their interface under INTERFACE
# (2001:db8:62:beef::2 is wider than an IPv4 address).
pingall_misaligned() {
	brig lab pingall v6pair --count 1 | python3 -c '
import sys
lines = sys.stdin.read().splitlines()
head = next(i for i, l in enumerate(lines) if l.startswith("FROM "))
col = lines[head].index("INTERFACE")
rows = [l for l in lines[head + 1:] if l.strip() and not l.startswith("Results")]
print(len(rows), sum(1 for r in rows if r[col - 1] != " " or not r[col:].startswith("eth")))'
}

@test "lab ipv6: pingall reports the v6 pairs (link ends and management) beside the v4 ones, none lost" {
	v6pair
	run pingall_json 'sorted(p["address"] for p in d["pings"] if p["from"] == "a" and ":" in p["address"] and not p["address"].startswith("fd00:cafe::"))'
	[ "$output" = "['2001:db8:61::2', '2001:db8:62:beef::2']" ]
	run pingall_json '[p["interface"] for p in d["pings"] if p["from"] == "b" and p["address"] == "fd00:cafe::a"]'
	[ "$output" = "['eth0']" ]
	run pingall_json 'sum(1 for p in d["pings"] if ":" in p["address"] and p["received"] != p["sent"])'
	[ "$output" = 0 ]
	run pingall_json 'd["dropped_percent"]'
	[ "$output" = 0 ]
	run --separate-stderr brig lab pingall v6pair --count 1
	[ "$status" -eq 0 ]
	[[ $output == *"2001:db8:61::2"*"eth1"* ]]
	[[ $output == *"Results: 0% dropped"* ]]
	run pingall_misaligned
	[[ $output =~ ^[1-9][0-9]*\ 0$ ]]
}

@test "lab ipv6: perf --ipv6 measures over b's v6 address on the link, and --address takes a v6 address" {
	v6pair
	run --separate-stderr brig lab perf v6pair a b --ipv6 --seconds 1 --format json
	[ "$status" -eq 0 ]
	[[ $output == *'"address": "2001:db8:61::2"'* ]]
	[[ $output != *'"bytes": 0,'* ]]
	run --separate-stderr brig lab perf v6pair a b --address 2001:db8:62:beef::2 --udp --rate 1M --seconds 1
	[ "$status" -eq 0 ]
	[[ $output == "a -> b (2001:db8:62:beef::2): "* ]]
}

@test "lab ipv6: capture with a v6 filter sees the v6 echoes on the link, decoded as IP6 ICMP6 lines, and nothing of v4" {
	v6pair
	brig_bg "$T/capture.log" capture clab-v6pair-b:eth1 -c 2 icmp6 and host 2001:db8:61::1 and '(ip6[40] == 128 or ip6[40] == 129)'
	wait_for 20 listening "$T/capture.log"
	brig exec clab-v6pair-a ping -c 1 -W 5 10.61.0.2 >/dev/null
	brig exec clab-v6pair-a ping -6 -c 1 -W 5 2001:db8:61::2 >/dev/null
	wait_for 20 not_alive "$BG_PID"
	run cat "$T/capture.log"
	[[ $output == *"IP6 2001:db8:61::1 > 2001:db8:61::2: ICMP6, echo request"* ]]
	[[ $output == *"IP6 2001:db8:61::2 > 2001:db8:61::1: ICMP6, echo reply"* ]]
	[[ $output != *"IP 10.61.0.1"* ]]
	[[ $output == *"2 packets captured"* ]]
}

@test "lab ipv6: lab graph shows each link end's v6 address beside its v4 one, from the file and from the running lab" {
	v6pair
	run --separate-stderr brig lab graph v6pair --format mermaid
	[ "$status" -eq 0 ]
	[[ $output == *"eth1 10.61.0.1/30 2001:db8:61::1/64 — eth1 10.61.0.2/30 2001:db8:61::2/64"* ]]
	[[ $output == *"eth2 2001:db8:62:beef::1/64 — eth2 2001:db8:62:beef::2/64"* ]]
	run --separate-stderr brig lab graph "$T/v6pair.clab.yml" --format mermaid
	[ "$status" -eq 0 ]
	[[ $output == *"eth2 2001:db8:62:beef::1/64 — eth2 2001:db8:62:beef::2/64"* ]]
}

@test "lab ipv6: malformed v6 input in a topology fails with 125 and one line naming file, line and key" {
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    a: {kind: linux, image: busybox}
		    b: {kind: linux, image: busybox}
		  links:
		    - endpoints: ["a:eth1", "b:eth1"]
		      ipv6: ["2001:db8::1/129", "2001:db8::2/64"]
	EOF
	run --separate-stderr brig lab up "$T/bad.clab.yml"
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "brig: "*"bad.clab.yml:8: topology.links[0].ipv6[0]: invalid IPv6 address '2001:db8::1/129'"* ]]
	sed -i 's|"2001:db8::1/129"|"::ffff:10.0.0.1/120"|' "$T/bad.clab.yml"
	run --separate-stderr brig lab up "$T/bad.clab.yml"
	[ "$status" -eq 125 ]
	[[ $stderr == *"topology.links[0].ipv6[0]: "*"is an IPv4-mapped address"* ]]
	sed -i 's|"::ffff:10.0.0.1/120"|"2001:db8::/64"|' "$T/bad.clab.yml"
	run --separate-stderr brig lab up "$T/bad.clab.yml"
	[ "$status" -eq 125 ]
	[[ $stderr == *"topology.links[0].ipv6[0]: 2001:db8::/64 is no host address"* ]]
	printf 'mgmt:\n  ipv6-subnet: "fd00::1/64"\n' >>"$T/bad.clab.yml"
	sed -i 's|"2001:db8::/64"|"2001:db8::1/64"|' "$T/bad.clab.yml"
	run --separate-stderr brig lab up "$T/bad.clab.yml"
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == *"bad.clab.yml:10: mgmt.ipv6-subnet: invalid IPv6 subnet 'fd00::1/64': host bits set (did you mean fd00::/64?)"* ]]
	run brig lab ls --format json
	[[ $output != *'"bad"'* ]]
}
