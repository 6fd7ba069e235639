# shellcheck shell=bash disable=SC2154 # sourced by bats: $status, $output
# lab_helpers.bash - for the lab suites (lab*.bats, netem.bats, probe.bats)
# and the FRR ones (lab_frr.bats, lab_ospf6.bats, ospf.bats): `load helpers`
# first, then `load lab_helpers`.  Their setup is lab_setup, or frr_setup
# for a suite whose setup_file is frr_setup_file (helpers.bash).
#
# A topology file is written by the test into its own temp dir:
#   topo NAME <<-'EOF' ... EOF     ->  $BATS_TEST_TMPDIR/NAME.clab.yml
#
# "lab down leaves everything as before" is checked by two snapshots of the
# sandbox "host" and of brig's state, taken by host_state into a directory
# each, compared with diff (unchanged):
#   links     sb ip -o link
#   routes    sb ip route
#   nft       sb nft list ruleset
#   procs     every process in the sandbox but the holder (sandbox.sh pids)
#   containers, networks, labs   brig ps -a -q, brig network ls, brig lab ls
#   cgroups   brig's cgroup parent and every directory below it, in every
#             hierarchy (see ours_only)

# lab_setup: a test's sandbox with busybox imported; T is the test's temp
# dir (where topo writes).
lab_setup() {
	sandbox_setup
	import_busybox
	T=$BATS_TEST_TMPDIR
}

# frr_setup: lab_setup and the FRR image (FRR_TAR, from frr_setup_file)
# imported as `frr`, or a skip with frr_setup_file's reason (FRR_SKIP).
frr_setup() {
	require_root
	if [ -n "$FRR_SKIP" ]; then
		skip "$FRR_SKIP"
	fi
	lab_setup
	brig image import "$FRR_TAR" frr >/dev/null
}

# topo NAME: stdin into $BATS_TEST_TMPDIR/NAME.clab.yml.
topo() {
	cat >"$BATS_TEST_TMPDIR/$1.clab.yml"
}

# warm_up: one container run and removed before the "before" snapshot.
# brig's cgroup parent ("brig", in every hierarchy), its default network's
# bridge br0 and its nftables table `inet brig` are made by the first
# container that starts and stay until `brig system reset`: they are brig's
# furniture, not the lab's, so a lab must leave them as it found them.
warm_up() {
	brig run --rm busybox true
	# br0 loses its carrier a moment after its last port is gone
	wait_for 10 no_carrier br0
}

# no_carrier BRIDGE: BRIDGE, in the sandbox, has no port up.
no_carrier() {
	[[ $(sb ip -o link show "$1") == *"NO-CARRIER"* ]]
}

# cgroup_dirs: brig's cgroup parent and every directory below it, in every
# hierarchy (cgroup v1 controllers, the v2 "unified" tree, or a pure v2
# mount), sorted.
cgroup_dirs() {
	local d
	for d in /sys/fs/cgroup/brig /sys/fs/cgroup/*/brig; do
		if [ -d "$d" ]; then
			find "$d" -type d 2>/dev/null || true # a directory may go meanwhile
		fi
	done | sort
}

# sandbox_procs: pid, state and command line of every process in the
# sandbox but its holder.
sandbox_procs() {
	local pids
	pids=$("$SANDBOX" pids "$SB" | sort -n | paste -sd,)
	if [ -n "$pids" ]; then
		ps -o pid=,stat=,args= -p "$pids" || true
	fi
}

# remember_ids: note the ids of this test's containers (as `brig ps` and
# the state directory know them) for ours_only.  Called while a lab is up,
# before it goes down.
remember_ids() {
	brig ps -a -q >>"$BATS_TEST_TMPDIR/ids"
	ls "$ROOT/containers" >>"$BATS_TEST_TMPDIR/ids" 2>/dev/null || true
}

# ours_only DIR: DIR/cgroups from DIR/cgroups.raw without the container
# directories of containers that are not this test's.  Cgroups are global:
# another brig on this machine (another test run, a user) may add or
# remove its own container directories below "brig" at any moment, while a
# leak of ours would be named by one of our ids (a container has a cgroup
# only once its record exists, so remember_ids has seen it).  Everything
# else below "brig", and "brig" itself, is compared as it is.
ours_only() {
	awk -v ids="$BATS_TEST_TMPDIR/ids" '
		BEGIN { while ((getline l < ids) > 0) mine[substr(l, 1, 12)] = 1 }
		{
			n = split($0, part, "/")
			leaf = part[n]
			if (length(leaf) == 64 && leaf !~ /[^0-9a-f]/ && !(substr(leaf, 1, 12) in mine))
				next
			print
		}' "$1/cgroups.raw" >"$1/cgroups"
}

# host_state DIR: snapshot into DIR (see the top of this file).
host_state() {
	local d=$1
	mkdir -p "$d"
	sb ip -o link >"$d/links"
	sb ip route >"$d/routes"
	sb nft list ruleset >"$d/nft"
	sandbox_procs >"$d/procs"
	brig ps -a -q >"$d/containers"
	brig network ls >"$d/networks"
	brig lab ls >"$d/labs"
	cgroup_dirs >"$d/cgroups.raw"
}

# same_state BEFORE AFTER: a new snapshot into AFTER equals BEFORE.
same_state() {
	rm -rf "$2"
	host_state "$2"
	touch "$BATS_TEST_TMPDIR/ids"
	ours_only "$1"
	ours_only "$2"
	diff -r -x cgroups.raw "$1" "$2" >/dev/null
}

# unchanged BEFORE: the sandbox and brig are as host_state BEFORE saw them.
# Polled (bounded): a bridge's carrier, and a killed task leaving its
# cgroup, settle a moment after `lab down` returns.  The last diff shows
# what differs when they never become equal.
unchanged() {
	local after=$BATS_TEST_TMPDIR/after
	wait_for 20 same_state "$1" "$after" || true
	diff -ru -x cgroups.raw "$1" "$after"
}

# lab_json LAB EXPR: evaluate python EXPR on `brig lab inspect LAB --format
# json` (as d) and print the result.
lab_json() {
	brig lab inspect "$1" --format json |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}

# container_names: the names of every container, sorted, on one line.
container_names() {
	brig ps -a --format json |
		python3 -c 'import json, sys; print(" ".join(sorted(r["name"] for r in json.load(sys.stdin))))'
}

# container_ids: the ids of every container, sorted, on one line.
container_ids() {
	brig ps -a --format json |
		python3 -c 'import json, sys; print(" ".join(sorted(r["id"] for r in json.load(sys.stdin))))'
}

# pings CT ADDR: one echo request from container CT to ADDR is answered.
pings() {
	brig exec "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1
}

# node_labels CT: container CT's labels as sorted KEY=VALUE words.
node_labels() {
	brig inspect "$1" | python3 -c 'import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(" ".join("%s=%s" % kv for kv in sorted(d["config"]["labels"].items())))'
}
