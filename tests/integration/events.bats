#!/usr/bin/env bats
# Events (issue 16): the engine's event file and `brig events`: what a run
# emits, --since/--until, filters, network connect/disconnect, the file's
# bound, concurrent writers, corrupt lines.
#
# Containers use a cgroup parent of the test's own ($CGP); teardown removes it.

load helpers

setup() {
	sandbox_setup
	CGP=brig-test-$$-$BATS_TEST_NUMBER
	EVENTS=$RUNROOT/events/events.jsonl
	export CGP EVENTS
	import_busybox
}

teardown() {
	if [ -n "${BG_PID:-}" ]; then
		kill "$BG_PID" 2>/dev/null || true
	fi
	sandbox_teardown
	remove_cgroups
}

brun() {
	brig run --cgroup-parent "$CGP" "$@"
}

# now: unix seconds with nanoseconds, as --since/--until take them.
now() { date +%s.%N; }

# has_action FILE ACTION: FILE holds an event line with that Action.
has_action() {
	grep -q "\"Action\":\"$2\"" "$1"
}

# actions_of NAME: from JSON event lines on stdin, the actions of the
# container named NAME, in order, space-separated.
actions_of() {
	python3 -c '
import json, sys
name = sys.argv[1]
out = []
for line in sys.stdin:
    ev = json.loads(line)
    if ev["Type"] == "container" and ev["Actor"]["Attributes"].get("name") == name:
        out.append(ev["Action"])
print(" ".join(out))
' "$1"
}

# attr_of NAME ACTION KEY: the attribute KEY of NAME's ACTION event (stdin).
attr_of() {
	python3 -c '
import json, sys
name, action, key = sys.argv[1:4]
for line in sys.stdin:
    ev = json.loads(line)
    a = ev["Actor"]["Attributes"]
    if ev["Action"] == action and a.get("name") == name:
        print(a.get(key, ""))
' "$@"
}

# field_set KEY: the distinct values of an event's KEY ("Type", "Action",
# or "name" for Actor.Attributes.name) over the JSON lines on stdin.
field_set() {
	python3 -c '
import json, sys
key = sys.argv[1]
vals = set()
for line in sys.stdin:
    ev = json.loads(line)
    vals.add(ev["Actor"]["Attributes"].get("name", "") if key == "name" else ev[key])
print(" ".join(sorted(vals)))
' "$1"
}

@test "events: a following reader sees create, start, die with exitCode 3, destroy" {
	local t0
	t0=$(now)
	brig_bg "$BATS_TEST_TMPDIR/ev" events --format json --since "$t0"
	run brun --rm --name x busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	wait_for 30 has_action "$BATS_TEST_TMPDIR/ev" destroy
	run actions_of x <"$BATS_TEST_TMPDIR/ev"
	[ "$output" = "create start die destroy" ]
	run attr_of x die exitCode <"$BATS_TEST_TMPDIR/ev"
	[ "$output" = 3 ]
	run attr_of x start image <"$BATS_TEST_TMPDIR/ev"
	[ "$output" = busybox ]
}

@test "events: only new events without --since, until Ctrl-C" {
	brun --rm --name before busybox true
	brig_bg "$BATS_TEST_TMPDIR/ev" events --format json
	# the reader is live once it sees an event emitted after it started:
	# keep emitting until one arrives (bounded)
	wait_for 30 volume_seen "$BATS_TEST_TMPDIR/ev"
	run grep -c '"name":"before"' "$BATS_TEST_TMPDIR/ev"
	[ "$output" = 0 ]
	kill -INT "$BG_PID"
	wait_for 30 not_alive "$BG_PID"
}

# volume_seen FILE: create a volume, then whether FILE shows one's create.
volume_seen() {
	brig volume create "v$RANDOM" >/dev/null
	grep -q '"Type":"volume"' "$1"
}

