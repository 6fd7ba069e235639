#!/usr/bin/env bats
# Labs from containerlab topology files: brig lab up|down|ls|inspect|exec.
#
# Each test writes its topology into its own temp dir (topo, in
# lab_helpers.bash) and deploys it in its own sandbox.  "Nothing remains"
# is a snapshot of the sandbox and of brig's state taken before `lab up`
# and compared with diff after `lab down` (host_state, unchanged): links,
# routes, nftables ruleset, processes, containers, networks, labs and
# brig's cgroups.  warm_up runs one container first, so brig's own
# furniture (cgroup parent, br0, nft table) exists in both snapshots.
#
# Every address pinged is one the test's topology gave a node (or, for the
# host endpoint, the sandbox); nothing leaves the sandbox.
# Crashes and malformed files are in lab_faults.bats, the FRR example in
# lab_frr.bats.

load helpers
load lab_helpers

setup() {
	lab_setup
}

teardown() {
	sandbox_teardown
}

# routed: the brief form, h1 -- r1 == h2 (two links between r1 and h2),
# static routes, r1 forwarding.
routed() {
	topo routed <<-'EOF'
		name: routed
		topology:
		  defaults:
		    image: busybox
		    cmd: sleep infinity
		  nodes:
		    h1:
		      kind: linux
		      exec:
		        - ip addr add 10.0.1.2/24 dev eth1
		        - ip route add 10.0.2.0/24 via 10.0.1.1
		        - ip route add 10.0.3.0/24 via 10.0.1.1
		    r1:
		      kind: linux
		      exec:
		        - ip addr add 10.0.1.1/24 dev eth1
		        - ip addr add 10.0.2.1/24 dev eth2
		        - ip addr add 10.0.3.1/24 dev eth3
		        - sysctl -w net.ipv4.ip_forward=1
		    h2:
		      kind: linux
		      exec:
		        - ip addr add 10.0.2.2/24 dev eth1
		        - ip addr add 10.0.3.2/24 dev eth2
		        - ip route add 10.0.1.0/24 via 10.0.2.1
		  links:
		    - endpoints: ["h1:eth1", "r1:eth1"]
		    - endpoints: ["r1:eth2", "h2:eth1"]
		    - endpoints: ["r1:eth3", "h2:eth2"]
	EOF
}

@test "lab: a brief-form lab (h1, r1, h2, three links, exec lines) comes up; h1 pings h2 across r1 and r1 by name; lab down leaves links, routes, nft, processes, brig's state and cgroups exactly as before" {
	warm_up
	host_state "$T/before"
	routed
	run --separate-stderr brig lab up "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	run container_names
	[ "$output" = "clab-routed-h1 clab-routed-h2 clab-routed-r1" ]
	run brig exec clab-routed-r1 sysctl -n net.ipv4.ip_forward
	[ "$output" = 1 ]
	run brig exec clab-routed-h1 ping -c 1 -W 2 10.0.2.2
	[ "$status" -eq 0 ]
	# the third link: h2's second address, through r1's eth3
	run brig exec clab-routed-h1 ping -c 1 -W 2 10.0.3.2
	[ "$status" -eq 0 ]
	# nodes answer to their names on the management network
	run brig exec clab-routed-h1 ping -c 1 -W 2 r1
	[ "$status" -eq 0 ]
	[[ $output == "PING r1 (172.20.20."* ]]

	remember_ids
	run --separate-stderr brig lab down routed
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}

# lan NAME: h1 and h2 on the LAN of bridge node lanbr, addresses from
# extended endpoints.
lan() {
	topo "$1" <<-EOF
		name: $1
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes:
		    h1: {}
		    h2: {}
		    lanbr:
		      kind: bridge
		  links:
		    - type: veth
		      endpoints:
		        - {node: h1, interface: eth1, ipv4: 10.20.0.1/24}
		        - {node: lanbr, interface: lan-h1}
		    - type: veth
		      endpoints:
		        - {node: h2, interface: eth1, ipv4: 10.20.0.2/24}
		        - {node: lanbr, interface: lan-h2}
	EOF
}

