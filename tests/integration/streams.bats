#!/usr/bin/env bats
# Streams (issue 16, part 2): a detached container's stdout and stderr kept
# apart in its log with their times (logs -t, --tail, --since, --until),
# attach clients of the monitor for every detached container (brig attach
# without a terminal, a client handed by its fd with stdcopy framing, stdin
# for -i, clients given at launch: start -a), and a client that does not
# read never holding the container back.  Each test in its own sandbox.

load helpers

setup_file() {
	make -C "$REPO" -s build/helpers/attach_handoff >&2
}

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	[ -z "${CLIENT_PID:-}" ] || kill "$CLIENT_PID" 2>/dev/null || true
	sandbox_teardown
}

HANDOFF=$REPO/build/helpers/attach_handoff

# bg OUT CMD...: CMD inside the sandbox in the background, stdout and
# stderr in OUT; BG_PID is its pid.
bg() {
	local out=$1
	shift
	(exec "$SANDBOX" exec "$SB" "$@" </dev/null >"$out" 2>&1 3>&-) &
	BG_PID=$!
}

# bg_finish: wait (bounded) for BG_PID; its status in BG_STATUS.
bg_finish() {
	wait_for 60 not_alive "$BG_PID" || {
		kill -KILL "$BG_PID"
		echo "background command did not end"
		return 1
	}
	BG_STATUS=0
	wait "$BG_PID" || BG_STATUS=$?
}

file_has() { grep -q -- "$2" "$1" 2>/dev/null; }

