#!/usr/bin/env bats
# brig-monitor (issue 18): once a detached container runs, its monitor
# execs the small static brig-monitor beside brig (src/monitor), which
# relays its streams and, at the end, runs `brig __monitor-finish` for what
# needs all of brig.  These tests check that the monitor is brig-monitor
# and that what went through the monitor still does: logs, attach, stdin,
# the exit code, the final record, the lease, --rm, stop; and that a brig
# without a brig-monitor beside it keeps its monitor in process.

load helpers

setup_file() {
	make -C "$REPO" -s build/helpers/attach_handoff >&2
}

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

HANDOFF=$REPO/build/helpers/attach_handoff

# id_of NAME: the container's full id.
id_of() {
	brig inspect "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'
}

# monitor_pid NAME: the pid its monitor registered (runroot/monitors/ID).
monitor_pid() {
	cut -d' ' -f1 "$RUNROOT/monitors/$(id_of "$1")"
}

# exe_of PID: what /proc/PID/exe resolves to.
exe_of() {
	readlink -f "/proc/$1/exe"
}

exe_is() { [ "$(exe_of "$1")" = "$2" ]; }

file_has() { grep -q -- "$2" "$1" 2>/dev/null; }

@test "a detached container's monitor is brig-monitor; logs, stdin and the exit code go through it" {
	run brig run -d -i --name c busybox sh -c 'echo ready; echo oops >&2; read l; echo "got $l"; exit 7'
	[ "$status" -eq 0 ]
	local mon
	mon=$(monitor_pid c)
	wait_for 20 exe_is "$mon" "$REPO/brig-monitor"
	run brig logs c
	[ "$output" = "$(printf 'ready\noops')" ]
	run sb sh -c "printf 'line\n' | '$HANDOFF' '$RUNROOT/attach/$(id_of c | cut -c1-12).fds' in,out,err,mux,once"
	[ "$status" -eq 0 ]
	[[ $output == *"1 got line"* ]]
	run brig wait c
	[ "$output" = 7 ]
	run brig ps -a --format json
	[[ $output == *'"exited"'* ]]
	# the end ran: the monitor is out of the registry, its sockets gone
	[ ! -e "$RUNROOT/monitors/$(id_of c)" ]
	[ ! -e "$RUNROOT/attach/$(id_of c | cut -c1-12).sock" ]
	run brig logs c
	[ "$output" = "$(printf 'ready\noops\ngot line')" ]
}

@test "brig-monitor: attach without a terminal, a stop's exit code, the lease released" {
	run brig run -d --name a busybox sh -c 'while :; do echo tick; sleep 0.05; done'
	[ "$status" -eq 0 ]
	wait_for 20 exe_is "$(monitor_pid a)" "$REPO/brig-monitor"
	local ip
	ip=$(brig inspect a | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["state"]["networks"][0]["address"])')
	[ -n "$ip" ]
	local out=$BATS_TEST_TMPDIR/attach
	(exec "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" attach a \
		</dev/null >"$out" 2>&1 3>&-) &
	local client=$!
	wait_for 20 file_has "$out" tick
	run brig stop -t 1 a
	[ "$status" -eq 0 ]
	wait_for 20 not_alive "$client"
	run brig wait a
	[ "$output" = 137 ] # sh as pid 1 ignores SIGTERM: the stop kills it
	run grep -q " $(id_of a) " "$RUNROOT/leases/bridge"
	[ "$status" -eq 1 ]
}

@test "brig-monitor: --rm removes the record at the end; a tty container relays its terminal" {
	run brig run -d -i --rm --name r busybox sh -c 'read x'
	[ "$status" -eq 0 ]
	local id
	id=$(id_of r)
	wait_for 20 exe_is "$(monitor_pid r)" "$REPO/brig-monitor"
	run brig kill r
	[ "$status" -eq 0 ]
	wait_for 20 test ! -e "$ROOT/containers/$id"
	run brig run -d -t --name t busybox sh -c 'tty; exit 3'
	[ "$status" -eq 0 ]
	run brig wait t
	[ "$output" = 3 ]
	run brig logs t
	[[ $output == */dev/pts/* ]]
}

@test "without brig-monitor beside it, brig keeps its monitor in process" {
	local alone=$BATS_TEST_TMPDIR/alone
	mkdir -p "$alone"
	cp "$BRIG_BIN" "$alone/brig"
	BRIG_BIN=$alone/brig
	run brig run -d -i --name f busybox sh -c 'echo fallback; read x; exit 5'
	[ "$status" -eq 0 ]
	local mon
	mon=$(monitor_pid f)
	[ "$(exe_of "$mon")" = "$alone/brig" ]
	wait_for 20 file_has "$ROOT/containers/$(id_of f)/container.log" fallback
	run brig kill -s KILL f
	run brig wait f
	[ "$output" = 137 ]
}

@test "installed layout: bin/brig finds libexec/brig/brig-monitor" {
	local prefix=$BATS_TEST_TMPDIR/prefix
	install -D -m 0755 "$BRIG_BIN" "$prefix/bin/brig"
	install -D -m 0755 "$REPO/brig-monitor" "$prefix/libexec/brig/brig-monitor"
	BRIG_BIN=$prefix/bin/brig
	run brig run -d -i --name i busybox sh -c 'echo installed; read x'
	[ "$status" -eq 0 ]
	wait_for 20 exe_is "$(monitor_pid i)" "$prefix/libexec/brig/brig-monitor"
	wait_for 20 file_has "$ROOT/containers/$(id_of i)/container.log" installed
	run brig kill i
	run brig wait i
	[ "$output" = 137 ]
}
