#!/usr/bin/env bats
# Link impairments (brig netem set|show|clear, netem: in a topology file)
# and links taken down like a pulled cable (brig lab link).
#
# On a kernel without sch_netem (this project's CI machine) every
# impairment here runs on the user engine: a relay spliced into the link.
# Where the kernel has netem the same tests run on the kernel engine.
# RTTs are read from busybox ping inside the nodes, as their minimum over a
# few echoes (the first one also waits for ARP through the delay); the
# bounds are the acceptance's, wide enough for a loaded machine.
#
# Every address pinged is one the test's topology or brig gave a container.

load helpers
load lab_helpers

setup() {
	lab_setup
}

teardown() {
	sandbox_teardown
}

# pair: a -- b with addresses, and c -- b plain; netem: from $1 (a flow
# map, or empty for none) on a -- b.
pair() {
	local netem=${1:-}
	topo pair <<-EOF
		name: pair
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes: {a: {}, b: {}, c: {}}
		  links:
		    - endpoints: ["a:eth1", "b:eth1"]
		      ipv4: ["10.0.1.1/24", "10.0.1.2/24"]
		      ${netem:+netem: $netem}
		    - endpoints: ["b:eth2", "c:eth1"]
		      ipv4: ["10.0.2.1/24", "10.0.2.2/24"]
	EOF
	brig lab up "$T/pair.clab.yml" >/dev/null
}

# min_rtt CT ADDR: the minimum RTT in ms (integer part) of 4 pings.
min_rtt() {
	brig exec "$1" ping -c 4 -i 0.2 -q "$2" |
		sed -n 's|.*min/avg/max = \([0-9]*\)\..*|\1|p'
}

# relays: the relays' records (one per impaired link) in the runroot.
relays() {
	ls "$RUNROOT/relays" 2>/dev/null | grep -c '\.json$' || true
}

# no_relay_process: no brig-relay runs in the sandbox.
no_relay_process() {
	local comms
	comms=$("$SANDBOX" pids "$SB" | xargs -r -n1 sh -c 'cat /proc/$0/comm 2>/dev/null' || true)
	[[ $comms != *brig-relay* ]]
}

