#!/usr/bin/env bash
# run.sh - brig's benchmark suite, side by side with its peers (`make bench`).
#
# Installs the peers (install-peers.sh), builds one work dir, one sandbox
# (scripts/sandbox.sh: own network and mount namespaces, so bridges, veths,
# iptables rules and mounts never reach the real host) and one brig root,
# runs each bench-*.sh, then writes results/latest.md and latest.json.
#
# Knobs (environment):
#   BENCH_RUNS=20          timed runs per command (after BENCH_WARMUP=3)
#   BENCH_ONLY="start net" run only these benches (start net exec data import scale lab
#                          perf relay ports api; all by default)
#   BENCH_LAB_N=300        nodes of the lab bench (BENCH_LAB_RUNS=3 runs)
#   BENCH_SCALE_N=1000     containers started by the scale bench
#   BENCH_PORTS_N=50       containers publishing a port before the timed last one (ports)
#   BENCH_IPERF_SECONDS=10 iperf3 duration per data-plane pair
#   BENCH_PERF_SECONDS=5   brig lab perf and iperf3 duration (BENCH_PERF_REPEAT=3 rounds)
#   BENCH_SKIP_INSTALL=1   do not run install-peers.sh
#   BENCH_KEEP=1           keep the work dir (for debugging)
#   BENCH_RESULTS=DIR      write latest.{md,json} there (default tests/bench/results)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
SANDBOX=$REPO/scripts/sandbox.sh
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}
BENCH_ONLY=${BENCH_ONLY:-start net exec data import scale lab perf relay ports api}

[ "$(id -u)" -eq 0 ] || {
	echo "bench: must run as root (namespaces, bridges, cgroups)" >&2
	exit 1
}
export BRIG_BIN=${BRIG_BIN:-$REPO/brig}
[ -x "$BRIG_BIN" ] || {
	echo "bench: $BRIG_BIN not built (make)" >&2
	exit 1
}

BENCH_START=$(date +%s)
BENCH_WORK=$(mktemp -d /tmp/brig-bench.XXXXXX)
export BENCH_WORK
export BENCH_OUT=$BENCH_WORK/out BENCH_SB=$BENCH_WORK/sb
export BENCH_IMAGE=$BENCH_WORK/busybox.tar BENCH_ROOTFS=$BENCH_WORK/rootfs
export BENCH_PEERS=$BENCH_WORK/peers.txt
export BENCH_BRIG_ROOT=$BENCH_WORK/brig-root BENCH_BRIG_RUNROOT=$BENCH_WORK/brig-run
mkdir -p "$BENCH_OUT" "$BENCH_ROOTFS" "$BENCH_BRIG_ROOT" "$BENCH_BRIG_RUNROOT"
: >"$BENCH_WORK/pids"

cleanup() {
	local rc=$? p
	set +e
	# Processes the benches started and did not end (by pid, recorded).
	while read -r p; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done <"$BENCH_WORK/pids"
	if [ -e "$BENCH_SB/holder.pid" ]; then
		"$SANDBOX" exec "$BENCH_SB" "$BRIG_BIN" --root "$BENCH_BRIG_ROOT" \
			--runroot "$BENCH_BRIG_RUNROOT" system reset >/dev/null 2>&1
		"$SANDBOX" destroy "$BENCH_SB"
	fi
	# Cgroups the peers or brig may have left (empty ones only: rmdir).
	for d in /sys/fs/cgroup/brig-bench-* /sys/fs/cgroup/*/brig-bench-*; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: work dir kept: $BENCH_WORK" >&2
	else
		# Overlay upper dirs may hold root-owned files; the sandbox's mounts
		# are gone with it, so a plain rm is safe.
		rm -rf "$BENCH_WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${BENCH_SKIP_INSTALL:-0}" = 1 ]; then
	"$BENCH_DIR/install-peers.sh" --status >"$BENCH_PEERS"
else
	"$BENCH_DIR/install-peers.sh" >"$BENCH_PEERS"
fi

"$REPO/scripts/mkimage-busybox.sh" "$BENCH_IMAGE"
tar -xf "$BENCH_IMAGE" -C "$BENCH_ROOTFS" --numeric-owner
"$SANDBOX" create "$BENCH_SB" >/dev/null
"$SANDBOX" exec "$BENCH_SB" "$BRIG_BIN" --root "$BENCH_BRIG_ROOT" \
	--runroot "$BENCH_BRIG_RUNROOT" image import "$BENCH_IMAGE" busybox >/dev/null

# The default bridge must work before the benches time it.
# shellcheck disable=SC2016 # $1 is the inner shell's
bash -c 'source "$1/lib.sh" && brig_bridge_fixup br0' bash "$BENCH_DIR"

# Machine description, first in the report.
python3 "$BENCH_DIR/machine.py" "$BENCH_PEERS" "$BRIG_BIN" >"$BENCH_OUT/machine.json"

failed=()
for b in $BENCH_ONLY; do
	case $b in
	start | net | exec | data | import | scale | lab | relay | perf | ports | api) ;;
	*)
		echo "bench: unknown bench '$b'" >&2
		exit 2
		;;
	esac
	echo "bench: == $b ==" >&2
	if ! "$BENCH_DIR/bench-$b.sh"; then
		echo "bench: $b FAILED (see above); reported as such" >&2
		failed+=("$b")
		printf '{"failed": "bench-%s.sh exited non-zero"}\n' "$b" >"$BENCH_OUT/$b.json"
	fi
done

# What this run had to work around, for the report.
{
	if [ -s "$BENCH_WORK/bridge-alias-workaround" ]; then
		echo "brig bug worked around: the default bridge br0 is created without its 'brig' alias (IFLA_IFALIAS ignored on RTM_NEWLINK create on this kernel), so the next bridge-mode run fails 'link br0 exists and is not a brig bridge'; the bench sets the alias by hand in the sandbox once."
	fi
	if [ -e "$BENCH_WORK/v1ns-used" ]; then
		echo "crun 1.8 refuses this hybrid cgroup host (cgroup2 tree has hugetlb); crun and podman (which uses crun) run in a mount namespace where /sys/fs/cgroup/unified is unmounted, entered with nsenter: its cost is the 'nsenter + true' row, included in their numbers."
	fi
	echo "podman asks for RLIMIT_NOFILE/NPROC above the hard limit, which fails without CAP_SYS_RESOURCE (absent here): podman runs with --ulimit nofile=1024:1024 --ulimit nproc=1024:1024."
	echo "The suite ($BENCH_ONLY) ran in $((($(date +%s) - BENCH_START + 30) / 60)) min, peers' install included."
	echo "BENCH_RUNS=${BENCH_RUNS:-20} BENCH_WARMUP=${BENCH_WARMUP:-3} BENCH_SCALE_N=${BENCH_SCALE_N:-1000} BENCH_IPERF_SECONDS=${BENCH_IPERF_SECONDS:-10} BENCH_IPERF_REPEAT=${BENCH_IPERF_REPEAT:-2}"
} >"$BENCH_OUT/notes.txt"

mkdir -p "$RESULTS"
python3 "$BENCH_DIR/report.py" "$BENCH_OUT" "$RESULTS/latest.json" "$RESULTS/latest.md"
cat "$RESULTS/latest.md"
[ "${#failed[@]}" -eq 0 ] || echo "bench: failed: ${failed[*]}" >&2
