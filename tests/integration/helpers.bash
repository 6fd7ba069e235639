# helpers.bash - shared setup for brig's integration suites (`load helpers`).
#
# Every test runs in a sandbox of its own (scripts/sandbox.sh): network,
# mount, UTS and IPC namespaces held open by a sleeping holder process, so
# bridges, veths, nftables tables, mounts and hostnames a test (or a brig
# bug) creates never reach the real host.  The test's brig uses its own
# --root and --runroot under the test's temp dir.  teardown kills every
# process inside the sandbox (by pid), then the holder, and removes the dir.
#
# In a .bats file:
#   load helpers
#   setup()    { sandbox_setup; import_busybox; }
#   teardown() { sandbox_teardown; }
#   @test "..." { run brig run --rm busybox true; [ "$status" -eq 0 ]; }

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SANDBOX=$REPO/scripts/sandbox.sh
BRIG_BIN=${BRIG_BIN:-$REPO/brig}

# The image tarball is built once per run: tests/run.sh exports
# BRIG_TEST_IMAGE; a bare `bats tests/integration` builds it in the run's
# temp dir (under a lock, so `bats -j` is safe).
image_tarball() {
	if [ -n "${BRIG_TEST_IMAGE:-}" ] && [ -s "$BRIG_TEST_IMAGE" ]; then
		echo "$BRIG_TEST_IMAGE"
		return
	fi
	local tar=$BATS_RUN_TMPDIR/busybox.tar
	(
		flock 9
		[ -s "$tar" ] || "$REPO/scripts/mkimage-busybox.sh" "$tar" >&2
	) 9>"$BATS_RUN_TMPDIR/busybox.lock"
	echo "$tar"
}

# An extracted copy of the image, for ROOTFS-DIR runs (built once per run).
# Containers run on an overlay above it, so tests must not modify it.
rootfs_dir() {
	local dir=$BATS_RUN_TMPDIR/busybox-rootfs tar
	tar=$(image_tarball)
	(
		flock 9
		if [ ! -e "$dir/.done" ]; then
			rm -rf "$dir"
			mkdir -p "$dir"
			tar -xf "$tar" -C "$dir" --numeric-owner
			touch "$dir/.done"
		fi
	) 9>"$BATS_RUN_TMPDIR/rootfs.lock"
	echo "$dir"
}

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "integration tests need root (namespaces, mounts)"
	fi
}

require_brig() {
	[ -x "$BRIG_BIN" ] || {
		echo "brig binary not found at $BRIG_BIN (run make)" >&2
		return 1
	}
}

sandbox_setup() {
	require_root
	SB=${BATS_TEST_TMPDIR:-$(mktemp -d)}/sb
	ROOT=$SB/root
	RUNROOT=$SB/run
	mkdir -p "$ROOT" "$RUNROOT"
	SB_HOLDER=$("$SANDBOX" create "$SB")
	export SB ROOT RUNROOT SB_HOLDER
}

sandbox_teardown() {
	[ -n "${SB:-}" ] || return 0
	# On failure, show what the last `run` saw: bats prints a failed test's
	# stdout, but `run` captured the command's.
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${status:-}" ]; then
		echo "last run: status $status"
		echo "${output:-}" | sed 's/^/  out: /'
		[ -z "${stderr:-}" ] || echo "$stderr" | sed 's/^/  err: /'
	fi
	# brig's own teardown first: containers, their cgroups (which live in
	# the host's global hierarchy, outside the sandbox), leases, networks.
	if [ -x "$BRIG_BIN" ] && [ -d "$ROOT" ]; then
		timeout 60 "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" \
			system reset >/dev/null 2>&1 || true
	fi
	"$SANDBOX" destroy "$SB"
	rm -rf "$SB"
}

# sb CMD...: run any command inside this test's sandbox.
sb() {
	"$SANDBOX" exec "$SB" "$@"
}

# brig ARG...: the brig under test, inside the sandbox, on the test's roots.
brig() {
	require_brig
	"$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# brig_bg OUT ARG...: start brig in the background with stdout and stderr
# in the file OUT.  Sets BG_PID to the pid of brig itself (each layer
# execs the next), so signals sent to BG_PID reach brig.
brig_bg() {
	local out=$1
	shift
	require_brig
	(exec "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" "$@" \
		</dev/null >"$out" 2>&1 3>&-) &
	BG_PID=$!
}

import_busybox() {
	local tar
	tar=$(image_tarball)
	brig image import "$tar" busybox >/dev/null
}

# wait_for SECONDS CMD...: poll CMD until it succeeds; fail after SECONDS.
# The bound only guards against a hang; it is not a timing assertion.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "wait_for: gave up after waiting for: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# alive PID: the process exists and is not a zombie.
alive() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] || return 1
	[ "$state" != Z ]
}

not_alive() { ! alive "$1"; }