@test "events: --since replays the past, --until ends the stream" {
	local t0 t1
	t0=$(now)
	brun --rm --name p busybox true
	t1=$(now)
	run timeout 60 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" \
		events --format json --since "$t0" --until "$t1"
	[ "$status" -eq 0 ]
	run actions_of p <<<"$output"
	[ "$output" = "create start die destroy" ]
}

@test "events: --until in the future ends the stream by itself" {
	local until
	until=$(($(date +%s) + 2))
	run timeout 60 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" \
		events --until "$until"
	[ "$status" -eq 0 ]
}

@test "events: --filter event=die and container=NAME select" {
	local t0 t1
	t0=$(now)
	# names that no id can start with: container= also takes id prefixes
	brun --rm --name pa busybox true
	brun --rm --name pb busybox sh -c 'exit 1' || true
	t1=$(now)
	run brig events --format json --since "$t0" --until "$t1" --filter event=die
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	run field_set Action <<<"$output"
	[ "$output" = die ]
	run brig events --format json --since "$t0" --until "$t1" --filter container=pa
	[ "$status" -eq 0 ]
	run field_set name <<<"$output"
	[ "$output" = pa ]
	run brig events --format json --since "$t0" --until "$t1" -f container=pa -f container=pb -f event=start
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	run brig events --format json --since "$t0" --until "$t1" --filter type=network
	[ "$status" -eq 0 ]
	run field_set Type <<<"$output"
	[ "$output" = network ]
}

@test "events: network create, connect (at start and by hand), disconnect, destroy" {
	local t0 t1 id
	brig network create --subnet 10.77.1.0/24 evn
	brig network create --subnet 10.77.2.0/24 evm
	t0=$(now)
	brun -d --name w --network evn busybox sleep 1000
	id=$(brig inspect w | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	brig network connect evm w
	brig network disconnect evm w
	brig rm -f w
	t1=$(now)
	run brig events --format json --since "$t0" --until "$t1" --filter type=network
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
for line in sys.stdin:
    ev = json.loads(line)
    a = ev["Actor"]["Attributes"]
    print(ev["Action"], ev["Actor"]["ID"], a["name"], a.get("container") == sys.argv[1])
' "$id" <<<"$output"
	[ "${lines[0]}" = "connect evn evn True" ]
	[ "${lines[1]}" = "connect evm evm True" ]
	[ "${lines[2]}" = "disconnect evm evm True" ]
	[ "${lines[3]}" = "disconnect evn evn True" ]
	[ "${#lines[@]}" -eq 4 ]
	brig network rm evm
	run brig events --format json --since 0 --until "$(now)" --filter network=evm --filter event=create --filter event=destroy
	[ "$status" -eq 0 ]
	run field_set Action <<<"$output"
	[ "$output" = "create destroy" ]
}

@test "events: stop is kill 15, kill 9, die, stop; image tag and volume rm are seen" {
	local t0
	t0=$(now)
	brun -d --name s busybox sleep 1000
	# sleep as the namespace's pid 1 ignores SIGTERM: stop goes on to SIGKILL
	brig stop -t 1 s
	brig image tag busybox b2
	brig volume create vv
	brig volume rm vv
	run brig events --format json --since "$t0" --until "$(now)" --filter container=s
	[ "$status" -eq 0 ]
	run actions_of s <<<"$output"
	[ "$output" = "create start kill kill die stop" ]
	run brig events --format json --since "$t0" --until "$(now)" --filter event=kill
	[ "$status" -eq 0 ]
	run attr_of s kill signal <<<"$output"
	[ "${lines[0]}" = 15 ]
	[ "${lines[1]}" = 9 ]
	run brig events --since "$t0" --until "$(now)" --filter type=image --filter type=volume
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ Z\ image\ tag\ sha256:[0-9a-f]{64}\ \(name=b2\)$ ]]
	[[ "${lines[1]}" == *" volume create vv (driver=local)" ]]
	[[ "${lines[2]}" == *" volume destroy vv (driver=local)" ]]
}

