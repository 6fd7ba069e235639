#!/usr/bin/env bats
# Hardening (issue 14, item 6): an image whose files are symlinks aimed at
# the host cannot make brig write, create or mount anything outside the
# container's root (CVE-2021-30465, CVE-2019-19921, CVE-2025-31133,
# CVE-2018-15664).  Each test builds a hostile image from the busybox
# rootfs, imports it, runs it, and checks that the host's files are
# unchanged (sha256) and that the run was either refused (125, one line)
# or contained (the write is seen inside the container).

load helpers

setup() {
	sandbox_setup
	TAG=$RANDOM$RANDOM
	BAIT=$BATS_TEST_TMPDIR/bait
	mkdir -p "$BAIT"
	echo bait-hosts >"$BAIT/hosts"
	echo bait-resolv >"$BAIT/resolv"
	FS=$BATS_TEST_TMPDIR/fs
	cp -a "$(rootfs_dir)" "$FS"
	BEFORE=$(host_hashes)
}

teardown() {
	sandbox_teardown
}

# The files a hostile image aims at: the real host's (read only here) and
# the test's own writable bait.
host_hashes() {
	sha256sum /etc/shadow /etc/passwd /etc/hostname /etc/hosts /etc/resolv.conf \
		"$BAIT/hosts" "$BAIT/resolv"
}

# import_fs NAME: $FS, as modified by the test, imported as image NAME.
import_fs() {
	tar -C "$FS" -cf "$BATS_TEST_TMPDIR/$1.tar" .
	brig image import "$BATS_TEST_TMPDIR/$1.tar" "$1" >/dev/null
}

# link TARGET NAME: NAME (relative to the image's root) becomes a symlink
# to TARGET, whatever was there.
link() {
	rm -rf "${FS:?}/$2"
	ln -s "$1" "$FS/$2"
}

@test "rootfs: etc/hosts -> /etc/shadow: the container's own /etc/shadow gets the hosts file, the host's is untouched" {
	link /etc/shadow etc/hosts
	import_fs evil
	# one network: the network's hosts file is bound onto the link's target
	run brig run --rm evil grep -c localhost /etc/shadow
	[ "$status" -eq 0 ]
	[ "$output" -ge 1 ]
	# --add-host: a file of its own, written through the link inside the root
	run brig run --rm --add-host "peer-$TAG:192.0.2.9" evil grep -c "peer-$TAG" /etc/shadow
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: etc/resolv.conf -> ../../../../etc/passwd is the container's /etc/passwd, not the host's" {
	link ../../../../etc/passwd etc/resolv.conf
	import_fs evil
	run brig run --rm --dns 192.0.2.53 evil cat /etc/passwd
	[ "$status" -eq 0 ]
	[[ $output == *"nameserver 192.0.2.53"* ]]
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: links to writable files outside the root are followed inside it" {
	link "$BAIT/hosts" etc/hosts
	link "../../../../../../../../..$BAIT/resolv" etc/resolv.conf
	import_fs evil
	run brig run --rm --add-host "peer-$TAG:192.0.2.9" --dns 192.0.2.53 evil \
		cat "$BAIT/hosts" "$BAIT/resolv"
	[ "$status" -eq 0 ]
	[[ $output == *"peer-$TAG"* ]]
	[[ $output == *"nameserver 192.0.2.53"* ]]
	[[ $output != *bait-* ]]
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: etc/hostname -> /etc/hostname (a loop aimed at the host's) is neither written nor mounted through" {
	link /etc/hostname etc/hostname
	import_fs evil
	run brig run --rm --hostname "h$TAG" evil hostname
	[ "$status" -eq 0 ]
	[ "$output" = "h$TAG" ]
	echo mine >"$BAIT/f"
	run --separate-stderr brig run --rm --net none -v "$BAIT/f:/etc/hostname" evil true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == "brig: mount target /etc/hostname: "* ]]
	[ "$(host_hashes)" = "$BEFORE" ]
}

