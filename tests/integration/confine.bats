#!/usr/bin/env bats
# Hardening (issue 14, items 4, 5, 9, 10, 11): masked and read-only paths,
# an exact /dev, device access through the cgroup, no controlling terminal
# of the user's, and what --privileged lifts of it (privileged.bats has the
# rest of --privileged: /sys rw, sysctl -w, /proc not masked, the host's
# devices, the capabilities).  Every test runs in its own sandbox.
#
# Nothing here writes the host: the writes tried are to be refused, and
# the host's core_pattern is compared before and after.

load helpers

setup_file() {
	# a static TIOCSTI program, bound into containers
	make -s -C "$BATS_TEST_DIRNAME/../.." build/helpers/tiocsti >&2
}

setup() {
	sandbox_setup
	import_busybox
	TIOCSTI=$REPO/build/helpers/tiocsti
	ON_TERMINAL=$REPO/tests/helpers/on_terminal.py
}

teardown() {
	sandbox_teardown
}

# Docker's masked paths: files are /dev/null, directories an empty tmpfs.
MASKED="/proc/asound /proc/acpi /proc/kcore /proc/keys /proc/latency_stats
	/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi
	/sys/firmware /sys/devices/virtual/powercap"
READONLY="/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger"

# A script for a container's shell: one line per problem, then
# "checked N" (the masked and read-only paths this kernel has), so an
# empty run cannot pass.  $1 is the list of masked paths, $2 the
# read-only ones.
CHECK_PATHS='
opts() { awk -v p="$1" '\''$2 == p { o = $4 } END { print o }'\'' /proc/mounts; }
n=0
for p in $1; do
	[ -e "$p" ] || continue
	n=$((n + 1))
	if [ -d "$p" ]; then
		[ -z "$(ls -A "$p")" ] || echo "$p: not empty"
	else
		[ -z "$(head -c 64 "$p")" ] || echo "$p: not empty"
	fi
	[ -n "$(opts "$p")" ] || echo "$p: not a mount"
	umount "$p" 2>/dev/null && echo "$p: unmounted"
done
for p in $2; do
	[ -e "$p" ] || continue
	n=$((n + 1))
	case ,$(opts "$p"), in
	*,ro,*nosuid,nodev,noexec,*) ;;
	*) echo "$p: $(opts "$p")" ;;
	esac
	umount "$p" 2>/dev/null && echo "$p: unmounted"
done
echo "checked $n"'

# Every mount under /sys (sysfs, the cgroup tmpfs and hierarchies, the
# masks): one line "PATH: OPTIONS" for each that is not ro, nosuid, nodev
# and noexec, then "mounts N".
CHECK_SYS='
awk '\''$2 ~ "^/sys" { n++; o = "," $4 ","
	if (o !~ /,ro,/ || o !~ /,nosuid,/ || o !~ /,nodev,/ || o !~ /,noexec,/) print $2 ": " $4 }
	END { print "mounts " n }'\'' /proc/mounts'

# Writes that must all fail; one line per write that went through.
CHECK_WRITES='
w() { if (echo "$2" >"$1") 2>/dev/null; then echo "wrote $1"; fi; }
w /proc/sys/kernel/core_pattern "|/tmp/x"
w /proc/sys/vm/drop_caches 3
[ ! -e /proc/sysrq-trigger ] || w /proc/sysrq-trigger h
w /sys/class/net/lo/mtu 1400
w /sys/kernel/uevent_helper /tmp/x
for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
	mkdir "$d/brig-x" 2>/dev/null && echo "mkdir $d/brig-x"
	w "$d/cgroup.procs" $$
done
umount /sys 2>/dev/null && echo "unmounted /sys"
umount /sys/fs/cgroup 2>/dev/null && echo "unmounted /sys/fs/cgroup"
echo done'

# confine_check ARGS...: the three checks in one container run with ARGS.
confine_check() {
	brig run --rm "$@" busybox sh -c "$CHECK_PATHS; $CHECK_SYS; $CHECK_WRITES" sh "$MASKED" "$READONLY"
}

