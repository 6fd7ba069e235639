#!/usr/bin/env bats
# Container mounts (issue 11, item 6): -v binds of directories and single
# files, named and anonymous volumes (brig volume ...), --mount's long
# form, --tmpfs, --read-only, and mount targets that an image's symlinks
# cannot aim at the host.
#
# Host files live under $H (the test's temp dir), which the sandbox shares
# with the host: what a container writes there is what a user would see.

load helpers

setup() {
	sandbox_setup
	import_busybox
	H=$BATS_TEST_TMPDIR/h
	mkdir -p "$H"
}

teardown() {
	sandbox_teardown
	# what a broken escape test would have left on the host (never, when it passes)
	if [ -n "${TAG:-}" ]; then
		rm -rf --one-file-system "/brig-escape-$TAG" "/brig-escape-vol-$TAG" "/brig-escape-tmp-$TAG" \
			"/brig-escape-magic-$TAG" "/tmp/brig-escape-file-$TAG" "/tmp/brig-escape-rel-$TAG"
	fi
}

# ---- -v HOSTPATH:PATH --------------------------------------------------------

@test "mounts: -v binds a host directory read-write: the container writes, the host sees" {
	echo from-host >"$H/in"
	run brig run --rm --net none -v "$H:/data" busybox sh -c 'cat /data/in; echo from-container >/data/out'
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$H/out")" = from-container ]
}

@test "mounts: -v ...:ro binds read-only: a write fails with 'Read-only file system'" {
	echo keep >"$H/in"
	run --separate-stderr brig run --rm --net none -v "$H:/data:ro" busybox sh -c 'cat /data/in; echo x >/data/in'
	[ "$status" -ne 0 ]
	[ "$output" = keep ]
	[[ $stderr == *"Read-only file system"* ]]
	[ "$(cat "$H/in")" = keep ]
	run brig run --rm --net none -v "$H:/data:ro" busybox touch /data/new
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
	[ ! -e "$H/new" ]
}

@test "mounts: -v binds a single file (a router's config), rw and ro" {
	mkdir -p "$H/router1"
	printf 'hostname r1\n' >"$H/router1/frr.conf"
	# /etc/frr does not exist in the image: made inside the container
	run brig run --rm --net none -v "$H/router1/frr.conf:/etc/frr/frr.conf" busybox \
		sh -c 'cat /etc/frr/frr.conf; echo "log syslog" >>/etc/frr/frr.conf; ls /etc/frr'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hostname r1" ]
	[ "${lines[1]}" = frr.conf ]
	[ "$(tail -n 1 "$H/router1/frr.conf")" = "log syslog" ]
	run brig run --rm --net none -v "$H/router1/frr.conf:/etc/frr/frr.conf:ro" busybox \
		sh -c 'echo x >/etc/frr/frr.conf'
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
	# over a file the image has: the host's content shows
	run brig run --rm --net none -v "$H/router1/frr.conf:/etc/hostname:ro" busybox cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hostname r1" ]
	[ "${lines[1]}" = "log syslog" ]
}

@test "mounts: -v with a relative host path (./ and ../) binds from brig's working directory" {
	mkdir -p "$H/lab/r1"
	echo relative >"$H/lab/r1/conf"
	cd "$H/lab"
	run brig run --rm --net none -v ./r1/conf:/conf:ro -v ../lab:/lab busybox cat /conf /lab/r1/conf
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = relative ]
	[ "${lines[1]}" = relative ]
	# a path without ./ is a volume name, refused with a hint
	run --separate-stderr brig run --rm --net none -v r1/conf:/conf busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"a host path must be absolute or start with ./ or ../"* ]]
}

@test "mounts: -v creates a missing host path as a directory (Docker's -v)" {
	[ ! -e "$H/new/deeper" ]
	run brig run --rm --net none -v "$H/new/deeper:/data" busybox sh -c 'echo hi >/data/f'
	[ "$status" -eq 0 ]
	[ -d "$H/new/deeper" ]
	[ "$(stat -c %a "$H/new/deeper")" = 755 ]
	[ "$(cat "$H/new/deeper/f")" = hi ]
}

