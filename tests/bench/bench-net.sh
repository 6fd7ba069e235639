#!/usr/bin/env bash
# bench-net.sh - network setup cost: from "netns exists" to "eth0 has its
# address and default route".
#   brig: run --rm --net bridge minus run --rm --net none (interleaved; the
#         difference is brig's netlink work: lease, veth, move, address,
#         route, teardown), plus strace -c of one run of each.
#   cni:  the reference bridge plugin + host-local IPAM, ADD and DEL timed
#         separately, on its own bridge and subnet (netns made untimed).
#   ip:   ip-netsetup.sh (ip netns add, veth, addr, route), then untimed
#         ip netns del.
# Writes $BENCH_OUT/net.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/net
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
specs=()
specs+=("brig_none=$BRIG_CMD run --rm --net none busybox true")
specs+=("brig_bridge=$BRIG_CMD run --rm --net bridge busybox true")

if have containernetworking-plugins && [ -x /usr/lib/cni/bridge ]; then
	cat >"$w/cni.json" <<JSON
{"cniVersion": "0.4.0", "name": "benchcni", "type": "bridge",
 "bridge": "cnibench0", "isGateway": true, "ipMasq": false,
 "ipam": {"type": "host-local", "subnet": "10.77.0.0/16",
          "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$w/cni-ipam"}}
JSON
	cni="env CNI_PATH=/usr/lib/cni CNI_IFNAME=eth0 CNI_CONTAINERID=bench{i} CNI_NETNS=/run/netns/bcni{i}"
	specs+=("-cni_mkns=ip netns add bcni{i}")
	specs+=("cni_add=$cni CNI_COMMAND=ADD /usr/lib/cni/bridge <$w/cni.json")
	specs+=("cni_del=$cni CNI_COMMAND=DEL /usr/lib/cni/bridge <$w/cni.json")
	specs+=("-cni_rmns=ip netns del bcni{i}")
else
	not_run cni "$(why_missing containernetworking-plugins)"
fi

sbx ip link add ipbench0 type bridge
sbx ip addr add 10.66.0.1/16 dev ipbench0
sbx ip link set ipbench0 up
specs+=("ip_script=$BENCH_DIR/ip-netsetup.sh bip{i} ipbench0 10.66.0.2/16 10.66.0.1")
specs+=("-ip_rmns=ip netns del bip{i}")

timeit "$w/times.json" "${specs[@]}"

# Syscall profile of one run in each mode (brig CLI + monitor + init).
for m in none bridge; do
	# shellcheck disable=SC2086 # BRIG_CMD is a command line
	sbx strace -f -c -o "$w/strace-$m.txt" $BRIG_CMD run --rm --net "$m" busybox true ||
		log "strace of brig --net $m failed"
done
python3 - "$w" >"$w/strace.json" <<'PY'
import json, os, sys
out = {}
for m in ("none", "bridge"):
    p = os.path.join(sys.argv[1], "strace-%s.txt" % m)
    rows = []
    total = None
    if os.path.exists(p):
        for line in open(p):
            f = line.split()
            if len(f) >= 5 and f[0][0].isdigit():
                name = f[-1]
                calls = int(f[3])
                if name == "total":
                    total = {"seconds": float(f[1]), "calls": calls}
                else:
                    rows.append({"syscall": name, "seconds": float(f[1]), "calls": calls})
    out[m] = {"total": total, "top": rows[:8]}
print(json.dumps(out, indent=1))
PY
sbx ip link del ipbench0 || true
sbx ip link del cnibench0 2>/dev/null || true
bench_json "$BENCH_OUT/net.json" times="$w/times.json" strace="$w/strace.json"
