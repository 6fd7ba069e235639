#!/usr/bin/env bats
# User namespaces (issue 14, item 8): --userns=auto, --uidmap, --gidmap.
# Container root is a range of unprivileged host ids; what it creates is
# owned on the host by that range.  --userns=auto reads root's lines of
# /etc/subuid and /etc/subgid: the tests add one (ids 200000 and up, which
# no real user has) and teardown restores both files byte for byte (or
# removes them when they were not there).

load helpers

# The range the tests give root: ten containers of 65536 ids.
SUBID_LINE=root:200000:655360

setup() {
	subid_backup
	sandbox_setup
	import_busybox
}

teardown() {
	sandbox_teardown
	subid_restore
}

# subid_add LINE: append LINE to /etc/subuid and /etc/subgid.
subid_add() {
	echo "$1" >>/etc/subuid
	echo "$1" >>/etc/subgid
}

# map_of NAME FILE: "IN OUT COUNT" of the first line of /proc/self/FILE
# (uid_map or gid_map) in container NAME, spaces squeezed.
map_of() {
	brig exec "$1" cat "/proc/self/$2" | awk 'NR == 1 { print $1, $2, $3 }'
}

# pid_of ID: the host pid of container ID's init, from its state.json.
pid_of() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' \
		"$ROOT/containers/$1/state.json"
}

@test "userns: the default is no user namespace (Docker's)" {
	run brig run --rm --net none busybox cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{ print $1, $2, $3 }')" = "0 0 4294967295" ]
}

@test "userns: --userns=auto: root inside is host uid 200000 and up; files it makes, in its root or a bind, are owned by that range" {
	subid_add "$SUBID_LINE"
	mkdir -p "$BATS_TEST_TMPDIR/data"
	chown 200000:200000 "$BATS_TEST_TMPDIR/data"
	id=$(brig run -d --name a --net none --userns=auto -v "$BATS_TEST_TMPDIR/data:/data" busybox sleep 1000)
	run brig exec a id
	[ "$output" = "uid=0(root) gid=0(root)" ]
	[ "$(map_of a uid_map)" = "0 200000 65536" ]
	[ "$(map_of a gid_map)" = "0 200000 65536" ]
	brig exec a sh -c 'echo x > /made-in-root && echo y > /data/made-in-bind'
	[ "$(stat -c %u:%g "$ROOT/containers/$id/upper/made-in-root")" = "200000:200000" ]
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/data/made-in-bind")" = "200000:200000" ]
	# the image's files (host root's) are root's inside, and writable
	run brig exec a sh -c 'stat -c %u /bin/busybox && echo z >> /etc/passwd'
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
	[ "$(stat -c %u "$ROOT/containers/$id/upper/etc/passwd")" = "200000" ]
	# the container's process, seen from the host
	pid=$(pid_of "$id")
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "200000" ]
}

@test "userns: two containers get different ranges; each has its cgroup and eth0; they ping each other; exec joins the user namespace" {
	subid_add "$SUBID_LINE"
	id=$(brig run -d --name a --userns=auto busybox sleep 1000)
	brig run -d --name b --userns=auto busybox sleep 1000
	[ "$(map_of a uid_map)" = "0 200000 65536" ]
	[ "$(map_of b uid_map)" = "0 265536 65536" ]
	run brig exec b ping -c 1 -W 5 a
	[ "$status" -eq 0 ]
	run brig exec a ip -4 addr show eth0
	[[ $output == *"inet 10."* ]]
	# exec's process is in the container's user namespace, not the host's
	[ "$(brig exec a readlink /proc/self/ns/user)" = "$(brig exec a readlink /proc/1/ns/user)" ]
	[ "$(brig exec a readlink /proc/self/ns/user)" != "$(readlink /proc/self/ns/user)" ]
	# the cgroup namespace roots the container at its own cgroup
	run brig exec a cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ $output == *":/" ]]
	# and on the host it is in the container's own cgroup
	run grep -c "$id" "/proc/$(pid_of "$id")/cgroup"
	[ "$output" -ge 1 ]
}

@test "userns: a removed container frees its range; when every range is held, one line says so" {
	subid_add root:200000:65536
	brig run -d --name a --net none --userns=auto busybox sleep 1000
	run --separate-stderr brig run -d --name b --net none --userns=auto busybox sleep 1000
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"held by a container"* ]]
	brig rm -f a
	brig run -d --name b --net none --userns=auto busybox sleep 1000
	[ "$(map_of b uid_map)" = "0 200000 65536" ]
}

@test "userns: without a range for root in /etc/subuid, one line says what to add" {
	run --separate-stderr brig run --rm --net none --userns=auto busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"add a line such as 'root:"* ]]
}

@test "userns: --uidmap and --gidmap as podman's, no /etc/subuid needed" {
	id=$(brig run -d --name a --net none --uidmap 0:300000:1000 --gidmap 0:400000:1000 busybox sleep 1000)
	[ "$(map_of a uid_map)" = "0 300000 1000" ]
	[ "$(map_of a gid_map)" = "0 400000 1000" ]
	brig exec a touch /f
	[ "$(stat -c %u:%g "$ROOT/containers/$id/upper/f")" = "300000:400000" ]
	# a user of the container is its mapped host id
	brig exec -u 7 a touch /tmp/g
	[ "$(stat -c %u "$ROOT/containers/$id/upper/tmp/g")" = "300007" ]
}

@test "userns: what cannot run in a user namespace is refused in one line" {
	run --separate-stderr brig run --rm --uidmap 1:300000:10 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --uidmap 0:300000 busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --uidmap 0:300000:10 --privileged busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --uidmap 0:300000:10 --net host busybox true
	[ "$status" -eq 125 ]
	one_line_error
	run --separate-stderr brig run --rm --userns=auto --uidmap 0:300000:10 busybox true
	[ "$status" -eq 125 ]
	one_line_error
}