# on_terminal ARGS...: brig ARGS... on a terminal of its own (see
# tests/helpers/on_terminal.py); its output ends with "queued: [...]",
# what was left in the terminal's input.
on_terminal() {
	require_brig
	python3 "$ON_TERMINAL" "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# The exact /dev of a container without -t, as `stat` shows it: name,
# type, major:minor (hex), mode, and the links' targets.
DEV_LIST='for f in /dev/* /dev/pts/*; do
	if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else stat -c "%n %F %t:%T %a" "$f"; fi
done'
DEV_WANT="/dev/fd -> /proc/self/fd
/dev/full character special file 1:7 666
/dev/mqueue directory 0:0 1777
/dev/null character special file 1:3 666
/dev/ptmx -> pts/ptmx
/dev/pts directory 0:0 755
/dev/random character special file 1:8 666
/dev/shm directory 0:0 1777
/dev/stderr -> /proc/self/fd/2
/dev/stdin -> /proc/self/fd/0
/dev/stdout -> /proc/self/fd/1
/dev/tty character special file 5:0 666
/dev/urandom character special file 1:9 666
/dev/zero character special file 1:5 666
/dev/pts/ptmx character special file 5:2 666"

# ---- masked and read-only paths, /sys, the cgroups --------------------------

@test "confine: masked paths read empty, read-only paths are ro,nosuid,nodev,noexec, none can be unmounted" {
	run brig run --rm --net none busybox sh -c "$CHECK_PATHS" sh "$MASKED" "$READONLY"
	[ "$status" -eq 0 ]
	[[ $output == "checked "* ]]
	[ "${output#checked }" -ge 5 ]
}

@test "confine: /sys and every cgroup mount are ro,nosuid,nodev,noexec" {
	run brig run --rm --net none busybox sh -c "$CHECK_SYS"
	[ "$status" -eq 0 ]
	[[ $output == "mounts "* ]]
	[ "${output#mounts }" -ge 2 ]
}

@test "confine: writes to core_pattern, sysrq-trigger, /proc/sys, /sys and the cgroup mounts fail; the host's are unchanged" {
	local before
	before=$(sha256sum /proc/sys/kernel/core_pattern)
	run brig run --rm --net none busybox sh -c "$CHECK_WRITES"
	[ "$status" -eq 0 ]
	[ "$output" = done ]
	[ "$(sha256sum /proc/sys/kernel/core_pattern)" = "$before" ]
	# the refusal is the read-only mount's, not a missing file's
	run brig run --rm --net none busybox sh -c 'echo x >/proc/sys/kernel/core_pattern'
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
}

@test "confine: under --net host the same masks, read-only paths, read-only /sys and refused writes" {
	local before
	before=$(sha256sum /proc/sys/kernel/core_pattern)
	run confine_check --net host
	[ "$status" -eq 0 ]
	[[ $output == "checked "*"mounts "*"done" ]]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	[ "$(sha256sum /proc/sys/kernel/core_pattern)" = "$before" ]
	# the host's network devices are visible (its sysfs), read-only
	run brig run --rm --net host busybox sh -c 'ls /sys/class/net'
	[ "$status" -eq 0 ]
	[[ $output == *lo* ]]
}

@test "confine: --privileged lifts the masks and makes the cgroup mounts writable" {
	[ -d /sys/firmware ] || skip "this kernel has no /sys/firmware"
	run brig run --rm --privileged --net none busybox ls -A /sys/firmware
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	run brig run --rm --net none busybox ls -A /sys/firmware
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig run --rm --privileged --net none busybox awk '$2 ~ "^/sys/fs/cgroup" && $4 !~ /^rw,/ { print $2 }' /proc/mounts
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# ---- /dev --------------------------------------------------------------------

@test "confine: /dev is exactly null zero full random urandom tty, ptmx fd stdin stdout stderr, pts shm mqueue" {
	run brig run --rm --net none busybox sh -c "$DEV_LIST"
	[ "$status" -eq 0 ]
	[ "$output" = "$DEV_WANT" ]
	# the same with --read-only and under --net host
	run brig run --rm --read-only --net host busybox sh -c "$DEV_LIST"
	[ "$status" -eq 0 ]
	[ "$output" = "$DEV_WANT" ]
}

@test "confine: /dev is a nosuid tmpfs; pts a new instance (gid=5,mode=620,ptmxmode=666); shm and mqueue nosuid,nodev,noexec" {
	run brig run --rm --net none busybox awk '$2 ~ "^/dev" { print $1, $2, $3, $4 }' /proc/mounts
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 4 ]
	[[ $output == *"tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755"* ]]
	[[ $output == *"devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666"* ]]
	[[ $output == *"shm /dev/shm tmpfs rw,nosuid,nodev,noexec,"* ]]
	[[ $output == *"mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,"* ]]
}

@test "confine: with -t, /dev/console is the container's pty (136:N); without -t there is none" {
	run on_terminal run --rm -t --net none busybox sh -c 'stat -c "%t:%T" /dev/console; tty; stat -c "%t:%T" "$(tty)"'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | sed -n 1p)" = "88:0" ]
	[ "$(printf '%s\n' "$output" | sed -n 2p)" = "/dev/pts/0" ]
	[ "$(printf '%s\n' "$output" | sed -n 3p)" = "88:0" ]
	run brig run --rm --net none busybox test -e /dev/console
	[ "$status" -eq 1 ]
}