@test "mounts: --mount type=bind refuses a missing source, as Docker does, and leaves nothing" {
	run --separate-stderr brig run --rm --net none --mount "type=bind,source=$H/missing,target=/data" busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: invalid mount config for type \"bind\": bind source path does not exist: $H/missing" ]
	[ ! -e "$H/missing" ]
	run brig ps -a -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# ---- volumes ---------------------------------------------------------------

@test "mounts: a named volume is created on first use and persists across containers" {
	run brig run --rm --net none -v labdata:/data busybox sh -c 'echo kept >/data/f'
	[ "$status" -eq 0 ]
	run brig volume ls -q
	[ "$status" -eq 0 ]
	[ "$output" = labdata ]
	[ "$(cat "$ROOT/volumes/labdata/_data/f")" = kept ]
	run brig run --rm --net none -v labdata:/other:ro busybox cat /other/f
	[ "$status" -eq 0 ]
	[ "$output" = kept ]
}

@test "mounts: an empty volume is filled from the image's content at its path, once" {
	run brig run --rm --net none -v etcvol:/etc busybox cat /etc/passwd
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == root:x:0:0:* ]]
	[ -s "$ROOT/volumes/etcvol/_data/passwd" ]
	[ -s "$ROOT/volumes/etcvol/_data/group" ]
	# elsewhere, the volume shows what it was given
	run brig run --rm --net none -v etcvol:/seeded busybox sh -c 'cat /seeded/group; rm /seeded/group'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == root:x:0:* ]]
	# no longer empty: not filled again (the removed file stays removed)
	run brig run --rm --net none -v etcvol:/etc busybox ls /etc
	[ "$status" -eq 0 ]
	[[ $output == *passwd* ]]
	[[ $output != *group* ]]
}

@test "mounts: a volume takes the owner and mode of the image's directory; nocopy leaves it empty" {
	run brig run --rm --net none -v tmpvol:/tmp busybox stat -c '%a %u' /tmp
	[ "$status" -eq 0 ]
	[ "$output" = "1777 0" ]
	[ "$(stat -c %a "$ROOT/volumes/tmpvol/_data")" = 1777 ]
	run brig run --rm --net none -v bare:/etc:nocopy busybox ls -A /etc
	[ "$status" -eq 0 ]
	[[ $output != *passwd* ]]
	run brig run --rm --net none --mount type=volume,src=bare2,dst=/etc,volume-nocopy busybox ls -A /etc
	[ "$status" -eq 0 ]
	[[ $output != *passwd* ]]
}

@test "mounts: volume create, ls, inspect and rm" {
	run brig volume create --label lab=ospf mine
	[ "$status" -eq 0 ]
	[ "$output" = mine ]
	run brig volume create
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	local gen=$output
	run brig volume ls
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "DRIVER"*"VOLUME NAME" ]]
	[[ $output == *"local     mine"* ]]
	[[ $output == *"local     $gen"* ]]
	run brig volume ls --format json
	[ "$status" -eq 0 ]
	json_valid <<<"$output"
	run brig volume inspect mine
	[ "$status" -eq 0 ]
	[ "$(json_field Driver mine <<<"$output")" = local ]
	[ "$(json_field Mountpoint mine <<<"$output")" = "$ROOT/volumes/mine/_data" ]
	[ "$(json_field Labels mine <<<"$output")" = '{"lab": "ospf"}' ]
	[ -d "$ROOT/volumes/mine/_data" ]
	run --separate-stderr brig volume inspect mine nosuch
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: volume 'nosuch': no such volume" ]
	run brig volume rm mine "$gen"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/volumes/mine" ]
	run brig volume ls -q
	[ -z "$output" ]
	run --separate-stderr brig volume rm mine
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: volume 'mine': no such volume" ]
	run brig volume rm -f mine
	[ "$status" -eq 0 ]
	run --separate-stderr brig volume create 'bad/name'
	[ "$status" -eq 125 ]
	one_line_error
}

