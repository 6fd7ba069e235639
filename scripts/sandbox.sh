#!/usr/bin/env bash
# sandbox.sh - a throwaway "host" for brig tests and experiments.
#
#   sandbox.sh create DIR      make DIR/ (if needed) and a sandbox held open by
#                              a sleeping holder process; prints its pid
#   sandbox.sh exec DIR CMD... run CMD inside the sandbox (cwd preserved)
#   sandbox.sh shell DIR       interactive shell inside the sandbox
#   sandbox.sh pids DIR        pids of every process inside the sandbox
#   sandbox.sh destroy DIR     kill what runs inside, then the holder
#
# A sandbox is a set of namespaces created by `unshare`: network (only `lo`,
# up — bridges, veths and nftables tables made inside never touch the real
# host), mount (propagation private, so mounts made inside never reach the
# host and vanish with the sandbox), UTS (a buggy sethostname cannot rename
# the host) and IPC.  The namespaces live as long as the holder process
# (`sleep infinity`, pid in DIR/holder.pid); every command enters them with
# `nsenter --target HOLDER`, so a test can run many commands against one
# sandbox.  Files live on the ordinary filesystem under DIR, visible from the
# host side too.  Everything here must be run as root.
set -euo pipefail

die() {
	echo "sandbox: $*" >&2
	exit 1
}

holder_of() {
	local dir=$1 pid
	[ -r "$dir/holder.pid" ] || die "$dir: no sandbox (missing holder.pid)"
	pid=$(<"$dir/holder.pid")
	[[ $pid =~ ^[0-9]+$ ]] || die "$dir/holder.pid: not a pid"
	echo "$pid"
}

# alive PID: the process exists and is not a zombie.
alive() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# wait_gone TIMEOUT PID...: poll (bounded) until every PID is gone.
wait_gone() {
	local deadline=$((SECONDS + $1)) p any
	shift
	while :; do
		any=0
		for p in "$@"; do
			if alive "$p"; then any=1; fi
		done
		[ "$any" -eq 0 ] && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.02
	done
}

cmd_create() {
	local dir=$1 deadline pid
	[ "$(id -u)" -eq 0 ] || die "must be root"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ ! -e "$dir/holder.pid" ] || die "$dir: a sandbox already exists"
	rm -f "$dir/holder.ready"
	# The holder brings lo up, says it is ready, then sleeps until killed.
	# Its descriptors are all closed or /dev/null: a test runner waiting on
	# its output must never wait on the holder (bats watches fd 3).
	# shellcheck disable=SC2016 # $1 is expanded by the holder's shell
	unshare --net --mount --uts --ipc --propagation private -- \
		sh -c 'ip link set lo up && : >"$1" && exec sleep infinity' sh "$dir/holder.ready" \
		</dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	echo "$pid" >"$dir/holder.pid"
	deadline=$((SECONDS + 10))
	until [ -e "$dir/holder.ready" ]; do
		if ! alive "$pid"; then
			rm -f "$dir/holder.pid"
			die "holder exited during setup (is unshare permitted here?)"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			kill -KILL "$pid" 2>/dev/null || true
			rm -f "$dir/holder.pid"
			die "holder not ready after 10s"
		fi
		sleep 0.01
	done
	# Sanity: the holder really is in another network namespace.
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
		die "holder shares the host network namespace"
	echo "$pid"
}

cmd_exec() {
	local dir=$1 pid
	shift
	pid=$(holder_of "$dir")
	alive "$pid" || die "$dir: holder $pid is gone"
	exec nsenter --target "$pid" --net --mount --uts --ipc --wd="$PWD" -- "$@"
}

# Every process in the sandbox: those sharing the holder's network or mount
# namespace (brig, its monitors, --net host containers), plus all their
# descendants (containers in namespaces of their own).  Never the holder.
cmd_pids() {
	local dir=$1 pid p stat ppid
	pid=$(holder_of "$dir")
	alive "$pid" || return 0
	declare -A parent=() inside=()
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		read -r stat 2>/dev/null <"/proc/$p/stat" || continue
		# Field 4 (ppid) follows the ")" that closes the command name.
		stat=${stat##*) }
		read -r _ ppid _ <<<"$stat"
		parent[$p]=$ppid
		# -ef compares device and inode: the namespace identity.
		if [ "/proc/$p/ns/net" -ef "/proc/$pid/ns/net" ] ||
			[ "/proc/$p/ns/mnt" -ef "/proc/$pid/ns/mnt" ]; then
			inside[$p]=1
		fi
	done
	local changed=1
	while [ "$changed" -eq 1 ]; do
		changed=0
		for p in "${!parent[@]}"; do
			if [ -z "${inside[$p]:-}" ] && [ -n "${inside[${parent[$p]}]:-}" ]; then
				inside[$p]=1
				changed=1
			fi
		done
	done
	for p in "${!inside[@]}"; do
		[ "$p" = "$pid" ] || [ "$p" = "$$" ] || echo "$p"
	done
}

cmd_destroy() {
	local dir=$1 pid pids
	[ -e "$dir/holder.pid" ] || return 0
	pid=$(holder_of "$dir")
	if alive "$pid"; then
		mapfile -t pids < <(cmd_pids "$dir")
		if [ "${#pids[@]}" -gt 0 ]; then
			kill -KILL "${pids[@]}" 2>/dev/null || true
			wait_gone 10 "${pids[@]}" || echo "sandbox: processes still alive: ${pids[*]}" >&2
		fi
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone 10 "$pid" || die "holder $pid did not exit"
	fi
	# With the last process gone the namespaces, and every mount made
	# inside, are gone too.
	rm -f "$dir/holder.pid" "$dir/holder.ready"
}

[ "$#" -ge 2 ] || die "usage: $0 create|exec|shell|pids|destroy DIR [CMD...]"
verb=$1
dir=$2
shift 2
case "$verb" in
create) cmd_create "$dir" ;;
exec)
	[ "$#" -ge 1 ] || die "exec: no command"
	[ "$1" != -- ] || shift
	cmd_exec "$dir" "$@"
	;;
shell) cmd_exec "$dir" "${SHELL:-/bin/bash}" ;;
pids) cmd_pids "$dir" ;;
destroy) cmd_destroy "$dir" ;;
*) die "unknown verb '$verb'" ;;
esac