# bridge_ports BR: the names of BR's ports in the sandbox, sorted, on one line.
bridge_ports() {
	sb ip -o link show master "$1" | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | paste -sd ' '
}

@test "lab: a kind: bridge node that does not exist is created, its LAN carries the extended endpoints' ipv4 addresses, and lab down removes it" {
	warm_up
	host_state "$T/before"
	run sb ip link show lanbr
	[ "$status" -ne 0 ]
	lan lan
	run --separate-stderr brig lab up "$T/lan.clab.yml"
	[ "$status" -eq 0 ]
	run sb ip -o link show lanbr
	[ "$status" -eq 0 ]
	[[ $output == *"<BROADCAST,MULTICAST,UP"* ]]
	run bridge_ports lanbr
	[ "$output" = "lan-h1 lan-h2" ]
	run brig exec clab-lan-h1 ip -4 addr show eth1
	[[ $output == *"inet 10.20.0.1/24 "* ]]
	run brig exec clab-lan-h1 ping -c 1 -W 2 10.20.0.2
	[ "$status" -eq 0 ]

	remember_ids
	run --separate-stderr brig lab down lan
	[ "$status" -eq 0 ]
	run sb ip link show lanbr
	[ "$status" -ne 0 ]
	unchanged "$T/before"
}

@test "lab: a kind: bridge node that exists already is used, and left as it was at lab down" {
	warm_up
	# The bridge has an address of its own: one without takes its lowest
	# port's, and the kernel leaves it 00:00:00:00:00:00 once the last port
	# is gone, which would differ from the snapshot for no fault of brig's.
	sb ip link add lanbr address 02:00:00:00:0b:01 type bridge
	sb ip link set lanbr up
	host_state "$T/before"
	lan lan
	run --separate-stderr brig lab up "$T/lan.clab.yml"
	[ "$status" -eq 0 ]
	run bridge_ports lanbr
	[ "$output" = "lan-h1 lan-h2" ]
	run brig exec clab-lan-h1 ping -c 1 -W 2 10.20.0.2
	[ "$status" -eq 0 ]

	remember_ids
	run --separate-stderr brig lab down lan
	[ "$status" -eq 0 ]
	run sb ip -o link show lanbr
	[ "$status" -eq 0 ]
	[[ $output == *"link/ether 02:00:00:00:0b:01 "* ]]
	unchanged "$T/before"
}

@test "lab: prefix \"\" names containers after their nodes; mgmt-ipv4 is honoured; a relative bind is read-only at the node; network-mode container:r1 shares r1's interfaces; nodes resolve each other by name" {
	warm_up
	host_state "$T/before"
	echo "motd of the feat lab" >"$T/motd.txt"
	topo feat <<-'EOF'
		name: feat
		prefix: ""
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes:
		    h1:
		      mgmt-ipv4: 172.20.20.50
		      binds:
		        - motd.txt:/etc/motd:ro
		    r1:
		      mgmt-ipv4: 172.20.20.51
		    side:
		      network-mode: container:r1
		  links:
		    - type: veth
		      endpoints:
		        - {node: h1, interface: eth1, ipv4: 10.30.0.1/24}
		        - {node: r1, interface: eth1, ipv4: 10.30.0.2/24}
	EOF
	# binds resolve against the file's directory, not the working one
	cd /
	run --separate-stderr brig lab up "$T/feat.clab.yml"
	[ "$status" -eq 0 ]
	run container_names
	[ "$output" = "h1 r1 side" ]

	run lab_json feat '[n["ipv4"] for n in d["nodes"] if n["name"] == "h1"]'
	[ "$output" = "['172.20.20.50/24']" ]
	run brig exec h1 ip -4 addr show eth0
	[[ $output == *"inet 172.20.20.50/24 "* ]]
	run brig exec r1 ip -4 addr show eth0
	[[ $output == *"inet 172.20.20.51/24 "* ]]

	run brig exec h1 cat /etc/motd
	[ "$output" = "motd of the feat lab" ]
	run brig exec h1 sh -c 'echo changed >/etc/motd'
	[ "$status" -ne 0 ]
	[ "$(cat "$T/motd.txt")" = "motd of the feat lab" ]

	# side is in r1's network namespace: the same interfaces, eth1 among them
	run brig exec side ip -o link
	[[ $output == *": eth1@"* ]]
	diff <(brig exec side ip -o link) <(brig exec r1 ip -o link)
	run brig exec side ip -4 addr show eth1
	[[ $output == *"inet 10.30.0.2/24 "* ]]

	run brig exec h1 ping -c 1 -W 2 r1
	[ "$status" -eq 0 ]
	[[ $output == "PING r1 (172.20.20.51)"* ]]
	run brig exec h1 ping -c 1 -W 2 10.30.0.2
	[ "$status" -eq 0 ]

	remember_ids
	run --separate-stderr brig lab down feat
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}

