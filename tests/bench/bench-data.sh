#!/usr/bin/env bash
# bench-data.sh - data plane: iperf3 TCP throughput and ping RTT
#   brig:     two brig containers on the default bridge (iperf3 and ping
#             are the host's, run in each container's netns with nsenter)
#   bare:     two namespaces on a bare bridge built with ip (kernel's limit)
#   loopback: server and client on lo inside one namespace
# BENCH_IPERF_SECONDS (10) per run, BENCH_IPERF_REPEAT (2) rounds, the
# three setups interleaved in each round.  Writes $BENCH_OUT/data.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/data
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
secs=${BENCH_IPERF_SECONDS:-10}
rounds=${BENCH_IPERF_REPEAT:-2}

if ! have iperf3 || ! command -v iperf3 >/dev/null; then
	not_run iperf3 "$(why_missing iperf3)"
	echo '{}' >"$w/empty.json"
	bench_json "$BENCH_OUT/data.json" results="$w/empty.json"
	exit 0
fi

# brig: two containers, their pids and addresses from inspect.
c1=$(brig run -d --net bridge --name bench-d1 busybox sleep 100000)
c2=$(brig run -d --net bridge --name bench-d2 busybox sleep 100000)
brig inspect "$c1" "$c2" >"$w/inspect.json"
read -r p1 a1 p2 < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d[0]["state"]["pid"], d[0]["state"]["networks"][0]["address"], d[1]["state"]["pid"])
' "$w/inspect.json")

# bare: the same shape built by hand.
sbx ip link add dbench0 type bridge
sbx ip addr add 10.55.0.1/16 dev dbench0
sbx ip link set dbench0 up
sbx "$BENCH_DIR/ip-netsetup.sh" dbare1 dbench0 10.55.0.2/16 10.55.0.1
sbx "$BENCH_DIR/ip-netsetup.sh" dbare2 dbench0 10.55.0.3/16 10.55.0.1
sbx ip netns exec dbare1 true # fail early if the namespaces are unusable

# enter SETUP SIDE: the nsenter prefix for the server (1) or client (2) side.
enter() {
	case $1:$2 in
	brig:1) echo "nsenter --net=/proc/$p1/ns/net --" ;;
	brig:2) echo "nsenter --net=/proc/$p2/ns/net --" ;;
	bare:1 | loopback:*) echo "ip netns exec dbare1" ;;
	bare:2) echo "ip netns exec dbare2" ;;
	esac
}
target() {
	case $1 in
	brig) echo "$a1" ;;
	bare) echo 10.55.0.2 ;;
	loopback) echo 127.0.0.1 ;;
	esac
}

# one_run SETUP ROUND: iperf3 server (one client, then exits) + client.
one_run() {
	local s=$1 r=$2 srv spid i
	srv=$(enter "$s" 1)
	# shellcheck disable=SC2086 # srv is a command prefix
	"$SANDBOX" exec "$BENCH_SB" $srv iperf3 -s -1 -p 5201 >"$w/srv-$s-$r.log" 2>&1 &
	spid=$!
	track_pid "$spid"
	for i in $(seq 100); do
		# shellcheck disable=SC2086
		sbx $srv ss -Hltn 'sport = :5201' 2>/dev/null | grep -q LISTEN && break
		[ "$i" -lt 100 ] || {
			log "iperf3 server for $s did not listen"
			return 1
		}
		sleep 0.05
	done
	# shellcheck disable=SC2046 # enter prints a command prefix
	sbx $(enter "$s" 2) iperf3 -c "$(target "$s")" -p 5201 -t "$secs" -J >"$w/iperf-$s-$r.json"
	wait "$spid" || true
	# shellcheck disable=SC2046
	sbx $(enter "$s" 2) ping -q -c 50 -i 0.02 "$(target "$s")" >"$w/ping-$s-$r.txt"
}

for r in $(seq "$rounds"); do
	for s in brig bare loopback; do
		log "data: $s round $r"
		one_run "$s" "$r"
	done
done

python3 - "$w" "$rounds" >"$w/results.json" <<'PY'
import json, re, statistics, sys
w, rounds = sys.argv[1], int(sys.argv[2])
out = {}
for s in ("brig", "bare", "loopback"):
    gbps, rtt = [], []
    for r in range(1, rounds + 1):
        j = json.load(open("%s/iperf-%s-%d.json" % (w, s, r)))
        gbps.append(j["end"]["sum_received"]["bits_per_second"] / 1e9)
        m = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)", open("%s/ping-%s-%d.txt" % (w, s, r)).read())
        rtt.append(float(m.group(2)) * 1000)  # avg, microseconds
    out[s] = {"gbit_s": [round(x, 3) for x in gbps],
              "gbit_s_median": round(statistics.median(gbps), 3),
              "rtt_us": [round(x, 1) for x in rtt],
              "rtt_us_median": round(statistics.median(rtt), 1)}
print(json.dumps(out, indent=1))
PY

brig rm -f "$c1" "$c2" >/dev/null
sbx ip netns del dbare1
sbx ip netns del dbare2
sbx ip link del dbench0
bench_json "$BENCH_OUT/data.json" results="$w/results.json"