# show_json EXPR: python EXPR on `brig netem show --format json` (as d).
show_json() {
	brig netem show --format json |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

@test "netem: a link declared with delay 50ms has an RTT of 100-120 ms; netem clear on both ends brings it under 2 ms" {
	pair '{delay: 50ms}'
	rtt=$(min_rtt clab-pair-a 10.0.1.2)
	echo "rtt $rtt"
	[ "$rtt" -ge 100 ]
	[ "$rtt" -lt 120 ]
	# the plain link next to it is untouched
	[ "$(min_rtt clab-pair-b 10.0.2.2)" -lt 2 ]
	# inspect shows what the file declares; show what is applied
	[ "$(lab_json pair 'd["links"][0]["a"]["netem"]')" = "delay 50ms" ]
	[ "$(lab_json pair 'd["links"][0]["b"]["netem"]')" = "delay 50ms" ]
	run brig netem show
	[ "$status" -eq 0 ]
	[[ ${lines[1]} == "clab-pair-a:eth1 "*"delay 50ms" ]]
	[[ ${lines[2]} == "clab-pair-b:eth1 "*"delay 50ms" ]]
	brig netem clear clab-pair-a:eth1
	brig netem clear clab-pair-b:eth1
	rtt=$(min_rtt clab-pair-a 10.0.1.2)
	echo "rtt after clear $rtt"
	[ "$rtt" -lt 2 ]
	run brig netem show
	[ "${#lines[@]}" -eq 1 ]
	[ "$(relays)" -eq 0 ]
	# the link is plain again, with the addresses it had
	run brig exec clab-pair-b ip -o -4 addr show eth1
	[[ $output == *" 10.0.1.2/24 "* ]]
}

@test "netem set on a lab link: one direction delayed, the replaced end keeps its addresses and routes; each call replaces" {
	cp "$REPO/examples/router/router.clab.yml" "$T/"
	brig lab up "$T/router.clab.yml" >/dev/null
	before=$(brig exec clab-router-h1 ip route)
	brig netem set clab-router-r1:eth1 --delay 50ms
	rtt=$(min_rtt clab-router-h2 10.0.1.2)
	echo "rtt $rtt"
	[ "$rtt" -ge 50 ]
	[ "$rtt" -lt 70 ]
	# h1's eth1 (the peer of r1:eth1) was replaced: same address, routes
	[ "$(brig exec clab-router-h1 ip route)" = "$before" ]
	run brig exec clab-router-h1 ip -o -4 addr show eth1
	[[ $output == *" 10.0.1.2/24 "* ]]
	# a second call replaces the first
	brig netem set clab-router-r1:eth1 --delay 20ms
	run show_json '[x["netem"] for x in d]'
	[ "$output" = "['delay 20ms']" ]
	rtt=$(min_rtt clab-router-h2 10.0.1.2)
	[ "$rtt" -ge 20 ]
	[ "$rtt" -lt 40 ]
}

@test "netem --loss 100%: the peer is unreachable and netem show counts the drops" {
	pair
	brig netem set clab-pair-a:eth1 --loss 100%
	! brig exec clab-pair-a ping -c 2 -W 1 10.0.1.2 || false
	run show_json '[(x["interface"], x["engine"] in ("user", "kernel"), x["counters"]["dropped"] > 0) for x in d]'
	[ "$output" = "[('eth1', True, True)]" ]
	# no impairment left: the link is plain again (a's ARP entry for b
	# failed meanwhile; the kernel resolves it again on a later packet)
	brig netem set clab-pair-a:eth1 --loss 0%
	[ "$(relays)" -eq 0 ]
	wait_for 10 pings clab-pair-a 10.0.1.2
}

@test "netem on a container's eth0: the container keeps its interface, address and MAC; the host side is re-plumbed and clear restores it" {
	brig run -d --name web busybox sleep 1000 >/dev/null
	brig run -d --name cli busybox sleep 1000 >/dev/null
	addr=$(brig exec web ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)
	eth0=$(brig exec web ip -o link show eth0)
	addrs=$(brig exec web ip -o addr show eth0)
	brig netem set web:eth0 --delay 50ms
	rtt=$(min_rtt cli "$addr")
	echo "rtt $rtt"
	[ "$rtt" -ge 50 ]
	[ "$rtt" -lt 70 ]
	# the container's own interface is the same one (index, MAC, addresses)
	[ "$(brig exec web ip -o link show eth0)" = "$eth0" ]
	[ "$(brig exec web ip -o addr show eth0)" = "$addrs" ]
	brig netem clear web:eth0
	[ "$(min_rtt cli "$addr")" -lt 2 ]
	[ "$(relays)" -eq 0 ]
	[ "$(brig exec web ip -o link show eth0)" = "$eth0" ]
}

@test "netem: a relay ends with its container, and lab down leaves nothing of its relays" {
	brig run -d --name web busybox sleep 1000 >/dev/null
	brig netem set web:eth0 --delay 10ms
	[ "$(relays)" -eq 1 ]
	brig rm -f web >/dev/null
	wait_for 20 no_relay_process
	run brig netem show
	[ "${#lines[@]}" -eq 1 ]
	[ "$(relays)" -eq 0 ]
	warm_up
	host_state "$T/before"
	pair '{delay: 10ms, loss: 1%}'
	remember_ids
	[ "$(relays)" -eq 1 ]
	brig lab down pair
	unchanged "$T/before"
	no_relay_process
	[ "$(relays)" -eq 0 ]
}

@test "netem: bad values and unknown targets fail with 125 and one line; nothing changes" {
	pair
	run --separate-stderr brig netem set clab-pair-a:eth1 --delay -5ms
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *'invalid --delay "-5ms"'* ]]
	run --separate-stderr brig netem set clab-pair-a:eth1 --loss 150%
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *'--loss "150%"'*100%* ]]
	run --separate-stderr brig netem set clab-pair-a:eth1 --rate 10parsecs
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *'unknown unit "parsecs"'* ]]
	run --separate-stderr brig netem set clab-pair-a:eth1 --jitter 10ms --delay 5ms
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig netem set nosuch:eth1 --delay 5ms
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *nosuch* ]]
	run --separate-stderr brig netem set clab-pair-a:eth7 --delay 5ms
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"clab-pair-a:eth7"* ]]
	run --separate-stderr brig netem set clab-pair-a --delay 5ms
	[ "$status" -eq 125 ]
	one_line_error
	run brig netem show
	[ "${#lines[@]}" -eq 1 ]
	[ "$(relays)" -eq 0 ]
	[ "$(min_rtt clab-pair-a 10.0.1.2)" -lt 2 ]
}

@test "netem: a topology file with a bad impairment fails before anything is made" {
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes: {a: {kind: linux, image: busybox}, b: {kind: linux, image: busybox}}
		  links:
		    - endpoints: ["a:eth1", "b:eth1"]
		      netem: {delay: 50ms, loss: 150%}
	EOF
	run --separate-stderr brig lab up "$T/bad.clab.yml"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"bad.clab.yml:6: topology.links[0].netem.loss"* ]]
	run brig ps -a -q
	[ -z "$output" ]
}

@test "netem: an extended endpoint's own netem impairs only what leaves it" {
	topo one <<-'EOF'
		name: one
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes: {a: {}, b: {}}
		  links:
		    - type: veth
		      endpoints:
		        - {node: a, interface: eth1, ipv4: 10.0.1.1/24, netem: {delay: 40ms}}
		        - {node: b, interface: eth1, ipv4: 10.0.1.2/24}
	EOF
	brig lab up "$T/one.clab.yml" >/dev/null
	[ "$(lab_json one 'd["links"][0]["a"]["netem"]')" = "delay 40ms" ]
	[ "$(lab_json one 'd["links"][0]["b"]["netem"]')" = "" ]
	rtt=$(min_rtt clab-one-b 10.0.1.1)
	[ "$rtt" -ge 40 ]
	[ "$rtt" -lt 60 ]
}