@test "lab: prefix __lab-name names containers LAB-NODE, another prefix P names them P-LAB-NODE" {
	local p
	for p in __lab-name my; do
		topo "pre-$p" <<-EOF
			name: pre
			prefix: $p
			topology:
			  nodes:
			    h1: {kind: linux, image: busybox, cmd: sleep infinity}
		EOF
	done
	run --separate-stderr brig lab up "$T/pre-__lab-name.clab.yml"
	[ "$status" -eq 0 ]
	run container_names
	[ "$output" = pre-h1 ]
	run brig exec pre-h1 hostname
	[ "$output" = h1 ]
	run --separate-stderr brig lab up --reconfigure "$T/pre-my.clab.yml"
	[ "$status" -eq 0 ]
	run container_names
	[ "$output" = my-pre-h1 ]
}

@test "lab: lab up of a lab that is up fails with one line naming it; --reconfigure destroys and redeploys it (new ids, one container per node)" {
	routed
	run --separate-stderr brig lab up "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	local ids
	ids=$(container_ids)

	run --separate-stderr brig lab up "$T/routed.clab.yml"
	[ "$status" -ne 0 ]
	one_line_error
	[[ $stderr == *"lab routed is already deployed"* ]]
	run container_ids
	[ "$output" = "$ids" ]

	run --separate-stderr brig lab up --reconfigure "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	run container_names
	[ "$output" = "clab-routed-h1 clab-routed-h2 clab-routed-r1" ]
	run container_ids
	[ -n "$output" ]
	[ "$output" != "$ids" ]
	# no id survived
	run comm -12 <(tr ' ' '\n' <<<"$ids" | sort) <(container_ids | tr ' ' '\n' | sort)
	[ -z "$output" ]
	run brig exec clab-routed-h1 ping -c 1 -W 2 10.0.2.2
	[ "$status" -eq 0 ]
	run brig lab ls --format json
	[ "$(json_field state routed <<<"$output")" = running ]
}

@test "lab: a failing exec line fails the deploy naming node and command, and everything is rolled back" {
	warm_up
	host_state "$T/before"
	topo fx <<-'EOF'
		name: fx
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes:
		    h1:
		      exec: ["ip addr add 10.40.0.1/24 dev eth1"]
		    h2:
		      exec: ["ip addr add 10.40.0.2/24 dev eth1", "ip link set nosuchif up"]
		    lanbr:
		      kind: bridge
		  links:
		    - endpoints: ["h1:eth1", "h2:eth1"]
		    - endpoints: ["h1:eth2", "lanbr:fx-h1"]
		    - endpoints: ["h2:eth2", "host:fx-h2"]
	EOF
	run --separate-stderr brig lab up "$T/fx.clab.yml"
	[ "$status" -ne 0 ]
	one_line_error
	[[ $stderr == *"node h2: exec 'ip link set nosuchif up' failed"* ]]
	[ ! -e "$ROOT/labs/fx.json" ]
	unchanged "$T/before"
}

