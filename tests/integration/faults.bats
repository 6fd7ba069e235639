#!/usr/bin/env bats
# Faults (issue 19): hostile values and damaged state files must neither be
# accepted nor lose anything.  Each test runs in its own sandbox.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
	remove_cgroups
}

@test "faults: loopback, multicast, link-local, unspecified and broadcast subnets fail with 125 and one line" {
	local sn
	for sn in 127.0.0.0/8 127.1.0.0/16 224.0.0.0/4 239.1.0.0/16 169.254.0.0/16 0.0.0.0/8 \
		240.0.0.0/4 255.255.255.0/24; do
		run --separate-stderr brig network create --subnet "$sn" bad
		echo "$sn -> $status: $stderr"
		[ "$status" -eq 125 ]
		one_line_error
		[[ $stderr == *"$sn"* ]]
	done
	run brig network ls
	[ "$status" -eq 0 ]
	[[ $output != *bad* ]]
}

@test "faults: a 300-character network name fails with 125 instead of being cut" {
	local name
	name=$(printf 'n%.0s' $(seq 300))
	run --separate-stderr brig network create --subnet 10.61.0.0/24 "$name"
	[ "$status" -eq 125 ]
	one_line_error
	run brig network ls
	[[ $output != *nnnnnnnn* ]]
}

@test "faults: a --sysctl value with a newline fails with 125 and one line" {
	run --separate-stderr brig run --rm --sysctl $'net.ipv4.ip_forward=1\nkernel.core_pattern=core' busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --sysctl $'net.ipv4.ip_forward=1\r' busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run brig ps -a -q
	[ -z "$output" ]
}

@test "faults: brig's bridges refuse router advertisements (accept_ra=0, autoconf=0)" {
	[ -d /proc/sys/net/ipv6 ] || skip "no IPv6 in this kernel"
	brig network create --subnet 10.62.0.0/24 lab
	brig run --rm busybox true
	run brig run --rm --net lab busybox true
	[ "$status" -eq 0 ]
	local br
	for br in br0 br-lab; do
		[ "$(sb cat "/proc/sys/net/ipv6/conf/$br/accept_ra")" -eq 0 ]
		[ "$(sb cat "/proc/sys/net/ipv6/conf/$br/autoconf")" -eq 0 ]
	done
}

@test "faults: a corrupt lease line gives exactly one warning line, and run -d still succeeds" {
	brig run -d --name first busybox sleep 1000
	echo "not a lease line" >>"$RUNROOT/leases/bridge"
	run --separate-stderr brig run -d --name second busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'warning: lease file')" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == "brig: warning: lease file "*"skipped 1 corrupt line(s)"* ]]
	run brig ps -q
	[ "$(wc -l <<<"$output")" -eq 2 ]
}

# address_of NAME: the container's address on its first network.
address_of() {
	brig inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["state"]["networks"][0]["address"])'
}

damage_leases() {
	local f=$RUNROOT/leases/bridge
	case $1 in
	truncate) : >"$f" ;;
	delete) rm -f "$f" ;;
	random) head -c 512 /dev/urandom >"$f" ;;
	cut)
		head -c 7 "$f" >"$f.cut"
		mv "$f.cut" "$f"
		;;
	esac
}

@test "faults: a truncated, deleted, random or cut lease file never hands out a live container's address" {
	local how a b
	for how in truncate delete random cut; do
		brig run -d --name a busybox sleep 1000
		damage_leases "$how"
		brig run -d --name b busybox sleep 1000 2>/dev/null
		a=$(address_of a)
		b=$(address_of b)
		echo "$how: a=$a b=$b"
		[ -n "$a" ]
		[ -n "$b" ]
		[ "$a" != "$b" ]
		damage_leases "$how"
		run brig system gc
		[ "$status" -eq 0 ]
		# gc rewrote a whole file holding both live leases
		grep -q "^$a " "$RUNROOT/leases/bridge"
		grep -q "^$b " "$RUNROOT/leases/bridge"
		grep -q '^last ' "$RUNROOT/leases/bridge"
		brig rm -f a b
	done
}

# kill_at MS OUT ARG...: start brig ARG... in the background, SIGKILL it
# after MS milliseconds (a fault injected at a moment, not a wait for
# anything), and reap it.
kill_at() {
	local ms=$1 out=$2
	shift 2
	brig_bg "$out" "$@"
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 "$BG_PID" 2>/dev/null || true
	wait "$BG_PID" 2>/dev/null || true
}

# nothing_left: no record, process, monitor file, veth, lease or cgroup of
# brig's remains in the sandbox.
nothing_left() {
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ]
	[ -z "$(ls -A "$RUNROOT/monitors" 2>/dev/null)" ]
	[ "$(pgrep -fc 'sleep 604[34]' || true)" -eq 0 ]
	[ "$(pgrep -fc -- "--root $ROOT " || true)" -eq 0 ]
	[ "$(pgrep -fc -- " root=$ROOT " || true)" -eq 0 ] # brig-monitor's argv
	[ "$(sb ip -o link | grep -c ': vb' || true)" -eq 0 ]
	[ "$(grep -vc '^last ' "$RUNROOT/leases/bridge" || true)" -eq 0 ]
	wait_for 10 test -z "$(leftover_cgroups)"
}

@test "faults: SIGKILL of run -d (20 times, 0-50 ms) and of a foreground run (10 times): rm -f and gc leave nothing" {
	CGP=brig-t$$-$BATS_TEST_NUMBER
	local k name
	brig run --rm busybox true # the bridge exists: the kills hit containers, not setup
	for k in $(seq 0 19); do
		kill_at $((k * 50 / 19)) "$BATS_TEST_TMPDIR/d$k" \
			run -d --cgroup-parent "$CGP" --name "d$k" busybox sleep 6043
	done
	for k in $(seq 0 9); do
		kill_at $((k * 50 / 9)) "$BATS_TEST_TMPDIR/f$k" \
			run --cgroup-parent "$CGP" --name "f$k" busybox sleep 6044
	done
	# Every container that was created is listed, and removable.
	for name in $(brig ps -a --format json | python3 -c 'import json, sys; [print(r["name"]) for r in json.load(sys.stdin)]'); do
		run brig rm -f "$name"
		[ "$status" -eq 0 ]
	done
	run brig system gc
	[ "$status" -eq 0 ]
	nothing_left
}
