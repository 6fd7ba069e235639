#!/usr/bin/env bats
# The start path's shortcuts (issue 18) keep what a container sees and what
# `run --rm` leaves behind: a volatile upper only for --rm, nothing left.
# Each test runs in its own sandbox (see helpers.bash) with busybox imported.

load helpers

setup() {
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
}

@test "start: an --rm container's upper is volatile, and nothing is left" {
	run brig run --rm --net none busybox sh -c 'grep " / overlay" /proc/mounts'
	[ "$status" -eq 0 ]
	[[ $output == *fsync=volatile* ]]
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run ls -A "$ROOT/containers"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "start: a kept container's upper is synced (not volatile) and restarts" {
	run brig run --name keep --net none busybox sh -c 'grep " / overlay" /proc/mounts; echo x >/f'
	[ "$status" -eq 0 ]
	[[ $output != *volatile* ]]
	run brig start -a keep
	[ "$status" -eq 0 ]
	[[ $output != *volatile* ]]
	# the only record: its upper holds the file the first run wrote
	run sb sh -c 'cat "$1"/containers/*/upper/f' sh "$ROOT"
	[ "$status" -eq 0 ]
	[ "$output" = x ]
}

# state.json's "owner": N
owner_of() {
	sed -n 's/^ *"owner": \([0-9]*\),*$/\1/p' "$1"
}

gone() {
	if kill -0 "$1" 2>/dev/null; then return 1; fi
}

@test "start: gc removes an --rm record a crash left with a torn config.json" {
	run brig run -d --rm --net none --name torn busybox sleep 300
	[ "$status" -eq 0 ]
	local id=$output dir owner
	dir=$ROOT/containers/$id
	wait_for 10 test -s "$dir/state.json"
	owner=$(owner_of "$dir/state.json")
	[ -n "$owner" ]
	# a crash: the monitor dies (the container with it: pdeathsig) and
	# the unsynced config.json is left empty
	kill -KILL "$owner"
	wait_for 10 gone "$owner"
	: >"$dir/config.json"
	run brig system gc
	[ "$status" -eq 0 ]
	[ ! -e "$dir" ]
	[ ! -e "/sys/fs/cgroup/pids/brig/$id" ]
	run brig run --rm --net none --name torn busybox true
	[ "$status" -eq 0 ]
}
