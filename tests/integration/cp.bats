#!/usr/bin/env bats
# brig cp (issue 9, item 7): files and directories between the host and a
# container, running or stopped, with docker cp's rules; container paths
# resolve inside the container's root, symlinks are copied as symlinks.
#
# Host files live under $H (the test's temp dir), which the sandbox shares
# with the host: what brig writes there is what a user would see.

load helpers

setup() {
	sandbox_setup
	import_busybox
	H=$BATS_TEST_TMPDIR/h
	mkdir -p "$H"
}

teardown() {
	sandbox_teardown
}

# run_c: a running container "c" (no network: none is needed).
run_c() {
	run brig run -d --net none --name c busybox sleep 1d
	[ "$status" -eq 0 ]
}

# make_tree DIR: d/a, d/sub/b (mode 750), d/lnk -> /etc/passwd.
make_tree() {
	mkdir -p "$1/sub"
	echo a >"$1/a"
	echo b >"$1/sub/b"
	chmod 0750 "$1/sub"
	ln -s /etc/passwd "$1/lnk"
}

# ---- host -> running container --------------------------------------------

@test "cp: a host file into a running container: new name, into a directory, over a file; mode, owner, mtime kept" {
	run_c
	echo hello >"$H/f"
	chmod 0640 "$H/f"
	chown 1234:5678 "$H/f"
	touch -d @1000000000 "$H/f"

	run brig cp "$H/f" c:/tmp/g
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run brig exec c cat /tmp/g
	[ "$output" = hello ]
	run brig exec c stat -c '%a %u %g %Y' /tmp/g
	[ "$output" = "640 1234 5678 1000000000" ]

	# onto an existing directory: inside it, under its own name
	run brig cp "$H/f" c:/tmp
	[ "$status" -eq 0 ]
	run brig exec c cat /tmp/f
	[ "$output" = hello ]

	# onto an existing file: it is overwritten
	echo again >"$H/f2"
	run brig cp "$H/f2" c:/tmp/g
	[ "$status" -eq 0 ]
	run brig exec c cat /tmp/g
	[ "$output" = again ]
}

@test "cp: a host directory into a running container: a subdirectory of an existing one, SRC/. its contents, a new name" {
	run_c
	make_tree "$H/d"

	run brig cp "$H/d" c:/tmp
	[ "$status" -eq 0 ]
	run brig exec c cat /tmp/d/sub/b
	[ "$output" = b ]
	run brig exec c stat -c %a /tmp/d/sub
	[ "$output" = 750 ]
	run brig exec c stat -c %F /tmp/d/lnk
	[ "$output" = "symbolic link" ]
	run brig exec c readlink /tmp/d/lnk
	[ "$output" = /etc/passwd ]

	run brig exec c mkdir /tmp/e
	[ "$status" -eq 0 ]
	run brig cp "$H/d/." c:/tmp/e
	[ "$status" -eq 0 ]
	run brig exec c cat /tmp/e/a
	[ "$output" = a ]
	run brig exec c test -e /tmp/e/d
	[ "$status" -eq 1 ]

	run brig cp "$H/d" c:/tmp/new
	[ "$status" -eq 0 ]
	run brig exec c cat /tmp/new/sub/b
	[ "$output" = b ]
}

# ---- running container -> host --------------------------------------------

@test "cp: a file, a directory and the root out of a running container; owners, modes and links kept" {
	run_c
	run brig exec c sh -c 'mkdir -p /data/sub && echo one >/data/one && echo two >/data/sub/two &&
		chmod 0700 /data/sub && chown 42:43 /data/one && ln -s ../one /data/sub/up'
	[ "$status" -eq 0 ]

	run brig cp c:/data/one "$H/one"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/one")" = one ]
	[ "$(stat -c '%u %g' "$H/one")" = "42 43" ]

	run brig cp c:/data "$H"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/data/sub/two")" = two ]
	[ "$(stat -c %a "$H/data/sub")" = 700 ]
	[ -L "$H/data/sub/up" ]
	[ "$(readlink "$H/data/sub/up")" = ../one ]

	mkdir "$H/into"
	run brig cp c:/data/. "$H/into"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/into/one")" = one ]
	[ ! -e "$H/into/data" ]

	# a file onto an existing host directory goes inside it
	run brig cp c:/data/one "$H/into/sub"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/into/sub/one")" = one ]

	# the whole root: /proc and /sys come out as the image's empty dirs
	run brig cp c:/ "$H/all"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/all/etc/hostname")" = brig-busybox ]
	[ "$(cat "$H/all/data/sub/two")" = two ]
	[ -z "$(ls -A "$H/all/proc")" ]
	[ -z "$(ls -A "$H/all/sys")" ]
}

# ---- stopped container ------------------------------------------------------

