#!/usr/bin/env bash
# bench-scale.sh - start BENCH_SCALE_N (1000) detached containers on the
# bridge (past 1000: a second network), each start timed; monitors' memory;
# remove each with its own `brig rm -f`, timed; then check nothing is left: no
# vb* links, no leases, no container state dirs, no cgroup dirs under the
# bench's own --cgroup-parent.  Writes $BENCH_OUT/scale.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/scale
mkdir -p "$w"
n=${BENCH_SCALE_N:-1000}
export BENCH_CGROUP_PARENT=brig-bench-scale-$$
if [ "$n" -gt 1000 ]; then
	brig network create --subnet 10.90.0.0/16 bench2 >/dev/null
fi
# shellcheck disable=SC2086 # BRIG_CMD is a command line
sbx python3 "$BENCH_DIR/scale.py" "$w/run.json" "$n" $BRIG_CMD

# Leftovers.
links=$(sbx ip -o link show | awk -F': ' '$2 ~ /^vb/' | wc -l)
leases=0
for f in "$BENCH_BRIG_RUNROOT"/leases/*; do
	case $f in *.lock | *.hosts*) continue ;; esac
	[ -f "$f" ] || continue
	leases=$((leases + $(grep -cv '^last ' "$f" || true)))
done
states=$(find "$BENCH_BRIG_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
cgroups=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path "*/$BENCH_CGROUP_PARENT/*" 2>/dev/null | wc -l)
monitors=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["brig_processes_left"])' "$w/run.json")
cat >"$w/left.json" <<JSON
{"vb_links": $links, "leases": $leases, "state_dirs": $states,
 "cgroup_dirs": $cgroups, "brig_processes": $monitors,
 "cgroup_parent": "$BENCH_CGROUP_PARENT"}
JSON
for d in /sys/fs/cgroup/*/"$BENCH_CGROUP_PARENT" /sys/fs/cgroup/"$BENCH_CGROUP_PARENT"; do
	[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
done
if [ "$n" -gt 1000 ]; then
	brig network rm bench2 >/dev/null || true
fi
bench_json "$BENCH_OUT/scale.json" run="$w/run.json" leftover="$w/left.json"
