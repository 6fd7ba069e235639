#!/usr/bin/env bats
# brig run: namespaces, rootfs, identity, exit status, signals, records.
# Each test runs in its own sandbox (see helpers.bash) with busybox imported.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

# ---- PID namespace -------------------------------------------------------

@test "run: the command is pid 1" {
	run brig run --rm --net none busybox sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "run: ps inside lists only the container's processes" {
	# "; true" keeps sh from exec'ing ps, so exactly sh and ps exist.
	run brig run --rm --net none busybox sh -c 'ps -o pid,comm; true'
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[1]} =~ ^\ *1\ +sh$ ]]
	[[ ${lines[2]} =~ ^\ *[0-9]+\ +ps$ ]]
}

# ---- UTS namespace -------------------------------------------------------

@test "run: default hostname is the short container id; host's unchanged" {
	local before
	before=$(sb hostname)
	run brig run --name hn busybox hostname
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9a-f]{12}$ ]]
	local hn=$output
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]:0:12}" = "$hn" ]
	[ "$(sb hostname)" = "$before" ]
}

@test "run: --hostname sets the hostname and \$HOSTNAME" {
	local before
	before=$(sb hostname)
	run brig run --rm --hostname lab1 busybox sh -c 'hostname; echo "$HOSTNAME"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = lab1 ]
	[ "${lines[1]}" = lab1 ]
	[ "$(sb hostname)" = "$before" ]
}

# ---- environment, working directory, user --------------------------------

@test "run: -e sets variables, PATH has a default" {
	run brig run --rm -e FOO=bar -e EMPTY= busybox sh -c 'echo "$FOO|${EMPTY-unset}|$PATH"'
	[ "$status" -eq 0 ]
	[[ $output == "bar||"*/bin* ]]
}

@test "run: -w sets the working directory" {
	run brig run --rm -w /tmp busybox pwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
}

@test "run: -u sets the user and group" {
	run brig run --rm -u 65534:65534 busybox sh -c 'id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = 65534 ]
	run brig run --rm -u 65534 busybox id -u
	[ "$status" -eq 0 ]
	[ "$output" = 65534 ]
}

# ---- mount namespace and rootfs ------------------------------------------

@test "run: mountinfo inside shows overlay as / and no host paths" {
	run brig run --rm --net none busybox cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	echo "$output"
	# The root mount (the last one stacked on /) is the overlay.
	local rootline
	rootline=$(awk '$5 == "/"' <<<"$output" | tail -n 1)
	[ -n "$rootline" ]
	[[ $rootline == *" - overlay "* ]]
	# No host paths: no mount point of this test's tree or of the host's
	# own mounts, except the usual API filesystems a container has too.
	local mp
	for mp in $(awk '{ print $5 }' <<<"$output"); do
		case "$mp" in
		"$SB"* | "$REPO"* | "$BATS_RUN_TMPDIR"* | *old*root* | *oldroot*)
			echo "host path mounted inside: $mp"
			return 1
			;;
		esac
	done
	for mp in $(sb awk '{ print $5 }' /proc/self/mountinfo); do
		case "$mp" in
		/ | /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;;
		esac
		if awk -v m="$mp" '$5 == m { found = 1 } END { exit !found }' <<<"$output"; then
			echo "host mount point visible inside: $mp"
			return 1
		fi
	done
}

@test "run: the host's mount table is unchanged after containers exit" {
	local before after
	before=$(sb cat /proc/self/mountinfo)
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
	run brig run --name kept --net none busybox sh -c 'echo x > /tmp/x'
	[ "$status" -eq 0 ]
	run brig run --rm busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	after=$(sb cat /proc/self/mountinfo)
	diff <(echo "$before") <(echo "$after")
}

