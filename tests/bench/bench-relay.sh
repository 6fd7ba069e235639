#!/usr/bin/env bash
# bench-relay.sh - TCP throughput through the user engine's relay (the
# impairment relay for kernels without sch_netem, net/relay.c), with no
# impairment set, against the plain veth pair it replaces.
#
# In its own sandbox (scripts/sandbox.sh: nothing reaches the host's
# network): namespaces A and B joined by a veth pair x/y (10.77.0.1/.2);
# iperf3 -c from A to B over the plain pair, then with tests/bench/relayd
# spliced into B's end (A:x <-> relay <-> B:y), rounds interleaved.
# Reports Gbit/s (receiver) of both, their ratio and the relay's CPU time.
# Target of issue 13: at least 1 Gbit/s through the relay.
#
# Runs alone (as root, after `make relayd`) or from run.sh (BENCH_ONLY=relay),
# then also writes $BENCH_OUT/relay.json.
# Knobs: BENCH_IPERF_SECONDS (10), BENCH_IPERF_REPEAT (2), RELAYD (the driver).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
SANDBOX=$REPO/scripts/sandbox.sh
RELAYD=${RELAYD:-$REPO/build/tests/relayd}
secs=${BENCH_IPERF_SECONDS:-10}
rounds=${BENCH_IPERF_REPEAT:-2}

log() { echo "bench-relay: $*" >&2; }

# ---- inside the sandbox ----
if [ "${1:-}" = --inner ]; then
	w=$2
	unshare --net sleep infinity &
	A=$!
	unshare --net sleep infinity &
	B=$!
	na=(nsenter "--net=/proc/$A/ns/net" --)
	nb=(nsenter "--net=/proc/$B/ns/net" --)
	trap 'kill $A $B 2>/dev/null || true' EXIT
	# $! is unshare: wait until it has its own namespace (then execs sleep),
	# or both veth ends would land in the sandbox's
	for i in $(seq 200); do
		[ ! "/proc/$A/ns/net" -ef /proc/self/ns/net ] &&
			[ ! "/proc/$B/ns/net" -ef /proc/self/ns/net ] && break
		[ "$i" -lt 200 ] || { log "unshare --net did not start"; exit 1; }
		sleep 0.05
	done
	ip link add x netns "$A" type veth peer y netns "$B"
	"${na[@]}" ip link set lo up
	"${nb[@]}" ip link set lo up
	"${na[@]}" ip addr add 10.77.0.1/24 dev x
	"${nb[@]}" ip addr add 10.77.0.2/24 dev y
	"${na[@]}" ip link set x up
	"${nb[@]}" ip link set y up

	# iperf NAME: one iperf3 run A -> B, its receiver Gbit/s on stdout.
	iperf() {
		local srv i
		"${nb[@]}" iperf3 -s -1 -p 5201 >"$w/srv-$1.log" 2>&1 &
		srv=$!
		for i in $(seq 100); do
			"${nb[@]}" ss -Hltn 'sport = :5201' | grep -q LISTEN && break
			[ "$i" -lt 100 ] || { log "iperf3 server did not listen"; return 1; }
			sleep 0.05
		done
		"${na[@]}" iperf3 -c 10.77.0.2 -p 5201 -t "$secs" -J >"$w/iperf-$1.json"
		wait "$srv" || true
		python3 -c 'import json,sys
print("%.3f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' \
			"$w/iperf-$1.json"
	}
	# cpu PID: user+system seconds of a process.
	cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

	for r in $(seq "$rounds"); do
		echo "plain $r $(iperf "plain-$r") 0"
		"$RELAYD" "/proc/$B/ns/net" y "$w/relay-$r.shm" >"$w/relayd-$r.out" 2>&1 &
		R=$!
		for i in $(seq 200); do
			grep -q ready "$w/relayd-$r.out" 2>/dev/null && break
			kill -0 "$R" 2>/dev/null || { log "relayd failed: $(cat "$w/relayd-$r.out")"; exit 1; }
			[ "$i" -lt 200 ] || { log "relayd did not get ready"; exit 1; }
			sleep 0.05
		done
		g=$(iperf "relay-$r")
		c=$(cpu "$R")
		kill -TERM "$R"
		wait "$R" || { log "relayd: $(cat "$w/relayd-$r.out")"; exit 1; }
		echo "relay $r $g $c"
	done
	exit 0
fi

# ---- outside: checks, sandbox, report ----
[ "$(id -u)" -eq 0 ] || { log "must run as root (namespaces)"; exit 1; }
command -v iperf3 >/dev/null || { log "iperf3 is not installed"; exit 1; }
[ -x "$RELAYD" ] || { log "$RELAYD not built (make relayd)"; exit 1; }

work=$(mktemp -d /tmp/brig-bench-relay.XXXXXX)
cleanup() {
	local rc=$?
	[ -e "$work/sb/holder.pid" ] && "$SANDBOX" destroy "$work/sb" >/dev/null 2>&1
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$SANDBOX" create "$work/sb" >/dev/null
"$SANDBOX" exec "$work/sb" bash "$BENCH_DIR/bench-relay.sh" --inner "$work" >"$work/results.txt"

python3 - "$work/results.txt" "${BENCH_OUT:-}" <<'PY'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
runs = {"plain": [], "relay": []}
cpu = []
for kind, _, gbps, c in rows:
    runs[kind].append(float(gbps))
    if kind == "relay":
        cpu.append(float(c))
plain, relay = statistics.median(runs["plain"]), statistics.median(runs["relay"])
out = {"plain_gbps": runs["plain"], "relay_gbps": runs["relay"], "relay_cpu_s": cpu,
       "plain_median": plain, "relay_median": relay,
       "ratio": relay / plain if plain else None, "target_gbps": 1.0}
print("| path | Gbit/s (median) | runs |")
print("| --- | --- | --- |")
print("| plain veth pair A:x <-> B:y | %.2f | %s |" % (plain, ", ".join("%.2f" % g for g in runs["plain"])))
print("| through the relay (no impairment) | %.2f | %s |" % (relay, ", ".join("%.2f" % g for g in runs["relay"])))
print()
print("relay / plain = %.2f; relay CPU %s s per run; target >= 1 Gbit/s: %s" % (
    out["ratio"] or 0, ", ".join("%.1f" % c for c in cpu), "met" if relay >= 1.0 else "MISSED"))
if sys.argv[2]:
    json.dump(out, open(sys.argv[2] + "/relay.json", "w"), indent=1)
PY
