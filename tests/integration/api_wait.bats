#!/usr/bin/env bats
# brig serve (issue 16): POST /containers/ID/wait, driven by the docker CLI
# 20.10 (/usr/local/lib/brig-test/docker, never dockerd) and curl against a
# daemon on the test's own socket inside its sandbox.  A wait that must
# follow the events runs on a thread of its own (src/api/wait.c: closing
# the inotify watch costs a grace period that no client should wait for);
# these tests pin what that must not change: the answer, the connection's
# next request, a client that goes away mid-wait.

load helpers
load api_helpers

setup() {
	api_setup busybox
}

teardown() {
	api_serve_stop
	sandbox_teardown
}

docker() {
	"$SANDBOX" exec "$SB" "$DOCKER_BIN" "$@"
}

# threads: how many threads the daemon has.
threads() {
	ls "/proc/$SERVE_PID/task" | wc -l
}

threads_are() {
	[ "$(threads)" -eq "$1" ]
}

@test "docker wait (an empty condition) answers the exit code of a container that exits later" {
	id=$(docker run -d busybox sh -c 'sleep 1; exit 5')
	run docker wait "$id"
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
	run docker wait "$id"
	[ "$output" = 5 ]
	docker rm "$id"
}

@test "docker run --rm: the exit code through a wait for removal" {
	run docker run --rm busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run brig ps -a -q
	[ -z "$output" ]
}

@test "the next request on the connection of a followed wait is served" {
	id=$(docker run -d busybox sh -c 'sleep 1; exit 4')
	# one curl, one keep-alive connection: the wait, then an inspect
	run "$SANDBOX" exec "$SB" curl -s --unix-socket "$SOCK" -X POST "http://brig/v1.41/containers/$id/wait" \
		--next -s --unix-socket "$SOCK" "http://brig/v1.41/containers/$id/json"
	[ "$status" -eq 0 ]
	[[ $output == *'"StatusCode":4'* ]]
	[[ $output == *"\"Id\":\"$id\""* ]]
	docker rm "$id"
}

@test "a client gone mid-wait: its waiter ends, the daemon serves on" {
	id=$(docker run -d busybox sleep 1000)
	before=$(threads)
	for _ in 1 2 3 4 5; do
		"$SANDBOX" exec "$SB" timeout 0.3 curl -s --unix-socket "$SOCK" \
			-X POST "http://brig/v1.41/containers/$id/wait" || true
	done
	# each waiter sees the client gone on the reader's next heartbeat (1 s)
	wait_for 10 threads_are "$before"
	run docker inspect -f '{{.State.Running}}' "$id"
	[ "$output" = true ]
	docker rm -f "$id"
}
