#!/usr/bin/env bats
# Resources (issue 5): memory, CPU, pids and cpuset limits enforced by real
# cgroups on this host, OOM reporting, cleanup of cgroups, cgroup namespace,
# and `brig stats`.
#
# The sandbox does not isolate cgroups, so every container of a test lives
# under a parent of its own (--cgroup-parent $CGP, unique per bats process
# and test) and teardown removes that parent in every hierarchy: tests never
# see each other's cgroups and leave none behind.

load helpers

setup() {
	sandbox_setup
	import_busybox
	CGP=brig-t$$-$BATS_TEST_NUMBER
}

teardown() {
	sandbox_teardown
	remove_cgroups
}

# run_l ARG...: brig run under the test's cgroup parent.
run_l() {
	brig run --cgroup-parent "$CGP" "$@"
}

# full_id NAME: the container's 64-hex id.
full_id() {
	brig inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])'
}

# cg_dir CONTROLLER NAME: the container's cgroup in a v1 hierarchy.
cg_dir() {
	echo "/sys/fs/cgroup/$1/$CGP/$(full_id "$2")"
}

require_v1() {
	[ -f "/sys/fs/cgroup/$1/cgroup.procs" ] || skip "no cgroup v1 $1 hierarchy on this host"
}

is_running() {
	[ "$(brig inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["status"])')" = running ]
}

# ---- memory and OOM -------------------------------------------------------

@test "resources: -m 32m OOM-kills the hog: 137, OOMKilled in inspect and ps; others unaffected" {
	run run_l -d --name other --net none busybox sleep 1000
	[ "$status" -eq 0 ]
	run run_l --name hog --net none -m 32m busybox \
		sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo survived'
	[ "$status" -eq 137 ]
	[[ $output != *survived* ]]
	run brig inspect hog
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["OOMKilled"])')" = True ]
	run brig ps -a
	[ "$status" -eq 0 ]
	local line
	line=$(echo "$output" | grep ' hog$')
	[[ $line == *"Exited (137)"* ]]
	[[ $line == *OOMKilled* ]]
	# The other container and the host carry on.
	is_running other
	run brig exec other echo alive
	[ "$status" -eq 0 ]
	[ "$output" = alive ]
	run brig inspect other
	[ "$(echo "$output" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["OOMKilled"])')" = False ]
	sb true
	run brig stop -t 1 other
	[ "$status" -eq 0 ]
}

@test "resources: a container within its memory limit is not marked OOMKilled" {
	run run_l --name fine --net none -m 32m busybox sh -c 'x=$(head -c 1000000 /dev/zero | tr "\0" a); echo survived'
	[ "$status" -eq 0 ]
	[ "$output" = survived ]
	[ "$(brig inspect fine | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["OOMKilled"])')" = False ]
	run brig ps -a
	[[ $output != *OOMKilled* ]]
}

# ---- CPU ------------------------------------------------------------------

# cpu_ms ARG...: run a 2-second (wall) busy loop in a container with the
# given options and print the CPU time it used, in ms: cutime + cstime of
# the container's pid 1 once it has reaped the loop (fields 16 and 17 of
# /proc/1/stat, in clock ticks).
cpu_ms() {
	local ticks hz
	hz=$(getconf CLK_TCK)
	ticks=$(run_l --rm --net none --cpu-shares 262144 "$@" busybox \
		sh -c 'timeout 2 sh -c "while :; do :; done"; cut -d" " -f16,17 /proc/1/stat; true' \
		2>/dev/null | awk '{ print $1 + $2 }')
	[ -n "$ticks" ] || return 1
	echo $((ticks * 1000 / hz))
}

@test "resources: --cpus 0.5 holds a 2 s busy loop to 0.8-1.2 s of CPU; unlimited it gets about 2 s" {
	require_v1 cpu
	# Others share this host: give the test's parent (and, with
	# --cpu-shares, the container) the largest CPU weight, so competing
	# load does not starve the measurement.  The quota is what is tested.
	mkdir -p "/sys/fs/cgroup/cpu/$CGP"
	echo 262144 >"/sys/fs/cgroup/cpu/$CGP/cpu.shares"
	local limited unlimited
	limited=$(cpu_ms --cpus 0.5)
	unlimited=$(cpu_ms)
	echo "limited: ${limited} ms, unlimited: ${unlimited} ms"
	[ "$limited" -ge 800 ]
	[ "$limited" -le 1200 ]
	[ "$unlimited" -gt 1500 ]
}

@test "resources: --cpus writes the CFS quota of the container's cgroup" {
	require_v1 cpu
	run run_l -d --name q --net none --cpus 0.5 busybox sleep 1000
	[ "$status" -eq 0 ]
	local d
	d=$(cg_dir cpu q)
	[ "$(cat "$d/cpu.cfs_quota_us")" -eq 50000 ]
	[ "$(cat "$d/cpu.cfs_period_us")" -eq 100000 ]
	brig stop -t 1 q
}

