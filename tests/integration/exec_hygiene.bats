#!/usr/bin/env bats
# Exec hygiene (issue 14, item 7; docs/security.md): a brig process
# that enters a container (the container's init until exec, --init's PID 1,
# exec's helper and its command until exec) is non-dumpable and carries no
# host fd, so nothing in the container reaches the brig binary through
# /proc/PID/exe (CVE-2019-5736) or a host directory through a leaked fd or
# working directory (CVE-2024-21626).  Every test runs in its own sandbox.

load helpers

setup() {
	sandbox_setup
	import_busybox
	HOSTDIR=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$HOSTDIR"
	touch "$HOSTDIR/HOST-MARKER"
}

teardown() {
	sandbox_teardown
}

# The scanner (tests/helpers/procscan.c, static, built by the
# Makefile) is bind-mounted into the container: it reads every process's
# /proc/PID/exe, cwd, root and fds, and tries to open /proc/PID/exe for
# writing, fast enough to catch a brig process between fork and exec.
setup_file() {
	make -C "$REPO" -s test-helpers >&2
}

PROCSCAN=$REPO/build/helpers/procscan

# The test's own execs get /dev/null or a pipe as stdio: an exec'd
# command's 0, 1, 2 are its caller's, and bats's are files in its temp dir.
scans() { brig exec c cat /scans </dev/null 2>/dev/null; }
scan_done() { brig exec c test -e /scans.done </dev/null >/dev/null 2>&1; }
scans_above() { [ "$(scans)" -gt "$1" ] 2>/dev/null; }

# no_host_path FILE: FILE names neither the brig binary, nor /work, nor
# this test's or this run's temp dirs, nor the repository.
no_host_path() {
	local p
	for p in "$BRIG_BIN" /work "$BATS_TEST_TMPDIR" "$BATS_RUN_TMPDIR" "$REPO"; do
		if grep -F -- "$p" "$1"; then
			echo "names the host path $p" >&2
			return 1
		fi
	done
}

# exec_many N: N `brig exec` calls in sequence, half of them as another
# user in another directory (setuid resets the dumpable flag).
exec_many() {
	sb sh -c 'i=0
		while [ "$i" -lt "$1" ]; do
			"$2" --root "$3" --runroot "$4" exec c cat /proc/self/status </dev/null >/dev/null 2>&1 || exit 1
			"$2" --root "$3" --runroot "$4" exec -u 1000:1000 -w /tmp c true </dev/null >/dev/null 2>&1 || exit 1
			i=$((i + 2))
		done' sh "$1" "$BRIG_BIN" "$ROOT" "$RUNROOT"
}

@test "exec hygiene: 200 execs while the container scans /proc/*/exe, fd, cwd: no host path, no brig binary, nothing opens /proc/PID/exe for writing; the binary's hash is unchanged" {
	local before after n0 log=$BATS_TEST_TMPDIR/scan.log
	before=$(sha256sum <"$BRIG_BIN")
	brig run -d --name c --net none -v "$PROCSCAN:/procscan:ro" busybox /procscan /stop /scan.log /scans
	wait_for 30 scans_above 0
	n0=$(scans)
	run exec_many 200
	[ "$status" -eq 0 ]
	# at least one more full pass after the last exec
	wait_for 30 scans_above "$n0"
	brig exec c touch /stop </dev/null >/dev/null 2>&1
	wait_for 30 scan_done
	brig exec c cat /scan.log </dev/null >"$log"
	after=$(sha256sum <"$BRIG_BIN")
	[ "$before" = "$after" ]
	echo "# $(grep '^PASSES' "$log"); brig processes seen: $(grep -c '^NOEXE [0-9]* 13$' "$log")" >&3
	grep -q '^EXE [0-9]* /bin/busybox$' "$log"
	grep -q '^PASSES' "$log"
	# no /proc/PID/exe but the container's own busybox's (left alone by the
	# scanner) opens for writing, directly or by reopening an O_PATH fd
	run grep '^OPENED' "$log"
	[ "$status" -eq 1 ]
	no_host_path "$log"
	# every exe link the container could read is one of its own files, and
	# every cwd and root it could read is inside it
	run grep -v -E -e '^EXE [0-9]+ /(procscan|bin/busybox)$' -e '^NOEXE ' -e '^(CWD|ROOT) [0-9]+ /' -e '^FD ' -e '^PASSES' "$log"
	[ "$status" -eq 1 ]
}