@test "run: /proc, /sys read-only and /dev are set up" {
	run brig run --rm --net none busybox sh -c '
		test -c /dev/null && test -c /dev/zero && test -c /dev/full &&
		test -c /dev/random && test -c /dev/urandom && test -c /dev/tty &&
		test -d /dev/pts && test -d /dev/shm &&
		test -e /dev/stdin && test -e /dev/stdout && test -e /dev/stderr &&
		test -e /dev/fd && test -r /proc/self/status &&
		! touch /sys/brig-write-test 2>/dev/null && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "run: two containers from one image do not see each other's files" {
	# /etc/group: a file of the image (/etc/hosts belongs to the network)
	run brig run --name one busybox sh -c 'echo one > /tmp/only-one; echo hi:x:4242: >> /etc/group; cat /tmp/only-one'
	[ "$status" -eq 0 ]
	[ "$output" = one ]
	run brig run --name two busybox sh -c 'test ! -e /tmp/only-one && ! grep -q hi /etc/group && echo clean'
	[ "$status" -eq 0 ]
	[ "$output" = clean ]
	# The image is untouched.
	[ -z "$(find "$ROOT/images" -name only-one)" ]
	run brig run --rm busybox sh -c 'test ! -e /tmp/only-one && ! grep -q hi /etc/group && echo clean'
	[ "$output" = clean ]
}

@test "run: a ROOTFS-DIR runs on an overlay and stays untouched" {
	local dir
	dir=$(rootfs_dir)
	run brig run --rm "$dir" sh -c 'echo x > /tmp/dirtest; rm /etc/group; cat /tmp/dirtest'
	[ "$status" -eq 0 ]
	[ "$output" = x ]
	[ ! -e "$dir/tmp/dirtest" ]
	[ -e "$dir/etc/group" ]
}

# ---- IPC namespace -------------------------------------------------------

@test "run: no IPC objects of the host are visible inside" {
	local qid
	qid=$(sb ipcmk -Q | awk '{ print $NF }')
	[ -n "$qid" ]
	# The object exists on the (sandbox) host...
	[ "$(sb awk 'NR > 1' /proc/sysvipc/msg | wc -l)" -ge 1 ]
	# ...but not inside (busybox has no ipcs; /proc/sysvipc is what it reads).
	run brig run --rm busybox sh -c 'awk "FNR > 1" /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem | wc -l'
	sb ipcrm -q "$qid"
	[ "$status" -eq 0 ]
	[ "$output" -eq 0 ]
}

# ---- network namespace ---------------------------------------------------

@test "run: --net none has only lo, and it is up" {
	run brig run --rm --net none busybox ip -o link
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == *" lo: <"*UP* ]]
}

@test "run: --net host sees the host's interfaces" {
	# A veth pair made in the sandbox: proof that "host" is the host netns.
	sb ip link add brigt0 type veth peer name brigt1
	run brig run --rm --net host busybox ip -o link
	[ "$status" -eq 0 ]
	[[ $output == *brigt0* ]]
	[[ $output == *brigt1* ]]
	run brig run --rm --net none busybox ip -o link
	[[ $output != *brigt0* ]]
}

# ---- standard streams ----------------------------------------------------

@test "run: stdin, stdout and stderr pass straight through" {
	local out err
	out=$(echo hello | brig run --rm busybox cat)
	[ "$out" = hello ]
	err=$(brig run --rm busybox sh -c 'echo oops >&2' 2>&1 >/dev/null)
	[ "$err" = oops ]
}

# ---- exit status ---------------------------------------------------------

@test "run: exit status is the command's" {
	run brig run --rm busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run brig run --rm busybox true
	[ "$status" -eq 0 ]
}

@test "run: a missing command exits 127" {
	run -127 --separate-stderr brig run --rm busybox no-such-command
	[ "$status" -eq 127 ]
	[ -n "$stderr" ]
}

@test "run: a non-executable file exits 126" {
	run --separate-stderr brig run --rm busybox /etc/passwd
	[ "$status" -eq 126 ]
	[ -n "$stderr" ]
}

@test "run: an unknown image exits 125 with a one-line message" {
	run --separate-stderr brig run --rm no-such-image true
	[ "$status" -eq 125 ]
	one_line_error
}

@test "run: a bad option exits 125" {
	run --separate-stderr brig run --no-such-option busybox true
	[ "$status" -eq 125 ]
	run --separate-stderr brig run --net bogus-mode-!! busybox true
	[ "$status" -eq 125 ]
}

# The kernel never delivers a signal that PID 1 of a pid namespace sends
# itself without a handler, SIGKILL included: `sh -c 'kill -9 $$'` as PID 1
# (no --init, as in Docker) carries on.  So the command is made killable by
# running it under --init (the shell is then PID 2), and SIGKILL from the
# host reaches PID 1 itself.
@test "run: the command killed by SIGKILL exits 137" {
	run brig run --rm --init busybox sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	brig_bg "$BATS_TEST_TMPDIR/out" run --name victim busybox sh -c 'echo ready; while :; do sleep 1; done'
	wait_for 30 grep -qx ready "$BATS_TEST_TMPDIR/out"
	run brig kill -s KILL victim
	[ "$status" -eq 0 ]
	status=0
	wait "$BG_PID" || status=$?
	[ "$status" -eq 137 ]
}

# start_trapping SIGNAL CODE: brig run in the background with a shell that
# exits CODE on SIGNAL; returns once the trap is installed (it prints
# "ready" after the trap), so the signal cannot race the trap.
start_trapping() {
	OUT=$BATS_TEST_TMPDIR/out
	brig_bg "$OUT" run --name trapper busybox sh -c \
		"trap 'exit $2' $1; echo ready; while :; do sleep 1; done"
	wait_for 30 ready_or_gone || true
	grep -qx ready "$OUT" || {
		echo "brig run ended before the container was ready:"
		cat "$OUT"
		return 1
	}
}

