#!/usr/bin/env bats
# Labs under faults: malformed topology files are refused at their line
# before anything is made; a `lab up` SIGKILLed at any moment leaves
# nothing that `lab down` does not remove; a user running `brig ps` while
# a lab comes up or goes down changes nothing.
#
# "Nothing made" and "nothing left" are the snapshot comparison of
# lab_helpers.bash (host_state before, unchanged after): links, routes,
# nftables, processes in the sandbox, containers, networks, labs, cgroups.

load helpers
load lab_helpers

setup() {
	lab_setup
}

teardown() {
	sandbox_teardown
}

# before: brig's furniture in place (warm_up), then the snapshot.
before() {
	warm_up
	host_state "$T/before"
}

# refused NAME LINE WHAT: lab up of topology NAME fails with one line that
# names the file and LINE, and says WHAT; nothing was made.
refused() {
	run --separate-stderr brig lab up "$T/$1.clab.yml"
	[ "$status" -ne 0 ]
	one_line_error
	[[ $stderr == "brig: "*"/$1.clab.yml:$2: "* ]]
	[[ $stderr == *"$3"* ]]
	nothing_made
}

# nothing_made: no lab record, and everything as the snapshot saw it
# (containers, links, networks, labs...).
nothing_made() {
	[ -z "$(find "$ROOT/labs" -name '*.json' 2>/dev/null)" ]
	unchanged "$T/before"
}

# ---- malformed files ----------------------------------------------------------

@test "lab faults: a link to an unknown node is refused at the endpoint's line, before any side effect" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		  links:
		    - endpoints: ["h1:eth1", "zz:eth1"]
	EOF
	refused bad 6 "unknown node 'zz'"
}

@test "lab faults: an interface used by two links is refused at the second one's line" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    h2: {kind: linux, image: busybox}
		    h3: {kind: linux, image: busybox}
		  links:
		    - endpoints: ["h1:eth1", "h2:eth1"]
		    - endpoints: ["h3:eth1", "h1:eth1"]
	EOF
	refused bad 9 "h1:eth1 is already used at line 8"
}

@test "lab faults: a link from a node to itself is refused at its line" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    h2: {kind: linux, image: busybox}
		  links:
		    - endpoints: ["h1:eth1", "h2:eth1"]
		    - endpoints: ["h1:eth2", "h1:eth3"]
	EOF
	refused bad 8 "to itself"
}

@test "lab faults: a node declared twice is refused at the second declaration" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    h2: {kind: linux, image: busybox}
		    h1: {kind: linux, image: busybox}
	EOF
	refused bad 6 "duplicate"
}

@test "lab faults: an interface name of 16 bytes is refused at its line" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    h2: {kind: linux, image: busybox}
		  links:
		    - endpoints: ["h1:eth1", "h2:abcdefghijklmnop"]
	EOF
	refused bad 7 "abcdefghijklmnop"
}

@test "lab faults: an invalid node name is refused at its line" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    "h 2": {kind: linux, image: busybox}
	EOF
	refused bad 5 "invalid node name"
}

@test "lab faults: a bad mgmt ipv4-subnet is refused at its line" {
	before
	topo bad <<-'EOF'
		name: bad
		mgmt:
		  network: badmgmt
		  ipv4-subnet: 172.30.300.0/24
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
	EOF
	refused bad 4 "172.30.300.0/24"
}

@test "lab faults: a bad link endpoint ipv4 is refused at its line" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    h2: {kind: linux, image: busybox}
		  links:
		    - type: veth
		      endpoints:
		        - {node: h1, interface: eth1, ipv4: 10.1.1.2/24}
		        - {node: h2, interface: eth1, ipv4: 10.1.1.1/33}
	EOF
	refused bad 10 "10.1.1.1/33"
}

@test "lab faults: an unknown kind is refused at its line, naming it" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox}
		    r1:
		      kind: nokia_srlinux
		      image: busybox
	EOF
	refused bad 6 "nokia_srlinux"
}

