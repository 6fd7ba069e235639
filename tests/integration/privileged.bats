#!/usr/bin/env bats
# brig run --privileged (Docker's: the host's capabilities and devices,
# writable /proc/sys and /sys, nothing masked) and --label/-l, kept in the
# record and shown by inspect.  Each test runs in its own sandbox (see
# helpers.bash) with busybox imported.
#
# Never change the host: a privileged container could, so these tests only
# write sysctls of the container's own network namespace (--net none) and
# read mount options rather than write /sys.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

# The capability bounding set of this test process (the host's).
host_capbnd() {
	awk '/^CapBnd:/ { print $2 }' /proc/self/status
}

# mount_opts PATH: the options of the mount at PATH inside the container,
# from /proc/mounts (the last one mounted there wins).
MOUNT_OPTS='awk -v p="$0" '\''$2 == p { o = $4 } END { print o }'\'' /proc/mounts'

# inspect_json NAME EXPR: the Python expression EXPR of d, the inspect
# document of NAME, printed as JSON.
inspect_json() {
	brig inspect "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
print(json.dumps(eval(sys.argv[1]), sort_keys=True))
' "$2"
}

# ---- /proc/sys and /sys ---------------------------------------------------------

@test "privileged: sysctl -w works inside (own netns); without it /proc/sys is read-only" {
	run brig run --rm --privileged --net none busybox sysctl -w net.ipv4.ip_forward=1
	[ "$status" -eq 0 ]
	[ "$output" = "net.ipv4.ip_forward = 1" ]
	run brig run --rm --net none busybox sysctl -w net.ipv4.ip_forward=1
	[ "$status" -ne 0 ]
}

@test "privileged: /sys is mounted read-write; read-only without it" {
	run brig run --rm --privileged --net none busybox sh -c "$MOUNT_OPTS" /sys
	[ "$status" -eq 0 ]
	[[ $output == rw,* ]]
	run brig run --rm --net none busybox sh -c "$MOUNT_OPTS" /sys
	[ "$status" -eq 0 ]
	[[ $output == ro,* ]]
}

@test "privileged: no masked or read-only /proc paths" {
	# nothing mounted over anything below /proc
	run brig run --rm --privileged --net none busybox awk '$2 ~ "^/proc/." { print $2 }' /proc/mounts
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the same paths as a default container has them: /proc/keys (on a
	# kernel with keys) is /dev/null there
	run brig run --rm --net none busybox awk '$2 ~ "^/proc/." { print $2 }' /proc/mounts
	[ "$status" -eq 0 ]
	[[ $output == *"/proc/sys"* ]]
	if [ -e /proc/keys ]; then
		[[ $output == *"/proc/keys"* ]]
	fi
}

# ---- capabilities ---------------------------------------------------------------

@test "privileged: CapEff is the host's bounding set (not a full set); a default container's is not" {
	local bnd
	bnd=$(host_capbnd)
	run brig run --rm --privileged --net none busybox awk '/^CapEff:/ { print $2 }' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" = "$bnd" ]
	run brig run --rm --net none busybox awk '/^CapEff:/ { print $2 }' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" != "$bnd" ]
}

@test "privileged: exec gets the same capabilities; --cap-drop does not apply" {
	local bnd
	bnd=$(host_capbnd)
	run brig run -d --name p --privileged --cap-drop NET_ADMIN --net none busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig exec p awk '/^CapEff:/ { print $2 }' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" = "$bnd" ]
}

# ---- devices --------------------------------------------------------------------

@test "privileged: the host's devices, subdirectories too; the container's own devpts" {
	[ -c /dev/net/tun ] || skip "the host has no /dev/net/tun"
	run brig run --rm --privileged --net none busybox sh -c '
		test -c /dev/net/tun && test -c /dev/null && test -L /dev/ptmx &&
		test ! -e /dev/console && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	# a new devpts instance: no pty of the host's in it
	run brig run --rm --privileged --net none busybox ls /dev/pts
	[ "$status" -eq 0 ]
	[ "$output" = ptmx ]
	run brig run --rm --net none busybox test -e /dev/net/tun
	[ "$status" -ne 0 ]
}

# ---- the record -----------------------------------------------------------------

@test "privileged: start of a stopped privileged container is privileged again" {
	local bnd
	bnd=$(host_capbnd)
	run brig run -d --name p --privileged --net none busybox sleep 1000
	[ "$status" -eq 0 ]
	run brig stop -t 1 p
	[ "$status" -eq 0 ]
	run brig start p
	[ "$status" -eq 0 ]
	# PID 1 is what start made, not an exec
	run brig exec p awk '/^CapEff:/ { print $2 }' /proc/1/status
	[ "$status" -eq 0 ]
	[ "$output" = "$bnd" ]
	run brig exec p sysctl -w net.ipv4.ip_forward=1
	[ "$status" -eq 0 ]
}

@test "inspect: HostConfig.Privileged and config.labels; none read as false and {}" {
	run brig run --name p --privileged --label lab=ospf -l role=router -l flag --net none busybox true
	[ "$status" -eq 0 ]
	[ "$(inspect_json p 'd["HostConfig"]["Privileged"]')" = true ]
	[ "$(inspect_json p 'd["config"]["labels"]')" = '{"flag": "", "lab": "ospf", "role": "router"}' ]
	run brig run --name plain --net none busybox true
	[ "$status" -eq 0 ]
	[ "$(inspect_json plain 'd["HostConfig"]["Privileged"]')" = false ]
	[ "$(inspect_json plain 'd["config"]["labels"]')" = '{}' ]
}

@test "label: --label a=b -l c round-trips; a later KEY wins; they survive a start" {
	run brig run -d --name l --label a=b -l c -l a=x=y --net none busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(inspect_json l 'd["config"]["labels"]')" = '{"a": "x=y", "c": ""}' ]
	run brig stop -t 1 l
	[ "$status" -eq 0 ]
	run brig start l
	[ "$status" -eq 0 ]
	[ "$(inspect_json l 'd["config"]["labels"]')" = '{"a": "x=y", "c": ""}' ]
}

@test "label: a bad label is one line of error, exit 125, and no container" {
	run --separate-stderr brig run --rm --label =x busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"invalid label '=x'"* ]]
	run --separate-stderr brig run --rm -l "$(printf 'a\nb=1')" busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
