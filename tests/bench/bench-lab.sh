#!/usr/bin/env bash
# bench-lab.sh - a lab at scale (issue 12): BENCH_LAB_N (300) linux nodes
# of busybox in a chain (N-1 links) plus the management network (a /22, as
# a /24 holds only 253 nodes), deployed with `brig lab up` and destroyed
# with `brig lab down`, each timed, BENCH_LAB_RUNS (3) times.  Side by
# side: Mininet's `mn --topo linear,N` on Linux bridges (N hosts, N
# switches, 2N-1 links; Debian's mininet package), its build+start and its
# stop timed the same way.  containerlab is not installable here: its own
# published figure (39 s up, 37 s down for 306 nodes on 16 cores) is quoted
# in the report.  After each down: no veth, bridge, container or lab left.
# Writes $BENCH_OUT/lab.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/lab
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
n=${BENCH_LAB_N:-300}
runs=${BENCH_LAB_RUNS:-3}

python3 - "$w/chain.clab.yml" "$n" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
lines = ["name: chain", "mgmt:", "  ipv4-subnet: 172.20.0.0/22", "topology:",
         "  defaults:", "    kind: linux", "    image: busybox", "    cmd: sleep infinity",
         "  nodes:"]
lines += ["    n%d: {}" % i for i in range(1, n + 1)]
lines.append("  links:")
lines += ['    - endpoints: ["n%d:eth1", "n%d:eth2"]' % (i, i + 1) for i in range(1, n)]
open(out, "w").write("\n".join(lines) + "\n")
PY

# seconds CMD...: the wall time of CMD (it must succeed).
seconds() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print("%.3f" % (time.monotonic() - t))
PY
}

# What a down left: links beyond those the sandbox had before, containers, labs.
links0=$(sbx ip -o link | wc -l)
left() {
	echo "$(($(sbx ip -o link | wc -l) - links0)) links, $(brig ps -a -q | wc -l) containers, $(brig lab ls | tail -n +2 | wc -l) labs"
}

: >"$w/brig.tsv"
: >"$w/mininet.tsv"
for r in $(seq 1 "$runs"); do
	up=$(seconds "$SANDBOX" exec "$BENCH_SB" $BRIG_CMD lab up "$w/chain.clab.yml")
	running=$(brig ps -q | wc -l)
	down=$(seconds "$SANDBOX" exec "$BENCH_SB" $BRIG_CMD lab down chain)
	printf '%s\t%s\t%s\t%s\n' "$up" "$down" "$running" "$(left)" >>"$w/brig.tsv"
	log "lab: brig run $r: up ${up}s ($running running), down ${down}s; left: $(left)"
	if have mininet; then
		# Debian's python (the module is python3-mininet), not one first in PATH
		sbx /usr/bin/python3 "$BENCH_DIR/mininet_linear.py" "$n" "$w/mn.json"
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.3f\t%.3f" % (d["up_s"], d["down_s"]))' \
			"$w/mn.json" >>"$w/mininet.tsv"
		log "lab: mininet run $r: $(tail -1 "$w/mininet.tsv")"
	fi
done
have mininet || printf 'mininet\t%s\n' "$(why_missing mininet)" >>"$NOTRUN"

python3 - "$w" "$n" <<'PY'
import json, sys
w, n = sys.argv[1], int(sys.argv[2])
def rows(f):
    return [l.rstrip("\n").split("\t") for l in open(f) if l.strip()]
b = rows(w + "/brig.tsv")
m = rows(w + "/mininet.tsv")
doc = {"nodes": n, "links": n - 1,
       "brig": {"up_s": [float(r[0]) for r in b], "down_s": [float(r[1]) for r in b],
                "running": [int(r[2]) for r in b], "left": [r[3] for r in b]},
       "mininet": {"up_s": [float(r[0]) for r in m], "down_s": [float(r[1]) for r in m]}}
json.dump(doc, open(w + "/times.json", "w"), indent=1)
PY
bench_json "$BENCH_OUT/lab.json" times="$w/times.json"
