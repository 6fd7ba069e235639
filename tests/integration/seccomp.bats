#!/usr/bin/env bats
# Hardening (issue 14), items 2 and 3: no_new_privs and the default seccomp
# profile, and what --security-opt and --privileged lift
# (docs/security.md).  The syscalls are made by a small static
# program, tests/helpers/syscalls.c (`make test-helpers`), bind-mounted
# read-only into a busybox container: it prints "NAME RESULT" per call.

load helpers

setup_file() {
	make -s -C "$REPO" test-helpers >&2
}

setup() {
	sandbox_setup
	import_busybox
	HELPER=$REPO/build/helpers/syscalls
}

teardown() {
	sandbox_teardown
}

# What Docker's default profile refuses, and brig's, one name per call the
# helper knows (unshare and clone with a namespace flag, personality with
# a value outside the safe ones).
DENIED="keyctl add_key request_key bpf perf_event_open userfaultfd kexec_load
kexec_file_load init_module finit_module delete_module open_by_handle_at
name_to_handle_at mount umount2 pivot_root move_mount open_tree fsopen fsmount
fspick setns unshare-user unshare-net clone-newuts personality reboot swapon
swapoff acct settimeofday clock_settime iopl ioperm lookup_dcookie nfsservctl
quotactl syslog socket-vsock"

# Calls a default container may make: plain clone (fork), unshare without a
# namespace, the safe personality values, ptrace (kernel >= 4.8, as
# Docker), reading the clock's state, an ordinary socket.
ALLOWED="clone-plain unshare-files personality-query personality-linux32 ptrace
adjtimex socket-inet"

# expect RESULT NAMES...: the helper's output when each of NAMES gives RESULT.
expect() {
	local result=$1 n
	shift
	for n in "$@"; do
		echo "$n $result"
	done
}

# syscalls [RUN-OPTION...] -- NAME...: the helper in a new container.
syscalls() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	brig run --rm --net none "${opts[@]}" -v "$HELPER:/syscalls:ro" busybox /syscalls "$@"
}

status_line() {
	brig "$@" grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status | awk '{ printf "%s%s", sep, $2; sep = " " } END { print "" }'
}

@test "seccomp: by default NoNewPrivs is 1 and one seccomp filter is loaded, in run and exec" {
	run status_line run --rm --net none busybox
	[ "$status" -eq 0 ]
	[ "$output" = "1 2 1" ]
	brig run -d --name c --net none busybox sleep 1000
	run status_line exec c
	[ "$status" -eq 0 ]
	[ "$output" = "1 2 1" ]
	run status_line exec -u 1000 c
	[ "$status" -eq 0 ]
	[ "$output" = "1 2 1" ]
}

@test "seccomp: no-new-privileges=false lifts no_new_privs only, in run, exec and after a restart" {
	run status_line run --rm --net none --security-opt no-new-privileges=false busybox
	[ "$status" -eq 0 ]
	[ "$output" = "0 2 1" ]
	brig run -d --name c --net none --security-opt no-new-privileges:false busybox sleep 1000
	run status_line exec c
	[ "$status" -eq 0 ]
	[ "$output" = "0 2 1" ]
	brig stop -t 0 c
	brig start c
	run status_line exec c
	[ "$status" -eq 0 ]
	[ "$output" = "0 2 1" ]
}

@test "seccomp: Docker's spellings of no-new-privileges (bare, :true, =1) keep it on" {
	for opt in no-new-privileges no-new-privileges:true no-new-privileges=1 no-new-privileges=True; do
		run status_line run --rm --net none --security-opt "$opt" busybox
		[ "$status" -eq 0 ]
		[ "$output" = "1 2 1" ]
	done
}