@test "lab faults: a YAML alias bomb (billion laughs) fails fast, bounded, at a line of the bomb" {
	local i k
	before
	{
		echo "name: bad"
		echo 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'
		for i in 1 2 3 4 5 6 7 8 9; do
			printf 'a%d: &a%d [' "$i" "$i"
			for k in 1 2 3 4 5 6 7 8; do
				printf '*a%d, ' "$((i - 1))"
			done
			printf '*a%d]\n' "$((i - 1))"
		done
		echo "topology:"
		echo "  nodes:"
		echo "    h1: {kind: linux, image: busybox, labels: {laughs: *a9}}"
	} >"$T/bomb.clab.yml"
	# timeout bounds it: a bomb that went off would take long and much memory
	run --separate-stderr timeout 20 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" \
		--runroot "$RUNROOT" lab up "$T/bomb.clab.yml"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	one_line_error
	[[ $stderr =~ /bomb\.clab\.yml:([0-9]+): ]]
	# the aliases are on lines 2 to 11
	[ "${BASH_REMATCH[1]}" -ge 2 ]
	[ "${BASH_REMATCH[1]}" -le 11 ]
	[[ $stderr == *"alias"* ]]
	nothing_made
}

@test "lab faults: a file that is not UTF-8 is refused at the line of the bad byte" {
	before
	printf 'name: bad\ntopology:\n  nodes:\n    h\xff1: {kind: linux, image: busybox}\n' >"$T/bad.clab.yml"
	refused bad 4 "UTF-8"
}

@test "lab faults: more than 10000 nodes are refused at the line of the 10001st" {
	before
	{
		echo "name: bad"
		echo "topology:"
		echo "  defaults: {kind: linux, image: busybox}"
		echo "  nodes:"
		seq 1 10001 | sed 's/.*/    n&: {}/'
	} >"$T/bad.clab.yml"
	refused bad 10005 "10000 nodes"
}

@test "lab faults: a missing image is refused naming the node's line and the image, before any side effect" {
	before
	topo bad <<-'EOF'
		name: bad
		topology:
		  nodes:
		    h1: {kind: linux, image: busybox, cmd: sleep infinity}
		    h2: {kind: linux, image: nosuchimage, cmd: sleep infinity}
	EOF
	# The sandbox has no route out: the pull that is tried fails at once.
	refused bad 5 "nosuchimage"
}

@test "lab faults: an unknown key is a warning on stderr naming its line, and the lab comes up" {
	topo unk <<-'EOF'
		name: unk
		topology:
		  nodes:
		    h1:
		      kind: linux
		      image: busybox
		      cmd: sleep infinity
		      flavour: vanilla
	EOF
	run --separate-stderr brig lab up "$T/unk.clab.yml"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == "brig: warning: "*"/unk.clab.yml:8: "*"flavour"* ]]
	run brig lab ls --format json
	[ "$(json_field running unk <<<"$output")" = 1 ]
	run brig exec clab-unk-h1 hostname
	[ "$output" = h1 ]
}

# ---- SIGKILL of lab up ----------------------------------------------------------

# big_lab BLOCK: topology "big", 30 nodes and 40 links: a chain
# n1-n2-...-n30 (29), 8 chords n1-n16 ... n8-n23, and 3 links to the
# sandbox "host": bg-h1 (the 6th link), bg-h2 and bg-h3 (the last two).
# n1..n29 each have an exec line; with BLOCK=1, n30's is `sleep 600`, so
# lab up is still running at every moment a test kills it: from its start,
# through nodes and links, into the exec lines.
big_lab() {
	local i exec30=true
	if [ "$1" = 1 ]; then
		exec30="sleep 600"
	fi
	{
		echo "name: big"
		echo "topology:"
		echo "  defaults: {kind: linux, image: busybox, cmd: sleep infinity}"
		echo "  nodes:"
		for i in $(seq 1 29); do
			echo "    n$i: {exec: [\"ip addr add 10.70.$i.1/24 dev eth1\"]}"
		done
		echo "    n30: {exec: [\"$exec30\"]}"
		echo "  links:"
		for i in 1 2 3 4 5; do
			echo "    - endpoints: [\"n$i:eth1\", \"n$((i + 1)):eth2\"]"
		done
		echo '    - endpoints: ["n1:eth4", "host:bg-h1"]'
		for i in $(seq 6 29); do
			echo "    - endpoints: [\"n$i:eth1\", \"n$((i + 1)):eth2\"]"
		done
		for i in $(seq 1 8); do
			echo "    - endpoints: [\"n$i:eth3\", \"n$((i + 15)):eth3\"]"
		done
		echo '    - endpoints: ["n15:eth4", "host:bg-h2"]'
		echo '    - endpoints: ["n30:eth4", "host:bg-h3"]'
	} >"$T/big.clab.yml"
}

# records N: at least N container records exist.  Read from the state
# directory, not `brig ps`: ps reconciles records as it lists them, and a
# ps racing with lab up is a test of its own (below).
records() {
	[ "$(find "$ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -ge "$1" ]
}