@test "events: table form, one line per event as Docker prints it" {
	local t0
	t0=$(now)
	brun --rm --name t busybox true
	run brig events --since "$t0" --until "$(now)" --filter event=create
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ container\ create\ [0-9a-f]{64}\ \(image=busybox,\ name=t\)$ ]]
}

@test "events: the file stays bounded; the rotated part is still replayed" {
	mkdir -p "$RUNROOT/events"
	# a little more than 1 MiB of older events
	python3 -c '
import json, sys
with open(sys.argv[1], "w") as f:
    i, size = 0, 0
    while size <= 1 << 20:
        ev = {"Type": "volume", "Action": "create", "Actor": {"ID": "old%d" % i,
              "Attributes": {"driver": "local"}}, "scope": "local",
              "time": 1000000000 + i, "timeNano": (1000000000 + i) * 10**9}
        line = json.dumps(ev, separators=(",", ":")) + "\n"
        f.write(line)
        size += len(line)
        i += 1
    print(i)
' "$EVENTS" >"$BATS_TEST_TMPDIR/count"
	brig volume create fresh
	run stat -c %s "$EVENTS"
	[ "$output" -lt 4096 ]
	run stat -c %s "$EVENTS.1"
	[ "$output" -gt 1000000 ]
	[ "$output" -le 1049000 ]
	run brig events --format json --since 0 --until "$(now)" --filter type=volume
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq $(($(cat "$BATS_TEST_TMPDIR/count") + 1)) ]
	[[ "${lines[-1]}" == *'"ID":"fresh"'* ]]
}

@test "events: a follower goes on across a rotation, missing nothing" {
	local t0 i
	mkdir -p "$RUNROOT/events"
	# 1000 bytes under the bound: a few more events fit, then one rotates it
	python3 -c '
import sys
line = "{\"Type\":\"volume\",\"Action\":\"create\",\"Actor\":{\"ID\":\"old\",\"Attributes\":{}},\"timeNano\":1}\n"
with open(sys.argv[1], "w") as f:
    f.write(line * (((1 << 20) - 1000) // len(line)))
' "$EVENTS"
	t0=$(now)
	brig_bg "$BATS_TEST_TMPDIR/ev" events --format json --since "$t0" --filter type=volume
	brig volume create v0 >/dev/null
	# the follower is following once it has shown v0; the rotation comes after
	wait_for 30 grep -q '"ID":"v0"' "$BATS_TEST_TMPDIR/ev"
	[ ! -e "$EVENTS.1" ]
	for i in $(seq 1 20); do
		brig volume create "v$i" >/dev/null
	done
	[ -e "$EVENTS.1" ]
	wait_for 30 grep -q '"ID":"v20"' "$BATS_TEST_TMPDIR/ev"
	run grep -c '"Type":"volume"' "$BATS_TEST_TMPDIR/ev"
	[ "$output" = 21 ]
}

@test "events: 20 concurrent runs never interleave lines" {
	local pids=() i
	for i in $(seq 1 20); do
		brun --rm busybox true &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    ev = json.loads(line)
    n += ev["Action"] == "destroy"
print(n)
' "$EVENTS"
	[ "$status" -eq 0 ]
	[ "$output" = 20 ]
}

@test "events: a torn or corrupt line is skipped, the rest is read" {
	local t0
	t0=$(now)
	brig volume create one
	printf '{"Type":"volume","Action":"create","Actor":{"ID":"torn"\n' >>"$EVENTS"
	printf 'garbage\n\n{"Type":1}\n' >>"$EVENTS"
	brig volume create two
	run brig events --format json --since "$t0" --until "$(now)"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == *'"ID":"one"'* ]]
	[[ "${lines[1]}" == *'"ID":"two"'* ]]
}

@test "events: a bad filter or time is one error line, status 125" {
	run --separate-stderr brig events --filter nope=1
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig events --filter event
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig events --since yesterday
	[ "$status" -eq 125 ]
	one_line_error
}