ready_or_gone() {
	grep -qx ready "$OUT" || not_alive "$BG_PID"
}

# finish_bg: wait (bounded) for the background brig, set BG_STATUS.
finish_bg() {
	wait_for 30 not_alive "$BG_PID" || {
		kill -KILL "$BG_PID"
		echo "brig run did not end"
		return 1
	}
	BG_STATUS=0
	wait "$BG_PID" || BG_STATUS=$?
}

@test "run: SIGTERM to brig run reaches the container (exit 42)" {
	start_trapping TERM 42
	kill -TERM "$BG_PID"
	finish_bg
	cat "$OUT"
	[ "$BG_STATUS" -eq 42 ]
}

@test "run: SIGINT to brig run reaches the container" {
	start_trapping INT 43
	kill -INT "$BG_PID"
	finish_bg
	[ "$BG_STATUS" -eq 43 ]
}

@test "run: the container is running in ps while it runs" {
	start_trapping TERM 42
	run brig ps --format json
	[ "$status" -eq 0 ]
	echo "$output"
	local st
	st=$(json_field state trapper <<<"$output") || st=$(json_field status trapper <<<"$output")
	[[ ${st,,} == *running* || ${st,,} == up* ]]
	kill -TERM "$BG_PID"
	finish_bg
}

# ---- records: ps, rm, --rm, names ----------------------------------------

@test "ps -a shows an exited container; rm removes it" {
	run brig run --name done1 busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run brig ps
	[ "$status" -eq 0 ]
	[[ $output != *done1* ]]
	run brig ps -a
	[ "$status" -eq 0 ]
	[[ $output == *done1* ]]
	run brig ps -a --format json
	[ "$status" -eq 0 ]
	json_valid <<<"$output"
	json_field id done1 <<<"$output"
	run brig rm done1
	[ "$status" -eq 0 ]
	run brig ps -a
	[[ $output != *done1* ]]
	[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ]
}

@test "ps -a -q prints ids; rm accepts an id" {
	run brig run --name q1 busybox true
	[ "$status" -eq 0 ]
	run brig ps -a -q
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} =~ ^[0-9a-f]{12}([0-9a-f]{52})?$ ]]
	run brig rm "${lines[0]}"
	[ "$status" -eq 0 ]
	run brig ps -a -q
	[ -z "$output" ]
}

@test "run: the container id is 64 hex digits on disk" {
	run brig run --name idcheck busybox true
	[ "$status" -eq 0 ]
	run ls "$ROOT/containers"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} =~ ^[0-9a-f]{64}$ ]]
	[ -s "$ROOT/containers/${lines[0]}/config.json" ]
	[ -s "$ROOT/containers/${lines[0]}/state.json" ]
}

@test "run --rm leaves no record" {
	run brig run --rm --name gone busybox true
	[ "$status" -eq 0 ]
	run brig ps -a
	[[ $output != *gone* ]]
	[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ]
}

@test "run: a generated name is valid and shown by ps -a" {
	run brig run busybox true
	[ "$status" -eq 0 ]
	run brig ps -a --format json
	python3 -c '
import json, re, sys
t = sys.stdin.read().strip()
try: d = json.loads(t)
except ValueError: d = [json.loads(l) for l in t.splitlines() if l.strip()]
d = d if isinstance(d, list) else [d]
assert len(d) == 1, d
r = {k.lower(): v for k, v in d[0].items()}
n = r.get("name", r.get("names"))
n = n[0] if isinstance(n, list) else n
assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*", n.lstrip("/")), n
' <<<"$output"
}

@test "run: invalid names are refused with 125" {
	local bad
	for bad in -lead _lead .lead 'has space' 'slash/x' 'ünï'; do
		run --separate-stderr brig run --rm --name "$bad" busybox true
		echo "name '$bad': $status $stderr"
		[ "$status" -eq 125 ]
		one_line_error
	done
	[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ]
}

@test "run: valid unusual names are accepted" {
	run brig run --rm --name a.b_c-9 busybox true
	[ "$status" -eq 0 ]
}

@test "run: a duplicate name is refused with 125 and nothing runs" {
	run brig run --name twin busybox true
	[ "$status" -eq 0 ]
	run --separate-stderr brig run --name twin busybox sh -c 'echo ran'
	[ "$status" -eq 125 ]
	[[ $output != *ran* ]]
	one_line_error
	run brig ps -a -q
	[ "${#lines[@]}" -eq 1 ]
}

@test "rm of an unknown container exits 125" {
	run --separate-stderr brig rm no-such-container
	[ "$status" -eq 125 ]
	one_line_error
}
