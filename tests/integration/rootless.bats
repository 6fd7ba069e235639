#!/usr/bin/env bats
# Rootless brig (issue 15, items 3 and 5; docs/rootless.md): an ordinary
# user, created by the test, runs brig with no sudo.  Its brig joins (or
# creates) the user namespace of its pause process and keeps its state
# under ~/.local/share/brig and $XDG_RUNTIME_DIR/brig; containers get
# slirp4netns.  This machine's /dev/net/tun is 0600, so each test mounts a
# tmpfs on /dev/net inside its own sandbox (a private mount namespace) and
# makes a 0666 tun node there: the host's /dev never changes.  useradd adds
# the user's lines to /etc/subuid and /etc/subgid; teardown removes the
# user and its home and restores both files byte for byte.

load helpers

setup() {
	require_root
	command -v slirp4netns >/dev/null || skip "slirp4netns not installed (scripts/install-deps.sh)"
	subid_backup
	RL_USER=brigrl$$t${BATS_TEST_NUMBER}
	useradd -m -s /bin/sh "$RL_USER"
	RL_HOME=$(getent passwd "$RL_USER" | cut -d: -f6)
	sandbox_setup
	sb sh -c 'mount -t tmpfs -o mode=0755 tmpfs /dev/net && mknod -m 0666 /dev/net/tun c 10 200'
	cp "$(image_tarball)" "$RL_HOME/busybox.tar"
	chown "$RL_USER:" "$RL_HOME/busybox.tar"
}

teardown() {
	sandbox_teardown # kills the user's pause process, monitors and slirp4netns
	if [ -n "${RL_USER:-}" ]; then
		userdel -r "$RL_USER" >/dev/null 2>&1 || true
	fi
	subid_restore
}

# ubrig ARG...: brig as the test's user, inside the sandbox, with a login's
# environment (no --root or --runroot: the rootless defaults).
ubrig() {
	require_brig
	sb setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
		env -i HOME="$RL_HOME" XDG_RUNTIME_DIR="$RL_HOME/run" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"$BRIG_BIN" "$@"
}

uimport() {
	ubrig image import "$RL_HOME/busybox.tar" busybox >/dev/null
}

# host_page_is TEXT: the sandbox's 127.0.0.1:8082 serves TEXT.
host_page_is() {
	[ "$(sb timeout 3 /bin/busybox wget -q -O - http://127.0.0.1:8082/ 2>/dev/null)" = "$1" ]
}

@test "rootless: the user imports busybox; its state is the user's, under ~/.local/share/brig" {
	run uimport
	[ "$status" -eq 0 ]
	[ -d "$RL_HOME/.local/share/brig" ]
	[ "$(stat -c %U "$RL_HOME/.local/share/brig")" = "$RL_USER" ]
	[ "$(stat -c %U "$RL_HOME/run/brig/pause.pid")" = "$RL_USER" ]
}

@test "rootless: root of the container, outbound TCP through slirp4netns to the uplink" {
	uplink_up
	uimport
	run ubrig run --rm busybox sh -c "id -u; timeout 5 wget -qO- $UPLINK_URL"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 192.0.2.1 ]
}

@test "rootless: container root maps to the user, its subordinate ids to the range" {
	uimport
	run ubrig run --rm busybox cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | awk '{ print $1, $2, $3 }')" = "0 $(id -u "$RL_USER") 1" ]
	[ "$(echo "${lines[1]}" | awk '{ print $1, $3 }')" = "1 65536" ]
}

@test "rootless: without /etc/subuid lines, one id: the user as root" {
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
	uimport
	run ubrig run --rm busybox cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(echo "${lines[0]}" | awk '{ print $1, $2, $3 }')" = "0 $(id -u "$RL_USER") 1" ]
}

@test "rootless: a file created in a bind-mounted directory is the user's on the host" {
	uimport
	mkdir "$RL_HOME/share"
	chown "$RL_USER:" "$RL_HOME/share"
	run ubrig run --rm -v "$RL_HOME/share:/share" busybox touch /share/made
	[ "$status" -eq 0 ]
	[ "$(stat -c %U "$RL_HOME/share/made")" = "$RL_USER" ]
}

@test "rootless: -d -p 8082:80 is reachable on the host's 127.0.0.1:8082; exec joins" {
	uimport
	run ubrig run -d --name web -p 8082:80 busybox \
		sh -c 'mkdir -p /www && echo rootless-page >/www/index.html && exec httpd -f -p 80 -h /www'
	[ "$status" -eq 0 ]
	wait_for 10 host_page_is rootless-page
	run ubrig exec web id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	run ubrig rm -f web
	[ "$status" -eq 0 ]
}

@test "rootless: a host port already taken is refused with 125" {
	uimport
	run ubrig run -d --name a -p 8083:80 busybox sleep 60
	[ "$status" -eq 0 ]
	run --separate-stderr ubrig run --rm -p 8083:80 busybox true
	[ "$status" -eq 125 ]
	one_line_error
}

@test "rootless: --net none has only lo" {
	uimport
	run ubrig run --rm --net none busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "rootless: network create says it needs root (125, one line)" {
	run --separate-stderr ubrig network create n1
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"needs root"* ]]
}

@test "rootless: -m 64m without a delegated cgroup is refused in one line" {
	uimport
	run --separate-stderr ubrig run --rm -m 64m busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"need root"* ]]
}

@test "rootless: --net host and a bridge network are refused in one line" {
	uimport
	run --separate-stderr ubrig run --rm --net host busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr ubrig run --rm --net bridge busybox true
	[ "$status" -eq 125 ]
	one_line_error
}

@test "rootless: without a usable /dev/net/tun, one line names it; --net none still runs" {
	uimport
	sb umount /dev/net
	run --separate-stderr ubrig run --rm busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"/dev/net/tun"* ]]
	run ubrig run --rm --net none busybox true
	[ "$status" -eq 0 ]
}

@test "rootless: ps lists the user's container; stop and rm work" {
	uimport
	run ubrig run -d --name sleeper busybox sleep 300
	[ "$status" -eq 0 ]
	run ubrig ps --format json
	[ "$status" -eq 0 ]
	[[ $output == *sleeper* ]]
	run ubrig stop -t 1 sleeper
	[ "$status" -eq 0 ]
	run ubrig rm sleeper
	[ "$status" -eq 0 ]
	run ubrig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# brig-monitor (issue 18, monitor_lite.bats): the monitor execs it inside
# the user namespace too; slirp4netns stays its child, and it stops it at
# the end before the full brig finishes the record.
exe_is() { [ "$(readlink -f "/proc/$1/exe")" = "$2" ]; }

@test "rootless: a -d container's monitor is brig-monitor; slirp4netns ends with the container" {
	uimport
	run ubrig run -d -i --name m busybox sh -c 'read x; exit 4'
	[ "$status" -eq 0 ]
	local id=$output mon slirp
	mon=$(cut -d' ' -f1 "$RL_HOME/run/brig/monitors/$id")
	wait_for 20 exe_is "$mon" "$REPO/brig-monitor"
	slirp=$(pgrep -P "$mon" -x slirp4netns)
	[ -n "$slirp" ]
	run ubrig kill m
	[ "$status" -eq 0 ]
	run ubrig wait m
	[ "$output" = 137 ]
	wait_for 20 not_alive "$mon"
	wait_for 20 not_alive "$slirp"
	run ubrig ps -a --format json
	[[ $output == *'"exited"'* ]]
}