# ---- device access -------------------------------------------------------------

# Make a block node (loop0, 7:0) and a char node (fuse, 10:229) as the
# container's root may (CAP_MKNOD), then open each: one line per result.
MKNOD_OPEN='mknod /b b 7 0 && echo mknod-b
mknod /c c 10 229 && echo mknod-c
dd if=/b of=/dev/null count=1 2>/dev/null && echo open-b
(exec 3</c) 2>/dev/null && echo open-c
echo x >/dev/null && echo null
head -c 4 /dev/urandom | wc -c'

@test "confine: a device node made inside (block 7:0, char 10:229) cannot be opened; the standard nodes can" {
	[ -b /dev/loop0 ] || skip "the host has no loop0 to compare with"
	run brig run --rm --net none busybox sh -c "$MKNOD_OPEN"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'mknod-b\nmknod-c\nnull\n4')" ]
	run brig run --rm --net none busybox sh -c 'mknod /b b 7 0; dd if=/b of=/dev/null count=1'
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
}

@test "confine: exec'd processes get the same device policy; --privileged opens any device" {
	[ -b /dev/loop0 ] || skip "the host has no loop0 to compare with"
	brig run -d --name c --net none busybox sleep 1000
	run brig exec c sh -c "$MKNOD_OPEN"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'mknod-b\nmknod-c\nnull\n4')" ]
	run brig run --rm --privileged --net none busybox sh -c "$MKNOD_OPEN"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'mknod-b\nmknod-c\nopen-b\nopen-c\nnull\n4')" ]
}

@test "confine: on cgroup v1 the devices controller holds Docker's list; --privileged a *:* rwm" {
	local want
	[ -e /sys/fs/cgroup/devices/devices.list ] || skip "no v1 devices controller here (v2 uses a BPF program: test_devices)"
	want=$(printf '%s\n' 'c *:* m' 'b *:* m' 'c 1:3 rwm' 'c 1:5 rwm' 'c 1:7 rwm' 'c 1:8 rwm' \
		'c 1:9 rwm' 'c 5:0 rwm' 'c 5:1 rwm' 'c 5:2 rwm' 'c 136:* rwm')
	run brig run --rm --net none busybox cat /sys/fs/cgroup/devices/devices.list
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	run brig run --rm --privileged --net none busybox cat /sys/fs/cgroup/devices/devices.list
	[ "$status" -eq 0 ]
	[ "$output" = "a *:* rwm" ]
}

# ---- the terminal ------------------------------------------------------------

@test "terminal: the harness sees an injection: TIOCSTI from the host's own shell reaches its terminal" {
	run python3 "$ON_TERMINAL" "$TIOCSTI" 'echo PWNED'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'TIOCSTI ok\nqueued: [echo PWNED]')" ]
}

@test "terminal: without -t, run gives no controlling terminal: TIOCSTI is refused, nothing reaches the user's terminal, /dev/tty does not open" {
	run on_terminal run --rm --net none -v "$TIOCSTI:/tiocsti:ro" busybox /tiocsti 'echo PWNED'
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf 'TIOCSTI: Operation not permitted\nqueued: []')" ]
	run on_terminal run --rm --net none busybox sh -c 'cat /proc/self/stat | cut -d" " -f7; cat /dev/tty'
	[ "$status" -ne 0 ]
	[ "$(printf '%s\n' "$output" | sed -n 1p)" = 0 ]
	[[ $output == *"No such device or address"* ]]
}

@test "terminal: without -t, exec gives no controlling terminal either: TIOCSTI is refused" {
	brig run -d --name c --net none -v "$TIOCSTI:/tiocsti:ro" busybox sleep 1000
	run on_terminal exec -i c /tiocsti 'echo PWNED'
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf 'TIOCSTI: Operation not permitted\nqueued: []')" ]
}

@test "terminal: with -t the container's TIOCSTI stays in its own pty" {
	run on_terminal run --rm -t --net none -v "$TIOCSTI:/tiocsti:ro" busybox sh -c 'nl=$(printf "\nx"); /tiocsti "echo PWNED${nl%x}"; read -r line; echo "got $line"'
	[ "$status" -eq 0 ]
	[[ $output == *"TIOCSTI ok"* ]]
	[[ $output == *"got echo PWNED"* ]]
	[[ $output == *"queued: []" ]]
}