@test "exec hygiene: the command of run, start and exec holds only fds 0 1 2 (ls opens the fourth); its cwd is inside the container" {
	run brig run --rm --net none busybox ls /proc/self/fd
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
	brig run -d --name c --net none busybox sleep 1000
	run brig exec c ls /proc/self/fd
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
	run brig exec -d c sh -c 'ls /proc/self/fd >/fds'
	[ "$status" -eq 0 ]
	wait_for 10 brig exec c test -s /fds
	run brig exec c cat /fds
	[ "$(echo $output)" = "0 1 2 3" ]
	run brig exec -w /tmp c readlink /proc/self/cwd
	[ "$output" = /tmp ]
	run brig exec c readlink /proc/self/root
	[ "$output" = / ]
	brig run -d --name s --net none busybox ls /proc/self/fd
	brig wait s
	brig start s
	brig wait s
	run brig logs s
	[ "$(echo $output)" = "0 1 2 3 0 1 2 3" ]
}

@test "exec hygiene: --init's PID 1 is brig for the container's life: its /proc/1/exe and fds are out of reach, also after start" {
	local probe='readlink /proc/1/exe; echo "exe $?"; (exec 3>>/proc/1/exe) 2>/dev/null; echo "write $?"; ls -l /proc/1/fd/ 2>&1; readlink /proc/1/cwd; echo "cwd $?"'
	run brig run --rm --init --net none busybox sh -c "$probe"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exe 1"* ]]
	[[ "$output" == *"write 1"* ]]
	[[ "$output" == *"cwd 1"* ]]
	[[ "$output" != *"$BRIG_BIN"* ]]
	[[ "$output" != *" -> "* ]]
	brig run -d --init --name c --net none busybox sleep 1000
	brig stop -t 1 c
	brig start c
	run brig exec c sh -c "$probe"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exe 1"* ]]
	[[ "$output" == *"write 1"* ]]
	[[ "$output" != *"$BRIG_BIN"* ]]
	[[ "$output" != *" -> "* ]]
}

@test "exec hygiene: -w /proc/self/fd/N with a host directory on fd N fails for run and exec; so does -w /proc/self/cwd" {
	brig run -d --name c --net none busybox sleep 1000
	for n in 3 4 5 6 7 8 9; do
		run brig exec -w "/proc/self/fd/$n" c sh -c 'pwd; ls' 7<"$HOSTDIR"
		[ "$status" -ne 0 ]
		[[ "$output" != *HOST-MARKER* ]]
		run brig run --rm --net none -w "/proc/self/fd/$n" busybox sh -c 'pwd; ls' 7<"$HOSTDIR"
		[ "$status" -ne 0 ]
		[[ "$output" != *HOST-MARKER* ]]
	done
	run --separate-stderr brig exec -w /proc/self/cwd c pwd 7<"$HOSTDIR"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"magic link"* ]]
	run brig exec -w /tmp c pwd
	[ "$output" = /tmp ]
}

@test "exec hygiene: a host directory as stdin is refused for run and exec -i (cd /proc/self/fd/0 would leave the container)" {
	brig run -d --name c --net none busybox sleep 1000
	run --separate-stderr brig exec -i c sh -c 'cd /proc/self/fd/0 && ls' <"$HOSTDIR"
	[ "$status" -eq 125 ]
	[[ "$output" != *HOST-MARKER* ]]
	[[ "$stderr" == *"stdin is a directory"* ]]
	run --separate-stderr brig run --rm --net none busybox sh -c 'cd /proc/self/fd/0 && ls' <"$HOSTDIR"
	[ "$status" -eq 125 ]
	[[ "$output" != *HOST-MARKER* ]]
}

@test "exec hygiene: a lab's exec lines run with fds 0 1 2 only, in / inside the node" {
	cat >"$BATS_TEST_TMPDIR/hy.clab.yml" <<-'EOF2'
		name: hy
		topology:
		  nodes:
		    n1:
		      kind: linux
		      image: busybox
		      cmd: sleep infinity
		      exec:
		        - sh -c "ls /proc/self/fd >/fds; readlink /proc/self/cwd >>/fds"
	EOF2
	run brig lab up "$BATS_TEST_TMPDIR/hy.clab.yml"
	[ "$status" -eq 0 ]
	run brig exec clab-hy-n1 cat /fds
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3 /" ]
}