@test "netem --engine kernel where the kernel has no netem: 125, one line, nothing changes" {
	if zcat /proc/config.gz 2>/dev/null | grep -q '^CONFIG_NET_SCH_NETEM=' ||
		[ -d /sys/module/sch_netem ]; then
		skip "this kernel has sch_netem"
	fi
	pair
	run --separate-stderr brig netem set clab-pair-a:eth1 --delay 5ms --engine kernel
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"no netem"* ]]
	[ "$(relays)" -eq 0 ]
}

# ---- lab link down|up ------------------------------------------------------

# addrs NODE: the router lab node's addresses (a new link-local one may
# still be "tentative", doing duplicate address detection, at first).
addrs() {
	brig exec "clab-router-$1" ip -o -4 addr
}

@test "lab link down: nothing crosses either way; up: it does again, with every address and route as it was" {
	cp "$REPO/examples/router/router.clab.yml" "$T/"
	brig lab up "$T/router.clab.yml" >/dev/null
	for n in h1 r1 h2; do
		brig exec "clab-router-$n" ip route >"$T/$n.routes"
		addrs "$n" >"$T/$n.addrs"
	done
	brig exec clab-router-h1 ping -c 1 -W 2 10.0.2.2
	brig lab link router r1:eth2 h2:eth1 down
	! brig exec clab-router-h1 ping -c 1 -W 1 10.0.2.2 || false
	! brig exec clab-router-h2 ping -c 1 -W 1 10.0.2.1 || false
	# the other link still carries
	brig exec clab-router-h1 ping -c 1 -W 2 10.0.1.1
	# the ends in either order
	brig lab link router h2:eth1 r1:eth2 up
	brig exec clab-router-h1 ping -c 1 -W 2 10.0.2.2
	for n in h1 r1 h2; do
		diff "$T/$n.routes" <(brig exec "clab-router-$n" ip route)
		diff "$T/$n.addrs" <(addrs "$n")
	done
}

@test "lab link: a link the lab does not have, or a bad state, fails with 125 and one line" {
	cp "$REPO/examples/router/router.clab.yml" "$T/"
	brig lab up "$T/router.clab.yml" >/dev/null
	run --separate-stderr brig lab link router r1:eth2 h1:eth1 down
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"no link r1:eth2 -- h1:eth1"* ]]
	run --separate-stderr brig lab link router r1:eth2 h2:eth1 sideways
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig lab link nolab r1:eth2 h2:eth1 down
	[ "$status" -eq 125 ]
	one_line_error
	brig exec clab-router-h1 ping -c 1 -W 2 10.0.2.2
}

# ---- measured with lab perf and lab pingall --------------------------------

# lost LAB: the "FROM ADDRESS" pairs of `lab pingall LAB` that lost every
# echo, sorted, one per line.
lost() {
	brig lab pingall "$1" --format json |
		python3 -c 'import json, sys
d = json.load(sys.stdin)
print("\n".join(sorted("%s %s" % (p["from"], p["address"]) for p in d["pings"] if p["received"] == 0)))'
}

# reaches_all LAB: pingall lost nothing.
reaches_all() {
	[ "$(brig lab pingall "$1" --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["sent"] - d["received"])')" -eq 0 ]
}

@test "netem --rate 10mbit: lab perf measures 8-11 Mbit/s across the link" {
	pair
	brig netem set clab-pair-a:eth1 --rate 10mbit
	run brig lab perf pair a b --seconds 3 --format json
	[ "$status" -eq 0 ]
	mbit=$(python3 -c 'import json, sys; print(int(json.loads(sys.argv[1])["bits_per_second"] / 1e6))' "$output")
	echo "measured $mbit Mbit/s"
	[ "$mbit" -ge 8 ]
	[ "$mbit" -lt 11 ]
}

@test "netem --loss 100%: pingall shows exactly the pairs across that link unreachable" {
	pair
	# a and c have no route to each other's subnets: lost before, too
	lost pair >"$T/before"
	brig netem set clab-pair-a:eth1 --loss 100%
	lost pair >"$T/after"
	run comm -13 "$T/before" "$T/after"
	[ "$status" -eq 0 ]
	# a's echoes to b's end never arrive; b's replies to a's end are lost
	[ "$output" = "$(printf '%s\n' 'a 10.0.1.2' 'b 10.0.1.1')" ]
	run comm -23 "$T/before" "$T/after"
	[ -z "$output" ]
}

@test "lab link down: pingall shows the loss on exactly the pairs that crossed the link; up restores them" {
	cp "$REPO/examples/router/router.clab.yml" "$T/"
	brig lab up "$T/router.clab.yml" >/dev/null
	wait_for 20 reaches_all router
	brig lab link router r1:eth2 h2:eth1 down
	run lost router
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'h1 10.0.2.2' 'h2 10.0.1.1' 'h2 10.0.1.2' 'h2 10.0.2.1' 'r1 10.0.2.2')" ]
	brig lab link router r1:eth2 h2:eth1 up
	# the ARP entries that failed meanwhile resolve again on later packets
	wait_for 20 reaches_all router
}