# json_field KEY NAME: from JSON on stdin (an array, one object, or one
# object per line), print KEY of the record whose name is NAME.  Key match is
# case-insensitive and accepts Docker's plural "Names".
json_field() {
	python3 -c '
import json, sys
key, name = sys.argv[1].lower(), sys.argv[2]
text = sys.stdin.read().strip()
try:
    data = json.loads(text) if text else []
except ValueError:
    data = [json.loads(l) for l in text.splitlines() if l.strip()]
if isinstance(data, dict):
    data = [data]
for rec in data:
    low = {k.lower(): v for k, v in rec.items()}
    names = low.get("name", low.get("names", []))
    if isinstance(names, str):
        names = [names]
    names = [n.lstrip("/") for n in names]
    if name in names:
        v = low.get(key)
        print(json.dumps(v) if isinstance(v, (dict, list)) else v)
        sys.exit(0)
sys.exit(1)
' "$@"
}

# json_valid: stdin parses as JSON (an array/object, or JSON lines).
json_valid() {
	python3 -c '
import json, sys
text = sys.stdin.read().strip()
try:
    json.loads(text)
except ValueError:
    [json.loads(l) for l in text.splitlines() if l.strip()]
'
}

# one_line_error: $stderr (from run --separate-stderr) is exactly one
# non-empty line starting "brig: ".
one_line_error() {
	[ -n "$stderr" ] || {
		echo "stderr is empty" >&2
		return 1
	}
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || {
		echo "stderr has more than one line: $stderr" >&2
		return 1
	}
	[[ $stderr == "brig: "* ]] || {
		echo "stderr does not start with 'brig: ': $stderr" >&2
		return 1
	}
}

# ---- the uplink ------------------------------------------------------------
# uplink_up builds an "uplink" network namespace *inside* the sandbox with
# `unshare --net` (no `ip netns add`: that would create a name under the
# host's /run/netns).  The uplink's only process is the server itself
# (busybox httpd), so the namespace lives exactly as long as the server, and
# the sandbox teardown kills it like any other process inside the sandbox
# (it shares the sandbox's mount namespace).  A veth joins the two:
#
#   sandbox "host"  up0 192.0.2.1/24  <-- veth -->  up1 192.0.2.2/24  uplink
#   default route via 192.0.2.2                     httpd :8080, a CGI that
#                                                   prints REMOTE_ADDR
#
# busybox's `wget -T` crashes (SIGSEGV) in the busybox-static used here, so
# every fetch is bounded by `timeout` instead.
#
# 192.0.2.0/24 is TEST-NET-1: nothing real ever has those addresses.

UPLINK_URL=http://192.0.2.2:8080/cgi-bin/addr

# peer_cgi: the path of a CGI script (made once per test) that answers with
# the peer's address, REMOTE_ADDR, for busybox httpd.
peer_cgi() {
	local cgi=$BATS_TEST_TMPDIR/www/cgi-bin/addr
	if [ ! -e "$cgi" ]; then
		mkdir -p "${cgi%/*}"
		cat >"$cgi" <<-'EOF'
			#!/bin/sh
			printf 'Content-Type: text/plain\r\n\r\n%s\n' "$REMOTE_ADDR"
		EOF
		chmod 0755 "$cgi"
	fi
	echo "$cgi"
}

# peer_is CT URL WANT: from container CT, URL answers WANT (bounded fetch).
peer_is() {
	[ "$(brig exec "$1" timeout 3 wget -q -O - "$2" 2>/dev/null)" = "$3" ]
}

# serve_peer CT: busybox httpd on CT's port 8080 with the peer CGI at
# /cgi-bin/peer; returns once it answers CT itself.  It listens on IPv4
# only: on a dual-stack socket REMOTE_ADDR would be "[::ffff:10.1.0.10]".
serve_peer() {
	brig exec -i "$1" sh -c \
		'mkdir -p /www/cgi-bin && cat >/www/cgi-bin/peer && chmod 0755 /www/cgi-bin/peer' \
		<"$(peer_cgi)"
	brig exec -d "$1" httpd -f -p 0.0.0.0:8080 -h /www
	wait_for 10 peer_is "$1" http://127.0.0.1:8080/cgi-bin/peer 127.0.0.1
}

# uplink_up: build the uplink namespace and its server (see above).  Sets
# UPLINK_PID.
uplink_up() {
	local www
	www=$(dirname "$(dirname "$(peer_cgi)")")
	# Each layer execs the next, so $! is the server (and the netns holder).
	(exec "$SANDBOX" exec "$SB" unshare --net -- \
		/bin/busybox httpd -f -p 0.0.0.0:8080 -h "$www" \
		</dev/null >"$BATS_TEST_TMPDIR/uplink.log" 2>&1 3>&-) &
	UPLINK_PID=$!
	disown "$UPLINK_PID" 2>/dev/null || true # no "Killed" notice at teardown
	wait_for 10 uplink_ready
	sb ip link add up0 type veth peer name up1 netns "$UPLINK_PID"
	sb ip addr add 192.0.2.1/24 dev up0
	sb ip link set up0 up
	sb nsenter --target "$UPLINK_PID" --net sh -c \
		'ip link set lo up && ip addr add 192.0.2.2/24 dev up1 && ip link set up1 up'
	sb ip route add default via 192.0.2.2
	# The sandbox itself reaches the server (and is seen as 192.0.2.1).
	wait_for 10 sb_fetch_is 192.0.2.1
}