# host_link NAME: the lab's interface NAME exists in the sandbox.
host_link() {
	sb ip link show "$1" >/dev/null 2>&1
}

# moment_or_exit CMD...: CMD succeeds, or lab up is no longer running.
moment_or_exit() {
	"$@" || not_alive "$BG_PID"
}

# crash_at [CMD...]: lab up of big_lab 1 in the background, SIGKILLed as
# soon as CMD succeeds (polled; at once without CMD), then lab down:
# everything is as before.
crash_at() {
	local rc=0 recorded=0
	before
	big_lab 1
	# two nodes at a time: the node phase lasts long enough for the polls
	# below to see it at 1, 15 and 30 containers
	brig_bg "$T/up.out" lab up --max-workers 2 "$T/big.clab.yml"
	if [ "$#" -gt 0 ]; then
		wait_for 60 moment_or_exit "$@"
	fi
	kill -KILL "$BG_PID"
	wait "$BG_PID" || rc=$?
	cat "$T/up.out" 2>/dev/null || true # killed at once: maybe never opened
	# it was killed, not done: the sleep 600 exec line holds it
	[ "$rc" -eq 137 ]
	echo "killed with $(find "$ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) container records"
	remember_ids
	if [ -e "$ROOT/labs/big.json" ]; then
		recorded=1
	fi
	# bounded: a hang is a failure (124), not a wait
	run --separate-stderr timeout 30 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" \
		--runroot "$RUNROOT" lab down big
	if [ "$recorded" = 1 ]; then
		[ "$status" -eq 0 ]
	else
		# killed before its record: it made nothing, and there is no lab
		[ "$status" -ne 0 ]
		[[ $stderr == *"no such lab"* ]]
	fi
	unchanged "$T/before"
}

# exec_running: n30's exec line (sleep 600) runs: every link is made.
exec_running() {
	[[ $(sandbox_procs) == *"sleep 600"* ]]
}

@test "lab faults: lab up of 30 nodes and 40 links SIGKILLed at once: lab down leaves nothing" {
	crash_at
}

@test "lab faults: lab up SIGKILLed once its record exists: lab down leaves nothing" {
	crash_at test -e "$ROOT/labs/big.json"
}

@test "lab faults: lab up SIGKILLed once its first container exists: lab down leaves nothing" {
	crash_at records 1
}

@test "lab faults: lab up SIGKILLed once 15 of its 30 containers exist: lab down leaves nothing" {
	crash_at records 15
}

@test "lab faults: lab up SIGKILLed once all 30 containers exist: lab down leaves nothing" {
	crash_at records 30
}

# The links are made in one quick pass by lab up itself: a kill seen at
# the 6th may land anywhere from the 7th link to the exec lines.
@test "lab faults: lab up SIGKILLed once its 6th link (to the host) exists: lab down leaves nothing" {
	crash_at host_link bg-h1
}

@test "lab faults: lab up SIGKILLed while its exec lines run (all 40 links made): lab down leaves nothing" {
	crash_at exec_running
}

# ---- a user watching ------------------------------------------------------------

# watch_ps PID: run `brig ps -a -q` over and over while PID runs, at most
# 120 s.
watch_ps() {
	local deadline=$((SECONDS + 120))
	while alive "$1" && [ "$SECONDS" -lt "$deadline" ]; do
		brig ps -a -q >/dev/null 2>&1 || true
	done
}

# watched OUT ARG...: brig ARG... in the background (output in OUT) while
# three `brig ps -a -q` loops run alongside, as `watch brig ps -a` in
# other terminals would; prints OUT, returns brig's exit status.
watched() {
	local out=$1 rc=0 k watchers=()
	shift
	brig_bg "$out" "$@"
	for k in 1 2 3; do
		watch_ps "$BG_PID" 3>&- &
		watchers+=("$!")
	done
	wait "$BG_PID" || rc=$?
	wait "${watchers[@]}" || true
	cat "$out"
	return "$rc"
}

@test "lab faults: lab up and lab down of 30 nodes succeed while brig ps -a runs alongside, and leave nothing" {
	before
	big_lab 0
	run watched "$T/up.out" lab up "$T/big.clab.yml"
	[ "$status" -eq 0 ]
	run brig lab ls --format json
	[ "$(json_field running big <<<"$output")" = 30 ]

	remember_ids
	run watched "$T/down.out" lab down big
	[ "$status" -eq 0 ]
	unchanged "$T/before"
}