# refused NAME: the image's NAME (proc, sys, dev) is a symlink to a
# directory of the host's /tmp: the run is refused before anything is
# mounted or made there, as runc refuses it.
refused() {
	local out=/tmp/brig-rootfs-$1-$TAG
	link "$out" "$1"
	import_fs "evil$1"
	run --separate-stderr brig run --rm --net none "evil$1" true
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: mount $2 on /$1: /$1 is a symlink in the image" ]
	[ ! -e "$out" ]
	run sb test -e "$out"
	[ "$status" -ne 0 ]
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: proc -> /tmp/x is refused (125, one line), nothing appears at /tmp/x" {
	refused proc proc
}

@test "rootfs: dev -> /tmp/outdev is refused (125, one line), nothing appears at /tmp/outdev" {
	refused dev tmpfs
}

@test "rootfs: sys -> /tmp/... is refused (125, one line)" {
	refused sys sysfs
}

@test "rootfs: /proc as a file in the image is refused" {
	rm -rf "${FS:?}/proc"
	echo x >"$FS/proc"
	import_fs evil
	run --separate-stderr brig run --rm --net none evil true
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: mount proc on /proc: /proc is not a directory in the image" ]
}

@test "rootfs: a volume on /data, where /data -> /etc, lands on the container's /etc" {
	link /etc data
	import_fs evil
	run brig run --rm --net none -v "vol$TAG:/data" evil \
		sh -c "echo pwned >/data/brig-rootfs-$TAG; grep -c ' /etc ' /proc/self/mountinfo; cat /etc/brig-rootfs-$TAG"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = pwned ]
	[ ! -e "/etc/brig-rootfs-$TAG" ]
	[ "$(cat "$ROOT/volumes/vol$TAG/_data/brig-rootfs-$TAG")" = pwned ]
	# the volume was filled from the container's /etc, not the host's
	[ -e "$ROOT/volumes/vol$TAG/_data/group" ]
	[ ! -e "$ROOT/volumes/vol$TAG/_data/shadow" ]
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: brig cp FILE c:/link/ with link -> / writes into the container's /, not the host's" {
	link / link
	import_fs evil
	echo copied >"$BAIT/brig-rootfs-$TAG"
	brig run -d --name c --net none evil sleep 1000
	run brig cp "$BAIT/brig-rootfs-$TAG" c:/link/
	[ "$status" -eq 0 ]
	run brig exec c cat "/brig-rootfs-$TAG"
	[ "$status" -eq 0 ]
	[ "$output" = copied ]
	[ ! -e "/brig-rootfs-$TAG" ]
	# stopped, the copy goes through the same confined lookup
	brig stop -t 1 c
	run brig cp "$BAIT/brig-rootfs-$TAG" c:/link/etc/
	[ "$status" -eq 0 ]
	[ ! -e "/etc/brig-rootfs-$TAG" ]
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: a link to a kernel file (core_pattern) is never written, even --privileged" {
	local before
	before=$(sha256sum /proc/sys/kernel/core_pattern)
	link /proc/sys/kernel/core_pattern etc/resolv.conf
	import_fs evil
	run --separate-stderr brig run --rm --privileged --dns 192.0.2.53 evil true
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: write /etc/resolv.conf: not a regular file in the image" ]
	[ "$(sha256sum /proc/sys/kernel/core_pattern)" = "$before" ]
}

@test "rootfs: a magic link (/proc/self/...) in the image is refused, not followed" {
	link /proc/self/root/etc/passwd etc/resolv.conf
	import_fs evil
	run --separate-stderr brig run --rm --dns 192.0.2.53 evil true
	[ "$status" -eq 125 ]
	one_line_error
	[ "$(host_hashes)" = "$BEFORE" ]
}

@test "rootfs: -w through a link to / is made inside the root" {
	link / up
	import_fs evil
	run brig run --rm --net none -w "/up/brig-rootfs-wd-$TAG" evil pwd
	[ "$status" -eq 0 ]
	[ "$output" = "/brig-rootfs-wd-$TAG" ]
	[ ! -e "/brig-rootfs-wd-$TAG" ]
}