# Ready once the server is in a network namespace of its own: neither the
# sandbox's (after nsenter, before unshare) nor ours (before nsenter: a veth
# end moved to "its" namespace then would land on the real host).
uplink_ready() {
	alive "$UPLINK_PID" || return 1
	[ ! "/proc/$UPLINK_PID/ns/net" -ef "/proc/$SB_HOLDER/ns/net" ] || return 1
	[ ! "/proc/$UPLINK_PID/ns/net" -ef /proc/self/ns/net ]
}

sb_fetch_is() {
	[ "$(sb timeout 3 /bin/busybox wget -q -O - "$UPLINK_URL" 2>/dev/null)" = "$1" ]
}

# ---- the FRR router image ----------------------------------------------------
# frr_tarball: print the path of the FRR router image (scripts/mkimage-frr.sh),
# building it first when the cache has none for this version of the script.
# The cache, /var/cache/brig-tests (or BRIG_TEST_CACHE), holds one tarball
# per hash of the script, so an edited script builds a new image.  The build
# runs under a lock, so parallel runs build it once, and the script writes a
# temp file it renames, so nobody ever imports half an image.  A new build
# removes the other versions more than a day old.  Build output goes to
# stderr; the status is the script's (3: no Debian mirror reachable).
frr_tarball() {
	local script=$REPO/scripts/mkimage-frr.sh dir hash tar
	dir=${BRIG_TEST_CACHE:-/var/cache/brig-tests}
	hash=$(sha256sum "$script" | cut -c 1-16) || return 1
	tar=$dir/frr-$hash.tar
	mkdir -p "$dir" || return 1
	(
		flock 9
		if [ ! -s "$tar" ]; then
			"$script" "$tar" >&2 || exit
			find "$dir" -maxdepth 1 -name 'frr-*.tar' ! -name "${tar##*/}" -mtime +0 -delete
		fi
	) 9>"$dir/frr.lock" || return
	echo "$tar"
}

# frr_setup_file: a suite's setup_file that needs the FRR image: FRR_TAR
# gets it (built once, cached); FRR_SKIP a reason for setup to skip (bats
# 1.8 cannot skip from setup_file): no Debian mirror to build it from.
frr_setup_file() {
	local log=$BATS_FILE_TMPDIR/mkimage-frr.log rc=0
	export FRR_SKIP= FRR_TAR=
	if [ "$(id -u)" -ne 0 ]; then
		return 0 # setup skips: integration tests need root
	fi
	FRR_TAR=$(frr_tarball 2>"$log") || rc=$?
	if [ "$rc" -eq 3 ]; then
		FRR_SKIP="no Debian mirror reachable: $(grep -m 1 '^E: ' "$log")"
		return 0
	fi
	if [ "$rc" -ne 0 ]; then
		echo "scripts/mkimage-frr.sh failed ($rc):" >&2
		tail -n 30 "$log" >&2
		return 1
	fi
}

# ---- a per-test cgroup parent (cgroups are global: never brig's own) ----

# Remove $CGP and anything below it in every hierarchy.  Killed tasks take
# a moment to leave a cgroup, so retry (bounded) while rmdir says busy.
remove_cgroups() {
	local d tries
	[ -n "${CGP:-}" ] || return 0
	for d in /sys/fs/cgroup/"$CGP" /sys/fs/cgroup/*/"$CGP"; do
		tries=0
		while [ -d "$d" ] && [ "$tries" -lt 200 ]; do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.05
			tries=$((tries + 1))
		done
		[ ! -d "$d" ] || echo "teardown: could not remove $d" >&2
	done
}

# Directories of brig's below the test's parent, in any hierarchy.
leftover_cgroups() {
	find /sys/fs/cgroup/"$CGP" /sys/fs/cgroup/*/"$CGP" -mindepth 1 -type d 2>/dev/null
}

# ---- /etc/subuid and /etc/subgid (userns.bats, rootless.bats) --------------
# subid_backup: keep /etc/subuid and /etc/subgid (content, mode, owner) in
# the test's directory; subid_restore puts them back exactly (or removes
# what was not there).
subid_backup() {
	local f
	for f in subuid subgid; do
		if [ -e "/etc/$f" ]; then
			cp -p "/etc/$f" "$BATS_TEST_TMPDIR/$f.orig"
		fi
	done
	SUBID_SAVED=1
}

subid_restore() {
	local f
	[ -n "${SUBID_SAVED:-}" ] || return 0
	for f in subuid subgid; do
		if [ -e "$BATS_TEST_TMPDIR/$f.orig" ]; then
			cp -p "$BATS_TEST_TMPDIR/$f.orig" "/etc/$f"
		else
			rm -f "/etc/$f"
		fi
	done
}