# ---- pids -----------------------------------------------------------------

@test "resources: --pids-limit 20 stops a fork bomb; the host works; brig stop stops it" {
	require_v1 pids
	# A bounded bomb: the inner shell forks sleeps until fork fails (which
	# ends it), and the outer one starts it again, forever.
	run run_l -d --name bomb --net none --pids-limit 20 busybox \
		sh -c 'while :; do sh -c "while :; do sleep 1000 & done" 2>/dev/null; done'
	[ "$status" -eq 0 ]
	local d
	d=$(cg_dir pids bomb)
	[ "$(cat "$d/pids.max")" -eq 20 ]
	# The container hits the limit: the kernel counts refused forks.
	wait_for 20 sh -c "awk '\$1 == \"max\" && \$2 > 0 { ok = 1 } END { exit !ok }' '$d/pids.events'"
	[ "$(cat "$d/pids.current")" -le 20 ]
	local sleeps=0 p
	for p in $(cat "$d/cgroup.procs"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" != sleep ] || sleeps=$((sleeps + 1))
	done
	echo "sleeps in the container: $sleeps"
	[ "$sleeps" -ge 1 ]
	[ "$sleeps" -le 20 ]
	# The host, and a new container, still fork and run.
	run sb sh -c 'for i in 1 2 3 4 5; do /bin/true; done; echo host-ok'
	[ "$status" -eq 0 ]
	[ "$output" = host-ok ]
	run run_l --rm --net none busybox echo container-ok
	[ "$status" -eq 0 ]
	[ "$output" = container-ok ]
	is_running bomb
	run brig stop -t 1 bomb
	[ "$status" -eq 0 ]
	! is_running bomb || false
	wait_for 10 sh -c "[ -z \"\$(find /sys/fs/cgroup/*/'$CGP' -mindepth 1 -type d 2>/dev/null)\" ]"
}

# ---- cpuset ---------------------------------------------------------------

@test "resources: --cpuset-cpus 0: nproc and Cpus_allowed_list inside show one CPU" {
	run run_l --rm --net none --cpuset-cpus 0 busybox \
		sh -c 'nproc; grep Cpus_allowed_list /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[[ ${lines[1]} =~ ^Cpus_allowed_list:[[:space:]]+0$ ]]
}

@test "resources: --cpuset-cpus 0: /sys/fs/cgroup inside shows the container's cpuset" {
	run run_l --rm --net none --cpuset-cpus 0 busybox \
		sh -c 'cat /sys/fs/cgroup/cpuset/cpuset.cpus 2>/dev/null || cat /sys/fs/cgroup/cpuset.cpus.effective'
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "resources: --cpuset-cpus 99 fails with 125 before anything is created" {
	run -125 --separate-stderr run_l --name cs --net none --cpuset-cpus 99 busybox true
	one_line_error
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(leftover_cgroups)" ]
}

@test "resources: --pids-limit -1 and 0 mean unlimited, as in Docker (pids.max is max)" {
	require_v1 pids
	local v d
	for v in -1 0; do
		run run_l -d --name "u$v" --net none --pids-limit "$v" busybox sleep 1000
		[ "$status" -eq 0 ]
		d=$(cg_dir pids "u$v")
		[ "$(cat "$d/pids.max")" = max ]
		brig rm -f "u$v"
	done
}

# ---- validation -----------------------------------------------------------

@test "resources: bad limit values fail with 125 and one line before anything is created" {
	local bad
	for bad in "-m 0" "-m -5" "-m abc" "-m 99999999g" "--cpus 0" "--cpus 99" \
		"--pids-limit x" "--cpus -1" "--pids-limit -3" "--cpuset-cpus x"; do
		# shellcheck disable=SC2086 # split "-m 0" into option and value
		run --separate-stderr run_l --net none $bad busybox echo ran
		echo "$bad -> $status: $stderr"
		[ "$status" -eq 125 ]
		[ -z "$output" ]
		one_line_error
	done
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(leftover_cgroups)" ]
}

# ---- cleanup and namespace ------------------------------------------------

@test "resources: after 20 containers with limits run and exit, no cgroup of brig's remains" {
	local i
	for i in $(seq 1 15); do
		run_l --rm --net none -m 32m --cpus 0.5 --pids-limit 50 --cpuset-cpus 0 busybox true
	done
	for i in $(seq 1 5); do
		run_l -d --name d$i --net none -m 32m --pids-limit 50 busybox sleep 0.2 >/dev/null
	done
	for i in $(seq 1 5); do
		brig wait d$i
	done
	# A detached container's monitor removes its cgroup after the exit is
	# recorded: poll (bounded) for that.
	wait_for 10 sh -c "[ -z \"\$(find /sys/fs/cgroup/*/'$CGP' -mindepth 1 -type d 2>/dev/null)\" ]"
	[ -z "$(leftover_cgroups)" ]
}

@test "resources: the container sees its own cgroup as /" {
	run run_l --rm --net none -m 32m --pids-limit 50 busybox cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" -ge 1 ]
	local l
	for l in "${lines[@]}"; do
		[[ $l == *:/ ]]
	done
	# ... while on the host it is inside the test's parent.
	run run_l -d --name ns --net none -m 32m busybox sleep 1000
	local pid
	pid=$(brig inspect ns | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["pid"])')
	grep -q ":memory:/$CGP/" "/proc/$pid/cgroup"
	brig stop -t 1 ns
}

# ---- stats ----------------------------------------------------------------

@test "stats --no-stream: limit, usage and pids of a running container" {
	run run_l -d --name st --net none -m 64m busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig stats --no-stream st
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == *"MEM USAGE / LIMIT"* ]]
	local row=${lines[1]}
	[[ $row == *" st "* ]]
	[[ $row =~ [[:space:]]([0-9.]+[KMG]?i?B)\ /\ 64MiB[[:space:]] ]]
	[ "${BASH_REMATCH[1]}" != 0B ]
	[[ $row =~ ([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -ge 1 ]
	brig stop -t 1 st
}

@test "stats --no-stream --format json parses and has sensible numbers" {
	run run_l -d --name sj --net none -m 64m busybox sh -c 'while :; do :; done'
	[ "$status" -eq 0 ]
	run run_l -d --name idle --net none busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig stats --no-stream --format json
	[ "$status" -eq 0 ]
	echo "$output" | json_valid
	echo "$output" | python3 -c '
import json, sys
recs = {r["name"]: r for r in json.load(sys.stdin)}
assert set(recs) == {"sj", "idle"}, recs
sj, idle = recs["sj"], recs["idle"]
for r in recs.values():
    assert set(r) >= {"id", "name", "cpu_percent", "memory_usage", "memory_limit",
                      "memory_percent", "pids", "net_rx", "net_tx"}, r
    assert len(r["id"]) == 64 and r["pids"] >= 1 and r["memory_usage"] > 0, r
assert sj["memory_limit"] == 64 * 1024 * 1024, sj
assert 0 < sj["memory_percent"] < 100, sj
assert sj["cpu_percent"] > 10, sj   # a busy loop: one core is 100%
meminfo = dict(l.split(":", 1) for l in open("/proc/meminfo"))
assert idle["memory_limit"] == int(meminfo["MemTotal"].split()[0]) * 1024, idle
assert idle["net_rx"] == 0 and idle["net_tx"] == 0, idle
'
	brig stop -t 1 sj idle
	# Only running containers are listed by default.
	run brig stats --no-stream --format json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" -eq 0 ]
}

@test "stats: network rx/tx are the container's traffic on its veth" {
	run run_l -d --name nt -m 64m busybox sleep 1000
	[ "$status" -eq 0 ]
	local gw
	gw=$(brig inspect nt | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["networks"][0]["gateway"])')
	# A sink on the sandbox's side of the bridge (the gateway brig made):
	# the container sends 200 kB to it and gets only ACKs back, so the
	# direction of the counters shows.
	(sb timeout 60 python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5555))
s.listen(1)
c, _ = s.accept()
while c.recv(65536):
    pass
' "$gw" </dev/null >/dev/null 2>&1 3>&-) &
	wait_for 20 sh -c "'$SANDBOX' exec '$SB' ss -ltn | grep -q ':5555 '"
	run brig exec nt sh -c "head -c 200000 /dev/zero | nc $gw 5555"
	[ "$status" -eq 0 ]
	run brig stats --no-stream --format json nt
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
r = json.load(sys.stdin)[0]
assert r["net_tx"] >= 200000, r        # what the container sent
assert 0 < r["net_rx"] < r["net_tx"] // 2, r   # ACKs it received
'
	brig stop -t 1 nt
}

@test "stats: streams frames, clearing the screen between them" {
	run run_l -d --name sf --net none busybox sleep 1000
	[ "$status" -eq 0 ]
	local out=$BATS_TEST_TMPDIR/stats.out
	brig_bg "$out" stats sf
	wait_for 20 sh -c "[ \"\$(grep -c 'CONTAINER ID' '$out')\" -ge 2 ]"
	kill "$BG_PID"
	wait "$BG_PID" || true
	grep -q $'\033\\[2J' "$out"
	grep -q ' sf ' "$out"
	brig stop -t 1 sf
}

@test "stats: an unknown container fails with 125 and one line" {
	run -125 --separate-stderr brig stats --no-stream nosuch
	one_line_error
	run -125 --separate-stderr brig stats --format yaml --no-stream
	one_line_error
}
