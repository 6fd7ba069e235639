#!/usr/bin/env bats
# brig lab graph: a lab drawn from its topology file or, by name, from a
# running lab (with the management addresses its nodes hold), as dot,
# mermaid, svg or png.  dot's output is checked by Graphviz's own `dot`
# (the test may run it; brig never does), mermaid's by mermaid's own parser
# when scripts/install-deps.sh could install it (else that test skips).

load helpers
load lab_helpers

MERMAID_DIR=/usr/local/lib/brig-test/mermaid
ROUTER=$REPO/examples/router/router.clab.yml
CLOS=$REPO/examples/clos/clos.clab.yml

setup() {
	sandbox_setup
	T=$BATS_TEST_TMPDIR
}

teardown() {
	sandbox_teardown
}

# nodes_of FILE, links_of FILE: the node names and the number of links of
# the two examples drawn here.
nodes_of() {
	case $1 in
	"$ROUTER") echo h1 r1 h2 ;;
	"$CLOS") echo spine1 spine2 leaf1 leaf2 leaf3 leaf4 ;;
	esac
}

links_of() {
	case $1 in
	"$ROUTER") echo 2 ;;
	"$CLOS") echo 8 ;;
	esac
}

# has_every_node FILE OUT: every node of FILE is named in OUT.
has_every_node() {
	local n
	for n in $(nodes_of "$1"); do
		grep -q -- "$n" "$2" || {
			echo "node $n missing from $2" >&2
			return 1
		}
	done
}

# mermaid_edges OUT: the edges of a mermaid flowchart brig wrote.
mermaid_edges() {
	grep -c -- ' ---' "$1"
}

@test "graph: --format dot of examples/router and examples/clos is accepted by Graphviz's dot -Tsvg" {
	run --separate-stderr brig lab graph "$ROUTER" --format dot -o "$T/router.dot"
	[ "$status" -eq 0 ]
	run dot -Tsvg -o "$T/router.svg" "$T/router.dot"
	[ "$status" -eq 0 ]
	run --separate-stderr brig lab graph "$CLOS"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/clos.dot"
	run dot -Tsvg -o "$T/clos.svg" "$T/clos.dot"
	[ "$status" -eq 0 ]
	has_every_node "$CLOS" "$T/clos.svg"
}

@test "graph: mermaid output names every node and has an edge per link" {
	local f
	for f in "$ROUTER" "$CLOS"; do
		run --separate-stderr brig lab graph "$f" --format mermaid -o "$T/g.mmd"
		[ "$status" -eq 0 ]
		run head -n 1 "$T/g.mmd"
		[ "$output" = "graph LR" ]
		has_every_node "$f" "$T/g.mmd"
		run mermaid_edges "$T/g.mmd"
		[ "$output" -eq "$(links_of "$f")" ]
	done
}

@test "graph: mermaid output parses with mermaid's own parser" {
	if [ ! -d "$MERMAID_DIR/node_modules/mermaid" ]; then
		skip "mermaid's parser is not installed under $MERMAID_DIR (scripts/install-deps.sh)"
	fi
	local f
	for f in "$ROUTER" "$CLOS"; do
		run --separate-stderr brig lab graph "$f" --format mermaid -o "$T/g.mmd"
		[ "$status" -eq 0 ]
		run node "$REPO/tests/integration/mermaid_check.mjs" "$MERMAID_DIR" "$T/g.mmd"
		[ "$status" -eq 0 ]
		[[ $output == *flowchart* ]]
	done
}

@test "graph: --format png -o FILE writes a PNG; svg names every node; -o FILE.png alone chooses png" {
	run --separate-stderr brig lab graph "$CLOS" --format png -o "$T/clos.png"
	[ "$status" -eq 0 ]
	run file "$T/clos.png"
	[[ $output == *"PNG image data"* ]]
	[ "$(stat -c %s "$T/clos.png")" -gt 10000 ]
	run --separate-stderr brig lab graph "$ROUTER" -o "$T/router.png"
	[ "$status" -eq 0 ]
	run file "$T/router.png"
	[[ $output == *"PNG image data"* ]]
	run --separate-stderr brig lab graph "$CLOS" --format svg
	[ "$status" -eq 0 ]
	[[ $output == *"<svg"* ]]
	printf '%s\n' "$output" >"$T/clos.svg"
	has_every_node "$CLOS" "$T/clos.svg"
}

@test "graph: a running lab by name shows the management addresses its nodes hold" {
	import_busybox
	topo duo <<-'EOF'
		name: duo
		topology:
		  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
		  nodes:
		    a: {}
		    b: {}
		  links:
		    - type: veth
		      endpoints:
		        - {node: a, interface: eth1, ipv4: 10.30.0.1/30}
		        - {node: b, interface: eth1, ipv4: 10.30.0.2/30}
	EOF
	run --separate-stderr brig lab up "$T/duo.clab.yml"
	[ "$status" -eq 0 ]
	run --separate-stderr brig lab inspect duo --format json
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/duo.json"
	addr_a=$(python3 -c 'import json,sys; print([n["ipv4"] for n in json.load(open(sys.argv[1]))["nodes"] if n["name"] == "a"][0])' "$T/duo.json")
	[[ $addr_a == 172.20.20.* ]]
	run --separate-stderr brig lab graph duo --format mermaid
	[ "$status" -eq 0 ]
	[[ $output == *"a<br/>busybox<br/>mgmt $addr_a\""* ]]
	[[ $output == *"eth1 10.30.0.1/30 — eth1 10.30.0.2/30"* ]]
	[[ $output == *"management network<br/>clab<br/>172.20.20.0/24"* ]]
	run --separate-stderr brig lab graph duo --format png -o "$T/duo.png"
	[ "$status" -eq 0 ]
	run file "$T/duo.png"
	[[ $output == *"PNG image data"* ]]
	run --separate-stderr brig lab down duo
	[ "$status" -eq 0 ]
}

@test "graph: a bad format, or neither a file nor a lab, fails with 125 and one line" {
	run --separate-stderr brig lab graph "$ROUTER" --format jpeg
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"invalid --format 'jpeg': dot, mermaid, svg or png"* ]]
	run --separate-stderr brig lab graph nosuchlab
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"'nosuchlab': no such lab or topology file"* ]]
	run --separate-stderr brig lab graph "$T/missing.clab.yml"
	[ "$status" -eq 125 ]
	one_line_error
	[ -z "$output" ]
}
