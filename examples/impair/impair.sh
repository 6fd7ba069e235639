#!/bin/sh
# impair.sh - RTT and throughput across a link before and after
# `brig netem set`, then the same impairment declared in the topology file.
# Run as root from the repository's top directory, with an image named
# busybox (README).  Uses the plain link b -- c of examples/impair.
set -eu
BRIG=${BRIG:-./brig}
lab=examples/impair/impair.clab.yml

rtt() { "$BRIG" exec "clab-impair-$1" ping -c 3 -q "$2" | tail -n 1; }

"$BRIG" lab up "$lab" >/dev/null
trap '"$BRIG" lab down impair >/dev/null' EXIT

echo "== b -- c, a plain veth pair"
rtt b 10.0.2.2
"$BRIG" lab perf impair b c --seconds 2

echo "== b -- c after: brig netem set clab-impair-b:eth2 --delay 50ms --rate 10mbit"
"$BRIG" netem set clab-impair-b:eth2 --delay 50ms --rate 10mbit
"$BRIG" netem set clab-impair-c:eth1 --delay 50ms --rate 10mbit
rtt b 10.0.2.2
"$BRIG" lab perf impair b c --seconds 2
"$BRIG" netem show

echo "== b -- c after: brig netem clear (both ends)"
"$BRIG" netem clear clab-impair-b:eth2
"$BRIG" netem clear clab-impair-c:eth1
rtt b 10.0.2.2

echo "== a -- b, declared in the file: netem: {delay: 50ms, rate: 10mbit}"
rtt a 10.0.1.2
"$BRIG" lab perf impair a b --seconds 2
