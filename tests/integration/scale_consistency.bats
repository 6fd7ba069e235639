#!/usr/bin/env bats
# Consistency at scale (issue 18): the lease file, the name registry and
# every container's /etc/hosts are edited in place (a join appends, a
# leave cuts its own lines) instead of rewritten from all members; after
# concurrent starts and removals they must still agree with what runs.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

# ---- helpers local to this suite -----------------------------------------

# running: "ID NAME" of every running container, sorted.
running() {
	local ids
	ids=$(brig ps -q)
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2086 # one id per word
	brig inspect $ids | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    print(d["id"], d["name"].lstrip("/"))
' | sort
}

# start_bg NAME OUTDIR: run -d in the background; its pid goes to OUTDIR/pids.
start_bg() {
	brig run -d --name "$1" busybox sleep 1000 >"$2/$1.out" 2>&1 3>&- &
	echo "$!" >>"$2/pids"
}

# rm_bg NAME OUTDIR: rm -f in the background; its pid goes to OUTDIR/pids.
rm_bg() {
	brig rm -f "$1" >"$2/rm-$1.out" 2>&1 3>&- &
	echo "$!" >>"$2/pids"
}

# wait_all OUTDIR: wait for every background pid (in this shell: they are
# its children); FAILS gets how many failed, their output is shown.
wait_all() {
	local p
	FAILS=0
	while read -r p; do
		wait "$p" || FAILS=$((FAILS + 1))
	done <"$1/pids"
	: >"$1/pids"
	[ "$FAILS" -eq 0 ] || cat "$1"/*.out
}

# start_many PREFIX N OUTDIR: PREFIX1..PREFIXN started at once, all waited
# for (FAILS: how many failed).
start_many() {
	local i
	mkdir -p "$3"
	: >>"$3/pids"
	for i in $(seq 1 "$2"); do
		start_bg "$1$i" "$3"
	done
	wait_all "$3"
}

# state_of NAME KEY...: a value of `brig inspect NAME`'s state, by path.
state_of() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = (d[0] if isinstance(d, list) else d)["state"]
for k in sys.argv[1:]:
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d)' "${@:2}"
}

# leases_ok: no address leased twice, and the leases' ids are exactly the
# running containers' (one IPv4 lease each on the one network).
leases_ok() {
	local f=$RUNROOT/leases/bridge
	local dup want have
	dup=$(grep -v '^last' "$f" | awk '{ print $1 }' | sort | uniq -d)
	[ -z "$dup" ] || { echo "leased twice: $dup"; return 1; }
	want=$(running | awk '{ print $1 }')
	have=$(grep -v '^last' "$f" | awk '{ print $2 }' | sort)
	[ "$want" = "$have" ] || { diff <(echo "$want") <(echo "$have"); return 1; }
}

# registry_ok: the network's name registry lists exactly the running ids.
registry_ok() {
	local want have
	want=$(running | awk '{ print $1 }')
	have=$(awk '{ print $1 }' "$RUNROOT/hosts/bridge" | sort)
	[ "$want" = "$have" ] || { diff <(echo "$want") <(echo "$have"); return 1; }
}

# hosts_ok NAME: the container's /etc/hosts names exactly the running
# containers, each once, besides localhost.
hosts_ok() {
	local want have
	want=$(running | awk '{ print $2 }' | sort)
	have=$(brig exec "$1" cat /etc/hosts | awk '$2 != "localhost" { print $2 }' | sort)
	[ "$want" = "$have" ] || {
		echo "$1:"
		diff <(echo "$want") <(echo "$have")
		return 1
	}
}

# every_hosts_ok: hosts_ok for every running container.
every_hosts_ok() {
	local id name bad=0
	while read -r id name; do
		hosts_ok "$name" || bad=$((bad + 1))
	done < <(running)
	[ "$bad" -eq 0 ]
}

@test "scale: 50 concurrent starts and removals, then leases, registry and every /etc/hosts agree with what runs" {
	local out=$BATS_TEST_TMPDIR/runs i
	start_many a 20 "$out"
	[ "$FAILS" -eq 0 ]

	# Mixed: 30 more starts while 10 of the first are removed.
	for i in $(seq 1 30); do
		start_bg "b$i" "$out"
		if [ "$i" -le 10 ]; then
			rm_bg "a$i" "$out"
		fi
	done
	wait_all "$out"
	[ "$FAILS" -eq 0 ]

	run running
	[ "${#lines[@]}" -eq 40 ]
	run leases_ok
	echo "$output"
	[ "$status" -eq 0 ]
	run registry_ok
	echo "$output"
	[ "$status" -eq 0 ]
	run every_hosts_ok
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "scale: after a SIGKILLed owner among many, the next start reclaims its address when it asks for it, and names stay right" {
	local out=$BATS_TEST_TMPDIR/runs
	start_many c 40 "$out"
	[ "$FAILS" -eq 0 ]

	local pid owner addr
	pid=$(state_of c20 pid)
	addr=$(state_of c20 networks 0 address)
	owner=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat")
	kill -KILL "$owner"
	wait_for 10 not_alive "$owner"

	# Its address, asked for, is free at once though 39 others hold leases.
	run brig run -d --name taker --ip "$addr" busybox sleep 1000
	[ "$status" -eq 0 ]
	run grep -c "^$addr " "$RUNROOT/leases/bridge"
	[ "$output" -eq 1 ]
	run brig rm -f c20
	[ "$status" -eq 0 ]
	run leases_ok
	echo "$output"
	[ "$status" -eq 0 ]
	run registry_ok
	echo "$output"
	[ "$status" -eq 0 ]
	run hosts_ok taker
	echo "$output"
	[ "$status" -eq 0 ]
	run hosts_ok c1
	echo "$output"
	[ "$status" -eq 0 ]
}
