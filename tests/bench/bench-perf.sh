#!/usr/bin/env bash
# bench-perf.sh - `brig lab perf` against iperf3 for the same pair of
# containers on one bridge (issue 13: within 20%).
#   A lab of two nodes, a and b, on its management bridge (no links: perf
#   then uses b's management address).  Each round runs, one after the
#   other, brig lab perf a b and iperf3 (the host's, in the same
#   containers' network namespaces with nsenter: server in b, client in
#   a), both TCP for BENCH_PERF_SECONDS (5), BENCH_PERF_REPEAT (3) rounds.
#   Both numbers are what the receiver counted.
# Writes $BENCH_OUT/perf.json: per tool the Gbit/s of every round and the
# median, and brig / iperf3 of the medians.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/perf
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
secs=${BENCH_PERF_SECONDS:-5}
rounds=${BENCH_PERF_REPEAT:-3}

if ! have iperf3 || ! command -v iperf3 >/dev/null; then
	not_run iperf3 "$(why_missing iperf3)"
fi

cat >"$w/perf.clab.yml" <<'YML'
name: perfbench
topology:
  defaults: {kind: linux, image: busybox, cmd: sleep infinity}
  nodes:
    a: {}
    b: {}
YML
brig lab up "$w/perf.clab.yml" >/dev/null
brig inspect clab-perfbench-a clab-perfbench-b >"$w/inspect.json"
read -r pa pb ab < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d[0]["state"]["pid"], d[1]["state"]["pid"], d[1]["state"]["networks"][0]["address"])
' "$w/inspect.json")

# iperf_run ROUND: iperf3 server in b (one client, then it exits), client in a.
iperf_run() {
	local r=$1 spid i
	"$SANDBOX" exec "$BENCH_SB" nsenter --net="/proc/$pb/ns/net" -- \
		iperf3 -s -1 -p 5201 >"$w/srv-$r.log" 2>&1 &
	spid=$!
	track_pid "$spid"
	for i in $(seq 100); do
		sbx nsenter --net="/proc/$pb/ns/net" -- ss -Hltn 'sport = :5201' 2>/dev/null |
			grep -q LISTEN && break
		[ "$i" -lt 100 ] || {
			log "iperf3 server did not listen"
			return 1
		}
		sleep 0.05
	done
	sbx nsenter --net="/proc/$pa/ns/net" -- iperf3 -c "$ab" -p 5201 -t "$secs" -J \
		>"$w/iperf-$r.json"
	wait "$spid" || true
}

for r in $(seq "$rounds"); do
	log "perf: brig round $r"
	brig lab perf perfbench a b --seconds "$secs" --format json >"$w/brig-$r.json"
	if have iperf3; then
		log "perf: iperf3 round $r"
		iperf_run "$r"
	fi
done

python3 - "$w" "$rounds" >"$w/results.json" <<'PY'
import json, os, statistics, sys
w, rounds = sys.argv[1], int(sys.argv[2])
out = {}
brig = [json.load(open("%s/brig-%d.json" % (w, r)))["bits_per_second"] / 1e9
        for r in range(1, rounds + 1)]
out["brig"] = {"gbit_s": [round(x, 3) for x in brig], "gbit_s_median": round(statistics.median(brig), 3)}
if os.path.exists("%s/iperf-1.json" % w):
    ip = [json.load(open("%s/iperf-%d.json" % (w, r)))["end"]["sum_received"]["bits_per_second"] / 1e9
          for r in range(1, rounds + 1)]
    out["iperf3"] = {"gbit_s": [round(x, 3) for x in ip], "gbit_s_median": round(statistics.median(ip), 3)}
    out["ratio"] = round(out["brig"]["gbit_s_median"] / out["iperf3"]["gbit_s_median"], 3)
print(json.dumps(out, indent=1))
PY

brig lab down perfbench >/dev/null
bench_json "$BENCH_OUT/perf.json" results="$w/results.json"
cat "$w/results.json" >&2