@test "lab: a type: dummy link fails with a clear error (no dummy driver here) and everything is rolled back" {
	# With the driver the link would be made: this checks the failure path.
	if [ -d /sys/module/dummy ]; then
		skip "the dummy driver is loaded on this kernel: a dummy link would not fail"
	fi
	warm_up
	host_state "$T/before"
	topo dum <<-'EOF'
		name: dum
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes:
		    h1: {}
		    h2: {}
		  links:
		    - endpoints: ["h1:eth1", "h2:eth1"]
		    - type: dummy
		      endpoint: {node: h1, interface: dummy0}
	EOF
	run --separate-stderr brig lab up "$T/dum.clab.yml"
	[ "$status" -ne 0 ]
	one_line_error
	[[ $stderr == *"dum.clab.yml:9: "* ]]
	[[ $stderr == *"dummy0"* ]]
	[[ $stderr == *"not supported"* ]]
	[ ! -e "$ROOT/labs/dum.json" ]
	unchanged "$T/before"
}

# nodes_of_ls LAB: LAB's NODES column in `brig lab ls`.
nodes_of_ls() {
	brig lab ls | awk -v lab="$1" '$1 == lab { print $3 }'
}

@test "lab: ls lists the lab and its node count (table and json); inspect --format json lists every node, its interfaces, peers and link addresses" {
	topo two <<-'EOF'
		name: two
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes:
		    h1: {}
		    r1: {}
		    h2: {}
		  links:
		    - type: veth
		      endpoints:
		        - {node: h1, interface: eth1, ipv4: 10.50.1.2/24}
		        - {node: r1, interface: eth1, ipv4: 10.50.1.1/24}
		    - endpoints: ["r1:eth2", "h2:eth1"]
	EOF
	run --separate-stderr brig lab up "$T/two.clab.yml"
	[ "$status" -eq 0 ]

	run nodes_of_ls two
	[ "$output" = 3/3 ]
	run brig lab ls --format json
	[ "$status" -eq 0 ]
	json_valid <<<"$output"
	[ "$(json_field nodes two <<<"$output")" = 3 ]
	[ "$(json_field running two <<<"$output")" = 3 ]
	[ "$(json_field file two <<<"$output")" = "$T/two.clab.yml" ]

	run brig lab inspect two --format json
	[ "$status" -eq 0 ]
	json_valid <<<"$output"
	run lab_json two '" ".join(n["name"] for n in d["nodes"])'
	[ "$output" = "h1 r1 h2" ]
	run lab_json two '" ".join(n["container"] for n in d["nodes"])'
	[ "$output" = "clab-two-h1 clab-two-r1 clab-two-h2" ]
	run lab_json two '" ".join(n["state"] for n in d["nodes"])'
	[ "$output" = "running running running" ]
	# name>peer>ipv4 of each interface, per node
	local ifs='";".join(n["name"] + "=" + ",".join(i["name"] + ">" + i["peer"] + ">" + i["ipv4"] for i in n["interfaces"]) for n in d["nodes"])'
	run lab_json two "$ifs"
	[ "$output" = "h1=eth1>r1:eth1>10.50.1.2/24;r1=eth1>h1:eth1>10.50.1.1/24,eth2>h2:eth1>;h2=eth1>r1:eth2>" ]
	run lab_json two '" ".join(l["a"]["ipv4"] + "-" + l["b"]["ipv4"] for l in d["links"])'
	[ "$output" = "10.50.1.2/24-10.50.1.1/24 -" ]
	run lab_json two 'd["mgmt"]["subnet"]'
	[ "$output" = 172.20.20.0/24 ]
	# the addresses are on the interfaces too
	run brig exec clab-two-r1 ip -4 addr show eth1
	[[ $output == *"inet 10.50.1.1/24 "* ]]
}