# handoff_sock NAME: the monitor's handoff socket of container NAME.
handoff_sock() {
	local id
	id=$(brig inspect "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	echo "$RUNROOT/attach/${id:0:12}.fds"
}

# The container waits for /tmp/go before its last words.
GATED='while [ ! -e /tmp/go ]; do sleep 0.05; done'

@test "logs: stderr to stderr, -t puts an RFC 3339 time (ns) before each line, --tail N|all" {
	run brig run -d --net none --name t busybox sh -c \
		'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2'
	[ "$status" -eq 0 ]
	run brig wait t
	[ "$output" = 0 ]
	run --separate-stderr brig logs t
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line%s\n' 1 2 3 4 5)" ]
	[ "$stderr" = oops ]
	run --separate-stderr brig logs -t t
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[[ ${lines[0]} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ line1$ ]]
	[[ ${lines[4]} =~ ^[0-9]{4}-.*Z\ line5$ ]]
	[[ $stderr =~ ^[0-9]{4}-.*Z\ oops$ ]]
	run --separate-stderr brig logs --no-such t
	[ "$status" -ne 0 ]
	# The tail counts the lines of both streams.
	run --separate-stderr brig logs -n 3 t
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line4\nline5')" ]
	[ "$stderr" = oops ]
	run --separate-stderr brig logs --tail all t
	[ "${#lines[@]}" -eq 5 ]
	run --separate-stderr brig logs --tail 0 t
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run --separate-stderr brig logs --tail many t
	[ "$status" -eq 125 ]
	[[ $stderr == *"invalid --tail 'many'"* ]]
}

@test "logs --since/--until: RFC 3339, unix seconds and durations before now" {
	run brig run -d --net none --name s busybox sh -c 'echo hello; echo world >&2'
	[ "$status" -eq 0 ]
	run brig wait s
	[ "$output" = 0 ]
	run brig logs --since 10m s
	[ "$output" = "$(printf 'hello\nworld')" ]
	run brig logs --since 2000-01-02T03:04:05.5+01:00 s
	[ "$output" = "$(printf 'hello\nworld')" ]
	run brig logs --since 2000-01-02 --until 1h s
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig logs --since "$(($(date +%s) + 3600))" s
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig logs --until "$(($(date +%s) + 3600)).5" s
	[ "$output" = "$(printf 'hello\nworld')" ]
	run --separate-stderr brig logs --since yesterday s
	[ "$status" -eq 125 ]
	[[ $stderr == *"--since: invalid time 'yesterday'"* ]]
}

@test "attach without a terminal: new output (stdout and stderr apart) until the container exits, then 0" {
	run brig run -d --net none --name a busybox sh -c \
		"while [ ! -e /tmp/go ]; do echo tick; sleep 0.05; done; echo after-go; echo err-after >&2"
	[ "$status" -eq 0 ]
	local out=$BATS_TEST_TMPDIR/attach
	bg "$out" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" attach a
	wait_for 20 file_has "$out" tick
	run brig exec a touch /tmp/go
	[ "$status" -eq 0 ]
	bg_finish
	cat "$out"
	[ "$BG_STATUS" -eq 0 ]
	grep -q after-go "$out"
	grep -q err-after "$out"
	run brig wait a
	[ "$output" = 0 ]
}

@test "attach: a stopped container, or none, is refused in one line" {
	run brig run -d --net none --name gone busybox true
	[ "$status" -eq 0 ]
	run brig wait gone
	run --separate-stderr brig attach gone
	[ "$status" -eq 125 ]
	[[ $stderr == *"not a running detached container"* ]]
	run --separate-stderr brig attach nosuch
	[ "$status" -eq 125 ]
}

@test "handoff: a multiplexing client gets stdout as stream 1 and stderr as stream 2; flags choose the streams" {
	run brig run -d --net none --name h busybox sh -c "$GATED; echo to-out; echo to-err >&2"
	[ "$status" -eq 0 ]
	local sock both=$BATS_TEST_TMPDIR/both outonly=$BATS_TEST_TMPDIR/outonly pid1
	sock=$(handoff_sock h)
	bg "$both" "$HANDOFF" "$sock" out,err,mux
	pid1=$BG_PID
	wait_for 20 file_has "$both" '# handed'
	bg "$outonly" "$HANDOFF" "$sock" out,mux
	wait_for 20 file_has "$outonly" '# handed'
	run brig exec h touch /tmp/go
	[ "$status" -eq 0 ]
	bg_finish
	[ "$BG_STATUS" -eq 0 ]
	BG_PID=$pid1
	bg_finish
	[ "$BG_STATUS" -eq 0 ]
	cat "$both" "$outonly"
	grep -qx '1 to-out' "$both"
	grep -qx '2 to-err' "$both"
	grep -qx '1 to-out' "$outonly"
	! grep -q to-err "$outonly" || false
	run brig wait h
	[ "$output" = 0 ]
}

@test "handoff: -i gives the container a stdin pipe; a stdin-once client's end closes it" {
	run brig run -d -i --net none --name c busybox cat
	[ "$status" -eq 0 ]
	local sock
	sock=$(handoff_sock c)
	run sb sh -c "printf 'hello\nagain\n' | '$HANDOFF' '$sock' in,out,err,mux,once"
	[ "$status" -eq 0 ]
	[[ $output == *"1 hello"* ]]
	[[ $output == *"1 again"* ]]
	run brig wait c
	[ "$output" = 0 ]
	run brig logs c
	[ "$output" = "$(printf 'hello\nagain')" ]
	# Without -i the container's stdin is /dev/null, as before.
	run brig run -d --net none --name n busybox sh -c 'cat; echo cat-done'
	run brig wait n
	[ "$output" = 0 ]
	run brig logs n
	[ "$output" = cat-done ]
}

@test "start -a: a client given at launch sees the output from its first byte, and the exit status" {
	run brig run -d --net none --name sa busybox sh -c 'echo out-line; echo err-line >&2; exit 3'
	[ "$status" -eq 0 ]
	run brig wait sa
	[ "$output" = 3 ]
	run --separate-stderr brig start -a sa
	[ "$status" -eq 3 ]
	[ "$output" = out-line ]
	[ "$stderr" = err-line ]
	run --separate-stderr brig logs sa
	[ "$output" = "$(printf 'out-line\nout-line')" ]
}

@test "a client that stops reading is dropped: the container runs to its end, its log complete" {
	run brig run -d --net none --name big busybox sh -c "$GATED"'
		i=0; while [ $i -lt 3000 ]; do
			echo "line $i aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			i=$((i + 1)); done; echo done-writing'
	[ "$status" -eq 0 ]
	local id out=$BATS_TEST_TMPDIR/client
	id=$(brig inspect big | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	# A raw client that connects and never reads.
	bg "$out" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print("connected", flush=True)
time.sleep(600)' "$RUNROOT/attach/${id:0:12}.sock"
	CLIENT_PID=$BG_PID
	wait_for 20 file_has "$out" connected
	run brig exec big touch /tmp/go
	[ "$status" -eq 0 ]
	run timeout 120 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" wait big
	[ "$output" = 0 ]
	run brig logs big
	[ "${#lines[@]}" -eq 3001 ]
	[ "${lines[2999]:0:10}" = "line 2999 " ]
	[ "${lines[3000]}" = done-writing ]
}
