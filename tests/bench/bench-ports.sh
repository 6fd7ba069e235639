#!/usr/bin/env bash
# bench-ports.sh - published ports at scale: start BENCH_PORTS_N (50)
# detached containers, container i publishing host port 20000+i, each
# start timed; then one more.  brig adds a container's ports as elements
# of table inet brig's maps and never rebuilds a rule, so the last start
# should cost about what the first did.  Also reports the table's rule
# count before and after (unchanged), then removes them all.  Writes
# $BENCH_OUT/ports.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

n=${BENCH_PORTS_N:-50}
w=$BENCH_WORK/ports
mkdir -p "$w"

# rules: how many rules table inet brig holds (nft(8) reads it; brig
# itself never runs nft).
rules() {
	sbx nft -a list table inet brig 2>/dev/null | grep -c '# handle' || true
}

# elements: how many map elements (each has its owner as a comment).
elements() {
	{ sbx nft list table inet brig | grep -o 'comment "' || true; } | wc -l
}

# start_ms NAME PORT: start one publishing container; print its ms.
start_ms() {
	local t0 t1
	t0=$(date +%s%N)
	brig run -d --name "$1" -p "$2:80" busybox sleep 100000 >/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

brig run --rm busybox true >/dev/null # the network and its table exist
rules_before=$(rules)
: >"$w/ms"
for i in $(seq 0 "$n"); do
	start_ms "bench-port-$i" $((20000 + i)) >>"$w/ms"
done
rules_after=$(rules)
elements=$(elements)
t0=$(date +%s%N)
mapfile -t names < <(seq -f 'bench-port-%g' 0 "$n")
brig rm -f "${names[@]}" >/dev/null
t1=$(date +%s%N)
left=$(elements)
python3 - "$w/ms" "$n" "$rules_before" "$rules_after" "$elements" "$left" \
	$(((t1 - t0) / 1000000)) >"$w/ports.json" <<'PY'
import json, statistics, sys
ms = [int(x) for x in open(sys.argv[1]).read().split()]
n = int(sys.argv[2])
doc = {
    "containers": n + 1,
    "first_ms": ms[0],
    "median_ms": statistics.median(ms),
    "last_ms": ms[-1],            # the (n+1)th start, n containers publishing
    "max_ms": max(ms),
    "rules_before": int(sys.argv[3]),
    "rules_after": int(sys.argv[4]),
    "elements": int(sys.argv[5]),
    "elements_after_rm": int(sys.argv[6]),
    "rm_all_ms": int(sys.argv[7]),
    "start_ms": ms,
}
json.dump(doc, sys.stdout, indent=1)
PY
log "ports: first start $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%(first_ms)s ms, median %(median_ms)s ms, start %(containers)s: %(last_ms)s ms; rules %(rules_before)s -> %(rules_after)s; elements %(elements)s, after rm %(elements_after_rm)s" % d)' "$w/ports.json")"
bench_json "$BENCH_OUT/ports.json" run="$w/ports.json"