@test "lab: lab exec --node-filter h1,h2 prints one line per node prefixed with its name (one record per node with --format json); a filter naming an unknown node is an error" {
	routed
	run --separate-stderr brig lab up "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	run --separate-stderr brig lab exec routed --node-filter h1,h2 -- hostname
	[ "$status" -eq 0 ]
	[ "$output" = "h1: h1"$'\n'"h2: h2" ]
	run --separate-stderr brig lab exec routed -- hostname
	[ "$status" -eq 0 ]
	[ "$output" = "h1: h1"$'\n'"r1: r1"$'\n'"h2: h2" ]
	run --separate-stderr brig lab exec routed --node-filter h2 --format json -- hostname
	[ "$status" -eq 0 ]
	json_valid <<<"$output"
	[ "$(python3 -c 'import json, sys; print([(r["node"], r["status"], r["output"]) for r in json.load(sys.stdin)])' <<<"$output")" = "[('h2', 0, 'h2\\n')]" ]
	run --separate-stderr brig lab exec routed --node-filter h1,nosuch -- hostname
	[ "$status" -ne 0 ]
	one_line_error
	[[ $stderr == *"nosuch"* ]]
	[ -z "$output" ]
}

@test "lab: lab down FILE works as well as lab down NAME; lab down --all removes every lab" {
	warm_up
	host_state "$T/before"
	routed
	lan lan
	run --separate-stderr brig lab up "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	remember_ids
	run --separate-stderr brig lab down "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	unchanged "$T/before"

	run --separate-stderr brig lab up "$T/routed.clab.yml"
	[ "$status" -eq 0 ]
	run --separate-stderr brig lab up "$T/lan.clab.yml"
	[ "$status" -eq 0 ]
	run brig lab ls --format json
	[ "$(json_field nodes routed <<<"$output")" = 3 ]
	[ "$(json_field nodes lan <<<"$output")" = 2 ]
	remember_ids
	run --separate-stderr brig lab down --all
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}

@test "lab: examples/router comes up, h1 reaches h2's 10.0.2.2, and it goes down cleanly" {
	warm_up
	host_state "$T/before"
	run --separate-stderr brig lab up "$REPO/examples/router/router.clab.yml"
	[ "$status" -eq 0 ]
	run brig exec clab-router-h1 ping -c 1 -W 2 10.0.2.2
	[ "$status" -eq 0 ]
	# each node carries containerlab's labels, its own name among them
	for n in h1 r1 h2; do
		run node_labels "clab-router-$n"
		[ "$output" = "clab-node-kind=linux clab-node-name=$n clab-topo-file=$REPO/examples/router/router.clab.yml containerlab=router" ]
	done
	remember_ids
	run --separate-stderr brig lab down router
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}

@test "lab: examples/clos comes up, leaf1 reaches leaf4's loopback from its own, and it goes down cleanly" {
	warm_up
	host_state "$T/before"
	run --separate-stderr brig lab up "$REPO/examples/clos/clos.clab.yml"
	[ "$status" -eq 0 ]
	run brig exec clab-clos-leaf1 ping -c 1 -W 2 -I 10.255.0.1 10.255.0.4
	[ "$status" -eq 0 ]
	run brig exec clab-clos-leaf4 ping -c 1 -W 2 -I 10.255.0.4 10.255.0.2
	[ "$status" -eq 0 ]
	remember_ids
	run --separate-stderr brig lab down clos
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}

@test "lab: a host endpoint (host:veth-x) is made in the sandbox's namespace, carries traffic, and lab down removes it" {
	warm_up
	host_state "$T/before"
	topo hep <<-'EOF'
		name: hep
		topology:
		  nodes:
		    h1:
		      kind: linux
		      image: busybox
		      cmd: sleep infinity
		      exec: ["ip addr add 10.60.0.2/24 dev eth1"]
		  links:
		    - endpoints: ["h1:eth1", "host:veth-x"]
	EOF
	run --separate-stderr brig lab up "$T/hep.clab.yml"
	[ "$status" -eq 0 ]
	run sb ip -o link show veth-x
	[ "$status" -eq 0 ]
	[[ $output == *"alias brig-lab:hep"* ]]
	# the sandbox's end of the pair talks to h1's
	sb ip addr add 10.60.0.1/24 dev veth-x
	run brig exec clab-hep-h1 ping -c 1 -W 2 10.60.0.1
	[ "$status" -eq 0 ]

	remember_ids
	run --separate-stderr brig lab down hep
	[ "$status" -eq 0 ]
	run sb ip link show veth-x
	[ "$status" -ne 0 ]
	unchanged "$T/before"
}