@test "mounts: volume rm is refused while any container record uses the volume" {
	run brig run --net none --name user -v busy:/data busybox true
	[ "$status" -eq 0 ]
	run --separate-stderr brig volume rm busy
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == "brig: volume busy is in use by container user ("*"): remove the container first" ]]
	[ -d "$ROOT/volumes/busy/_data" ]
	run brig volume prune -a -f
	[ "$status" -eq 0 ]
	[ -d "$ROOT/volumes/busy/_data" ]
	run brig rm user
	[ "$status" -eq 0 ]
	run brig volume rm busy
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/volumes/busy" ]
}

@test "mounts: anonymous volumes: -v /PATH, removed with the container by --rm and rm -v" {
	run brig run --rm --net none -v /scratch busybox sh -c 'echo x >/scratch/f'
	[ "$status" -eq 0 ]
	run brig volume ls -q
	[ -z "$output" ]
	run brig run --net none --name keep -v /scratch busybox sh -c 'echo x >/scratch/f'
	[ "$status" -eq 0 ]
	run brig volume ls -q
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	local anon=$output
	run brig volume inspect "$anon"
	[[ $output == *com.docker.volume.anonymous* ]]
	run brig rm -v keep
	[ "$status" -eq 0 ]
	run brig volume ls -q
	[ -z "$output" ]
}

@test "mounts: volume prune removes unused anonymous volumes, -a every unused one, and asks first" {
	run brig run --net none --name a1 -v /scratch busybox true
	[ "$status" -eq 0 ]
	run brig rm a1
	[ "$status" -eq 0 ]
	brig volume create named >/dev/null
	run brig volume ls -q
	[ "${#lines[@]}" -eq 2 ]
	# anything but y is no
	run brig volume prune <<<"n"
	[ "$status" -eq 0 ]
	run brig volume ls -q
	[ "${#lines[@]}" -eq 2 ]
	run brig volume prune -f
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Deleted Volumes:" ]
	[[ ${lines[1]} =~ ^[0-9a-f]{64}$ ]]
	[[ ${lines[2]} == "Total reclaimed space: "* ]]
	run brig volume ls -q
	[ "$output" = named ]
	run brig volume prune -a <<<"y"
	[ "$status" -eq 0 ]
	[[ $output == *named* ]]
	run brig volume ls -q
	[ -z "$output" ]
}

# ---- --mount, --tmpfs, --read-only -------------------------------------------

@test "mounts: --mount long forms: bind, volume, tmpfs" {
	echo b >"$H/f"
	run brig run --rm --net none \
		--mount "type=bind,src=$H,dst=/b,readonly" \
		--mount type=volume,source=longvol,target=/v \
		--mount type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=0700 \
		busybox sh -c 'cat /b/f; echo v >/v/f; stat -c %a /t; grep " /t " /proc/mounts; touch /b/x'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = b ]
	[ "${lines[1]}" = 700 ]
	[[ ${lines[2]} == "tmpfs /t tmpfs rw,nosuid,nodev,noexec,"*"size=1024k,mode=700"* ]]
	[[ ${lines[3]} == *"Read-only file system"* ]]
	[ "$(cat "$ROOT/volumes/longvol/_data/f")" = v ]
}

@test "mounts: --mount and -v refusals are one line each, exit 125" {
	local spec
	for spec in "--mount type=bind,target=/x" "--mount type=tmpfs,src=/a,dst=/x" "--mount type=nfs,dst=/x" \
		"--mount src=/a" "--mount type=volume,dst=/x,tmpfs-size=1m" "--mount bogus=1,dst=/x" \
		"--mount type=bind,src=/a,dst=relative" "-v /a:/" "-v /a:/x:rx" "-v /a:/x -v /b:/x" \
		"--tmpfs /x:size=lots" "--tmpfs relative"; do
		# shellcheck disable=SC2086 # each spec is words on purpose
		run --separate-stderr brig run --rm --net none $spec busybox true
		echo "$spec -> $status $stderr"
		[ "$status" -eq 125 ]
		one_line_error
	done
	run brig ps -a -q
	[ -z "$output" ]
}