@test "cp: a stopped container, both directions: what was copied in is read back, nothing stays mounted" {
	run brig run --net none --name s busybox sh -c 'echo made-inside >/made'
	[ "$status" -eq 0 ]

	run brig cp s:/made "$H/made"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/made")" = made-inside ]

	echo put >"$H/put"
	run brig cp "$H/put" s:/tmp/put
	[ "$status" -eq 0 ]
	run brig cp s:/tmp/put "$H/back"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/back")" = put ]

	make_tree "$H/d"
	run brig cp "$H/d" s:/
	[ "$status" -eq 0 ]
	run brig cp s:/d "$H/dback"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/dback/sub/b")" = b ]
	[ -L "$H/dback/lnk" ]

	# the overlay was mounted in the copy's own mount namespace only
	run sb cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ $output != *"$ROOT"* ]]
}

# ---- symlinks never lead out of the container ------------------------------

@test "cp: a symlink in the container is copied as a symlink, never as the host file it names" {
	run_c
	run brig exec c ln -s /etc/shadow /leak
	[ "$status" -eq 0 ]

	run brig cp c:/leak "$H/out"
	[ "$status" -eq 0 ]
	[ -L "$H/out" ]
	[ "$(stat -c %F "$H/out")" = "symbolic link" ]
	[ "$(readlink "$H/out")" = /etc/shadow ]

	# into an existing directory: the same
	run brig cp c:/leak "$H"
	[ "$status" -eq 0 ]
	[ -L "$H/leak" ]
	[ "$(readlink "$H/leak")" = /etc/shadow ]
}

@test "cp: a symlink to / in a running container resolves in the container's root, both directions" {
	run_c
	local name=brig-cp-$$-$BATS_TEST_NUMBER
	run brig exec c ln -s / /hostroot
	[ "$status" -eq 0 ]

	# the container's /etc/hostname (the image's), not the host's
	run brig cp c:/hostroot/etc/hostname "$H/hn"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/hn")" = brig-busybox ]

	echo inside >"$H/x"
	run brig cp "$H/x" "c:/hostroot/tmp/$name"
	[ "$status" -eq 0 ]
	[ ! -e "/tmp/$name" ]
	run brig exec c cat "/tmp/$name"
	[ "$output" = inside ]

	# a destination symlink naming a host file is replaced, not written through
	echo victim >"$H/victim"
	run brig exec c ln -s "$H/victim" /wl
	[ "$status" -eq 0 ]
	run brig cp "$H/x" c:/wl
	[ "$status" -eq 0 ]
	[ "$(cat "$H/victim")" = victim ]
	run brig exec c cat /wl
	[ "$output" = inside ]
}

@test "cp: a symlink to / in a stopped container resolves in the container's root, both directions" {
	local name=brig-cp-$$-$BATS_TEST_NUMBER
	run brig run --net none --name s busybox ln -s / /hostroot
	[ "$status" -eq 0 ]

	run brig cp s:/hostroot/etc/hostname "$H/hn"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/hn")" = brig-busybox ]

	echo inside >"$H/x"
	run brig cp "$H/x" "s:/hostroot/tmp/$name"
	[ "$status" -eq 0 ]
	[ ! -e "/tmp/$name" ]
	run brig cp "s:/tmp/$name" "$H/back"
	[ "$status" -eq 0 ]
	[ "$(cat "$H/back")" = inside ]
}

# ---- bad input ----------------------------------------------------------------

@test "cp: no container side, two container sides, no such container: 125 and one line" {
	run_c
	echo f >"$H/f"

	run --separate-stderr brig cp "$H/f" "$H/g"
	[ "$status" -eq 125 ]
	one_line_error
	[ ! -e "$H/g" ]

	run --separate-stderr brig cp c:/etc/hostname c:/tmp/x
	[ "$status" -eq 125 ]
	one_line_error

	run --separate-stderr brig cp nosuch:/etc/hostname "$H/x"
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *nosuch* ]]

	run --separate-stderr brig cp "$H/f"
	[ "$status" -eq 125 ]
	one_line_error

	run brig cp --help
	[ "$status" -eq 0 ]
	[[ $output == *"usage: brig cp"* ]]
}

@test "cp: a missing source, a missing destination parent, a directory onto a file: 125 and one line" {
	run_c
	echo f >"$H/f"
	mkdir "$H/d"

	run --separate-stderr brig cp c:/no/such/file "$H/x"
	[ "$status" -eq 125 ]
	one_line_error
	[ ! -e "$H/x" ]

	run --separate-stderr brig cp "$H/no-such" c:/tmp/x
	[ "$status" -eq 125 ]
	one_line_error

	run --separate-stderr brig cp "$H/f" c:/no/such/dir/x
	[ "$status" -eq 125 ]
	one_line_error

	run --separate-stderr brig cp "$H/f" c:/tmp/nodir/
	[ "$status" -eq 125 ]
	one_line_error

	run --separate-stderr brig cp "$H/d" c:/etc/hostname
	[ "$status" -eq 125 ]
	one_line_error
	run brig exec c cat /etc/hostname
	[ "$output" = brig-busybox ]
}
