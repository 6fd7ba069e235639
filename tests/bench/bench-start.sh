#!/usr/bin/env bash
# bench-start.sh - start latency: run a container whose command is `true`
# and wait for it to exit, wall clock.  brig (--net none, bridge) against
# crun run / runc run of an OCI bundle made from the same rootfs, podman run
# --rm (--network none, bridge) and the floor (unshare of the same
# namespaces + true); brig on a v4-only and on a dual-stack network.
# Interleaved, BENCH_RUNS runs after BENCH_WARMUP.
# Writes $BENCH_OUT/start.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/start
mkdir -p "$w"
specs=()
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"

specs+=("floor=unshare --pid --fork --mount --uts --ipc --net true")
specs+=("brig_none=$BRIG_CMD run --rm --net none busybox true")
specs+=("brig_bridge=$BRIG_CMD run --rm --net bridge busybox true")
# What the defences cost (issue 14): brig_none without the seccomp filter
# and no_new_privs, interleaved with the default (target: < 2 ms apart).
specs+=("brig_nosec=$BRIG_CMD run --rm --net none --security-opt seccomp=unconfined --security-opt no-new-privileges=false busybox true")
# What IPv6 costs a start (issue 17): the same run on two networks made
# alike, one v4-only and one dual-stack (a v6 lease, the address added
# NODAD, the v6 default route), interleaved (target: < 2 ms apart).
brig network create --subnet 10.201.0.0/24 bench4 >/dev/null
brig network create --subnet 10.202.0.0/24 --ipv6 --subnet fd00:b202::/64 bench6 >/dev/null
specs+=("brig_v4=$BRIG_CMD run --rm --net bench4 busybox true")
specs+=("brig_v6=$BRIG_CMD run --rm --net bench6 busybox true")
if [ -n "$BASE_CMD" ]; then
	specs+=("base_none=$BASE_CMD run --rm --net none busybox true")
	specs+=("base_bridge=$BASE_CMD run --rm --net bridge busybox true")
fi

v1ns_setup
[ -z "$V1NS" ] || specs+=("nsenter_true=${V1NS}true")

# crun / runc: one bundle each, config from their own `spec`, rootfs shared.
for rt in crun runc; do
	if ! have "$rt"; then
		not_run "$rt" "$(why_missing "$rt")"
		continue
	fi
	b=$w/bundle-$rt
	mkdir -p "$b" "$w/state-$rt"
	(cd "$b" && "$rt" spec)
	"$BENCH_DIR/oci-bundle.py" "$b/config.json" "$BENCH_ROOTFS" true
	pre=
	[ "$rt" != crun ] || pre=$V1NS
	specs+=("$rt=$pre$rt --root $w/state-$rt run --bundle $b bench-$rt-{i}")
done

# podman: its own root, runroot, tmpdir, network config and subnet (brig's
# br0 has 10.88.0.0/16 in the same sandbox), cgroupfs, image from the
# same tarball.
if have podman; then
	if podman_setup "$w/podman" >"$w/podman-setup.log" 2>&1; then
		specs+=("podman_none=$V1NS$PODMAN_CMD run --rm $PODMAN_RUN_OPTS --network none localhost/busybox true")
		specs+=("podman_bridge=$V1NS$PODMAN_CMD run --rm $PODMAN_RUN_OPTS --network bridge localhost/busybox true")
	else
		not_run podman "setup failed: $(tail -3 "$w/podman-setup.log" | tr '\n' ' ')"
	fi
else
	not_run podman "$(why_missing podman)"
fi

timeit --shuffle "$w/times.json" "${specs[@]}"

brig network rm bench4 bench6 >/dev/null

bench_json "$BENCH_OUT/start.json" times="$w/times.json"