@test "mounts: --tmpfs PATH:size=...,mode=... mounts a tmpfs of that size, nosuid,nodev,noexec by default" {
	run brig run --rm --net none --tmpfs /run:size=64m,mode=1777 busybox sh -c 'grep " /run " /proc/mounts; stat -c %a /run; df -k /run'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "tmpfs /run tmpfs rw,nosuid,nodev,noexec,"*"size=65536k"* ]]
	[ "${lines[1]}" = 1777 ]
	[[ ${lines[3]} =~ ^tmpfs\ +65536\  ]]
	# exec as an option: binaries may run from it
	run brig run --rm --net none --tmpfs /x:exec busybox sh -c 'cp /bin/busybox /x/busybox && /x/busybox true && echo ran'
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	run brig run --rm --net none --tmpfs /x busybox sh -c 'cp /bin/busybox /x/busybox; /x/busybox true'
	[ "$status" -ne 0 ]
}

@test "mounts: --read-only: the root is read-only, tmpfs, volumes, /dev/shm stay writable" {
	run --separate-stderr brig run --rm --net none --read-only --tmpfs /tmp -v rovol:/data busybox \
		sh -c 'touch /x'
	[ "$status" -ne 0 ]
	[[ $stderr == *"Read-only file system"* ]]
	run brig run --rm --net none --read-only --tmpfs /tmp -v rovol:/data busybox \
		sh -c 'touch /tmp/a && touch /data/a && touch /dev/shm/a && echo writable; grep " / " /proc/mounts'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = writable ]
	[[ ${lines[1]} == "overlay / overlay ro,"* ]]
	# the container's network files are in place all the same
	run brig run --rm --read-only --dns 192.0.2.53 busybox cat /etc/resolv.conf
	[ "$status" -eq 0 ]
	[[ $output == *"nameserver 192.0.2.53"* ]]
}

@test "mounts: a file the user binds on /etc/resolv.conf or /etc/hosts is left as it is" {
	echo "nameserver 192.0.2.99" >"$H/resolv"
	echo "192.0.2.7 mine" >"$H/hosts"
	run brig run --rm -v "$H/resolv:/etc/resolv.conf" -v "$H/hosts:/etc/hosts" busybox cat /etc/resolv.conf /etc/hosts
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nameserver 192.0.2.99" ]
	[ "${lines[1]}" = "192.0.2.7 mine" ]
	[ "$(cat "$H/resolv")" = "nameserver 192.0.2.99" ]
	[ "$(cat "$H/hosts")" = "192.0.2.7 mine" ]
}

# ---- records: inspect, start ----------------------------------------------------

@test "mounts: inspect shows Docker's Mounts; start mounts them again" {
	run brig run -d --net none --name m -v "$H:/h:ro" -v keepvol:/data --tmpfs /t busybox sh -c 'echo $$ >/data/pid; sleep 1d'
	[ "$status" -eq 0 ]
	run brig inspect m
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
m = {x["Destination"]: x for x in json.load(sys.stdin)[0]["Mounts"]}
assert m["/h"]["Type"] == "bind" and m["/h"]["Source"] == sys.argv[1] and m["/h"]["RW"] is False, m
assert m["/data"]["Type"] == "volume" and m["/data"]["Name"] == "keepvol", m
assert m["/data"]["Source"] == sys.argv[2] and m["/data"]["RW"] is True, m
assert m["/t"]["Type"] == "tmpfs", m
' "$H" "$ROOT/volumes/keepvol/_data" <<<"$output"
	run brig stop -t 1 m
	[ "$status" -eq 0 ]
	run brig start m
	[ "$status" -eq 0 ]
	run brig exec m sh -c 'cat /data/pid; grep -c -E " /(h|data|t) " /proc/mounts'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 3 ]
}

# ---- the image cannot aim a mount at the host ------------------------------

# A copy of the busybox rootfs with hostile links: /evil -> /, an absolute
# link to a file that does not exist, a relative link climbing out.
evil_rootfs() {
	local fs=$BATS_TEST_TMPDIR/evil
	cp -a "$(rootfs_dir)" "$fs"
	ln -s / "$fs/evil"
	ln -s "/tmp/brig-escape-file-$1" "$fs/etc/evil-link"
	ln -s "../../../../../../tmp/brig-escape-rel-$1" "$fs/etc/rel-link"
	ln -s /proc/self/root "$fs/magic"
	echo "$fs"
}