@test "seccomp: a setuid-root binary run as -u 1000 keeps euid 1000; with no-new-privileges=false it becomes root" {
	local rootfs=$BATS_TEST_TMPDIR/rootfs
	cp -a "$(rootfs_dir)" "$rootfs"
	install -m 4755 -o 0 -g 0 "$HELPER" "$rootfs/euid"
	run brig run --rm --net none -u 1000 "$rootfs" /euid --euid
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	run brig run --rm --net none -u 1000 --security-opt no-new-privileges=false "$rootfs" /euid --euid
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	# exec: a setuid copy made inside the container by its root
	brig run -d --name c --net none -v "$HELPER:/syscalls:ro" busybox sleep 1000
	brig exec c sh -c 'cp /syscalls /tmp/euid && chmod 4755 /tmp/euid'
	run brig exec -u 1000 c /tmp/euid --euid
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	brig run -d --name d --net none --security-opt no-new-privileges=false -v "$HELPER:/syscalls:ro" busybox sleep 1000
	brig exec d sh -c 'cp /syscalls /tmp/euid && chmod 4755 /tmp/euid'
	run brig exec -u 1000 d /tmp/euid --euid
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "seccomp: --privileged and seccomp=unconfined load no filter, in run, exec and after a restart" {
	run status_line run --rm --net none --privileged busybox
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 0" ]
	run status_line run --rm --net none --security-opt seccomp=unconfined busybox
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 0" ]
	brig run -d --name c --net none --security-opt seccomp=unconfined busybox sleep 1000
	run status_line exec c
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 0" ]
	brig stop -t 0 c
	brig start c
	run status_line exec c
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 0" ]
	brig run -d --name p --net none --privileged busybox sleep 1000
	run status_line exec p
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 0" ]
}

@test "seccomp: each denied syscall fails with EPERM in a default container (run and exec)" {
	# shellcheck disable=SC2086
	run syscalls -- $DENIED
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2086
	[ "$output" = "$(expect EPERM $DENIED)" ]
	brig run -d --name c --net none -v "$HELPER:/syscalls:ro" busybox sleep 1000
	# shellcheck disable=SC2086
	run brig exec -u 1000 c /syscalls $DENIED
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2086
	[ "$output" = "$(expect EPERM $DENIED)" ]
}

@test "seccomp: with --privileged or seccomp=unconfined no denied syscall fails with EPERM" {
	local n
	# shellcheck disable=SC2086
	n=$(echo $DENIED | wc -w)
	# shellcheck disable=SC2086
	run syscalls --privileged -- $DENIED
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$n" ]
	! grep -E ' (EPERM|KILLED|UNKNOWN-NAME)$' <<<"$output" || false
	# unconfined keeps the default capabilities: the kernel itself refuses
	# what they lack (mount, swapon...), the rest now reaches it
	run syscalls --security-opt seccomp=unconfined -- keyctl personality unshare-user socket-vsock
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'keyctl OK\npersonality OK\nunshare-user OK\nsocket-vsock OK')" ]
}

@test "seccomp: clone3 fails with ENOSYS so that libc falls back to clone; not with --privileged" {
	run syscalls -- clone3
	[ "$status" -eq 0 ]
	[ "$output" = "clone3 ENOSYS" ]
	run syscalls --privileged -- clone3
	[ "$status" -eq 0 ]
	[ "$output" = "clone3 EINVAL" ]
}

@test "seccomp: the 32-bit ABIs are filtered too (int \$0x80 and x32)" {
	run syscalls -- x32-unshare
	[ "$status" -eq 0 ]
	[ "$output" = "x32-unshare EPERM" ]
	if ! brig run --rm --net none -v "$HELPER:/syscalls:ro" busybox /syscalls --int80; then
		skip "this kernel runs no 32-bit x86 code (int \$0x80)"
	fi
	run syscalls -- int80-unshare int80-keyctl
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect EPERM int80-unshare int80-keyctl)" ]
	run syscalls --privileged -- int80-unshare int80-keyctl
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect OK int80-unshare int80-keyctl)" ]
}

@test "seccomp: the profile follows the capabilities: --cap-add SYS_ADMIN may mount and make namespaces, still no keyctl" {
	run syscalls --cap-add SYS_ADMIN -- mount unshare-net clone-newuts setns keyctl reboot
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'mount OK\nunshare-net OK\nclone-newuts OK\nsetns EBADF\nkeyctl EPERM\nreboot EPERM')" ]
	run syscalls --cap-add SYS_BOOT -- reboot
	[ "$status" -eq 0 ]
	[ "$output" = "reboot EINVAL" ]
}

@test "seccomp: ordinary programs are unaffected (safe calls, sh, ping, a web server and wget)" {
	# shellcheck disable=SC2086
	run syscalls -- $ALLOWED
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2086
	[ "$output" = "$(expect OK $ALLOWED)" ]
	run brig run --rm --net none busybox sh -c 'echo $((6 * 7)) | cat'
	[ "$status" -eq 0 ]
	[ "$output" = 42 ]
	run brig run --rm --net none busybox ping -c 1 -W 2 127.0.0.1
	[ "$status" -eq 0 ]
	# busybox httpd listens before it goes to the background
	run brig run --rm --net none busybox sh -c 'mkdir /tmp/www && echo hello >/tmp/www/index.html &&
		httpd -p 127.0.0.1:8080 -h /tmp/www && wget -q -O - http://127.0.0.1:8080/index.html'
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
}

@test "seccomp: bad --security-opt values exit 125 with one line naming the value" {
	for opt in bogus seccomp=/etc/profile.json seccomp= no-new-privileges=maybe =x apparmor=docker-default label=type:foo; do
		run --separate-stderr brig run --rm --net none --security-opt "$opt" busybox true
		[ "$status" -eq 125 ]
		one_line_error
		[[ $stderr == *"invalid --security-opt \"$opt\""* ]]
	done
}

@test "seccomp: Docker's apparmor=unconfined and label=disable are accepted and change nothing" {
	run status_line run --rm --net none --security-opt apparmor=unconfined --security-opt label=disable busybox
	[ "$status" -eq 0 ]
	[ "$output" = "1 2 1" ]
}
