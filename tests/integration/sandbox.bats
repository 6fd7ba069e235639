#!/usr/bin/env bats
# The test sandbox itself (scripts/sandbox.sh): every other suite relies on it
# to keep brig away from the real host's network, mounts and hostname.

load helpers

setup() {
	sandbox_setup
}

teardown() {
	[ -z "${SB2:-}" ] || "$SANDBOX" destroy "$SB2"
	sandbox_teardown
}

@test "sandbox: own network namespace with only lo, up" {
	[ "$(sb readlink /proc/self/ns/net)" != "$(readlink /proc/self/ns/net)" ]
	run sb ip -o link
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == *" lo: <"*UP* ]]
}

@test "sandbox: links, mounts and hostname made inside stay inside" {
	sb ip link add sbt0 type veth peer name sbt1
	! ip link show sbt0 >/dev/null 2>&1 || false
	mkdir "$BATS_TEST_TMPDIR/m"
	sb mount -t tmpfs sbtest "$BATS_TEST_TMPDIR/m"
	sb grep -q " $BATS_TEST_TMPDIR/m " /proc/self/mountinfo
	! grep -q " $BATS_TEST_TMPDIR/m " /proc/self/mountinfo || false
	local host
	host=$(hostname)
	sb hostname sandbox-test
	[ "$(sb hostname)" = sandbox-test ]
	[ "$(hostname)" = "$host" ]
}

@test "sandbox: commands keep the caller's working directory" {
	cd "$BATS_TEST_TMPDIR"
	run sb pwd
	[ "$output" = "$BATS_TEST_TMPDIR" ]
}

@test "sandbox: destroy kills everything started inside, by pid" {
	SB2=$BATS_TEST_TMPDIR/sb2
	local holder
	holder=$("$SANDBOX" create "$SB2")
	# A daemon detached from us, and a child in namespaces of its own.
	"$SANDBOX" exec "$SB2" setsid sleep 3000 </dev/null >/dev/null 2>&1 3>&- &
	"$SANDBOX" exec "$SB2" unshare --net --pid --fork sleep 3001 </dev/null >/dev/null 2>&1 3>&- &
	wait_for 30 pgrep -f -x 'sleep 3000'
	wait_for 30 pgrep -f -x 'sleep 3001'
	local pids
	pids=$("$SANDBOX" pids "$SB2" | sort -n | tr '\n' ' ')
	echo "inside: $pids"
	local p
	for p in $(pgrep -f -x 'sleep 300[01]'); do
		[[ " $pids " == *" $p "* ]]
	done
	"$SANDBOX" destroy "$SB2"
	for p in $pids $holder; do
		not_alive "$p"
	done
	[ ! -e "$SB2/holder.pid" ]
}