@test "mounts: a symlink in the image cannot redirect a mount or a directory brig makes to the host" {
	local tag=$RANDOM$RANDOM fs before_sb before_host after_sb after_host
	TAG=$tag
	fs=$(evil_rootfs "$tag")
	echo secret >"$H/f"
	before_sb=$(sb cat /proc/self/mountinfo)
	before_host=$(cat /proc/self/mountinfo)

	# /evil -> /: the directory is made and the mount lands inside the container
	run brig run --rm --net none -v "$H:/evil/brig-escape-$tag" "$fs" \
		sh -c "cat /brig-escape-$tag/f; grep -c ' /brig-escape-$tag ' /proc/self/mountinfo"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = secret ]
	[ "${lines[1]}" = 1 ]
	[ ! -e "/brig-escape-$tag" ]
	run sb test -e "/brig-escape-$tag"
	[ "$status" -ne 0 ]

	# an absolute link to a missing file: followed inside the root
	run brig run --rm --net none -v "$H/f:/etc/evil-link" "$fs" \
		sh -c "cat /tmp/brig-escape-file-$tag; grep -c ' /tmp/brig-escape-file-$tag ' /proc/self/mountinfo"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = secret ]
	[ "${lines[1]}" = 1 ]
	[ ! -e "/tmp/brig-escape-file-$tag" ]

	# a relative link climbing out, with a directory below it
	run brig run --rm --net none -v "$H:/etc/rel-link/sub" "$fs" cat "/tmp/brig-escape-rel-$tag/sub/f"
	[ "$status" -eq 0 ]
	[ "$output" = secret ]
	[ ! -e "/tmp/brig-escape-rel-$tag" ]

	# volumes and tmpfs go the same way
	run brig run --rm --net none -v "escvol:/evil/brig-escape-vol-$tag" --tmpfs "/evil/brig-escape-tmp-$tag" "$fs" \
		sh -c "grep -c -E ' /brig-escape-(vol|tmp)-$tag ' /proc/self/mountinfo"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ ! -e "/brig-escape-vol-$tag" ]
	[ ! -e "/brig-escape-tmp-$tag" ]

	# a magic link is refused outright
	run --separate-stderr brig run --rm --net none -v "$H:/magic/brig-escape-magic-$tag" "$fs" true
	[ "$status" -eq 125 ]
	one_line_error
	[ ! -e "/brig-escape-magic-$tag" ]

	# nothing was mounted on the host, nor in the sandbox brig ran in
	after_sb=$(sb cat /proc/self/mountinfo)
	after_host=$(cat /proc/self/mountinfo)
	[ "$before_sb" = "$after_sb" ]
	[ "$before_host" = "$after_host" ]
	# and the image itself is untouched: what brig made went to the container's layer
	[ ! -e "$fs/brig-escape-$tag" ]
}

@test "mounts: no mount goes onto /proc, nor is anything made there, not even through a link" {
	local fs=$BATS_TEST_TMPDIR/procfs
	echo x >"$H/f"
	run --separate-stderr brig run --rm --net none -v "$H/f:/proc/sys/kernel/hostname" busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[ "$stderr" = "brig: mount target /proc/sys/kernel/hostname: the target is in /proc" ]
	run --separate-stderr brig run --rm --net none -v "$H:/proc/brig" busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"the target is in /proc"* ]]
	# a volume there is refused too, and nothing of /proc was copied into it
	run --separate-stderr brig run --rm --net none -v procvol:/proc busybox true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"the target is in /proc"* ]]
	[ -z "$(ls -A "$ROOT/volumes/procvol/_data")" ]
	cp -a "$(rootfs_dir)" "$fs"
	ln -s /proc/sys "$fs/sys-link"
	run --separate-stderr brig run --rm --net none --tmpfs /sys-link/kernel "$fs" true
	[ "$status" -eq 125 ]
	one_line_error
	[[ $stderr == *"the target is in /proc"* ]]
}
