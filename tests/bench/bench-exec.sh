#!/usr/bin/env bash
# bench-exec.sh - exec latency: run `true` in an already running container.
# brig exec against crun exec, runc exec and podman exec (each container
# runs `sleep 100000`, started untimed).  Writes $BENCH_OUT/exec.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/exec
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
specs=()
v1ns_setup

c=$(brig run -d --name bench-exec busybox sleep 100000)
specs+=("brig_exec=$BRIG_CMD exec $c true")
[ -z "$BASE_CMD" ] || specs+=("base_exec=$BASE_CMD exec $c true")

for rt in crun runc; do
	if ! have "$rt"; then
		not_run "$rt" "$(why_missing "$rt")"
		continue
	fi
	pre=
	[ "$rt" != crun ] || pre=$V1NS
	b=$w/bundle-$rt
	mkdir -p "$b" "$w/state-$rt"
	(cd "$b" && "$rt" spec)
	"$BENCH_DIR/oci-bundle.py" "$b/config.json" "$BENCH_ROOTFS" sleep 100000
	# shellcheck disable=SC2086 # pre is a command prefix
	if sbx $pre "$rt" --root "$w/state-$rt" run --detach --bundle "$b" "bench-$rt" \
		</dev/null >"$w/$rt.log" 2>&1; then
		specs+=("${rt}_exec=$pre$rt --root $w/state-$rt exec bench-$rt true")
	else
		not_run "$rt" "$rt run --detach failed: $(tail -2 "$w/$rt.log" | tr '\n' ' ')"
	fi
done

if have podman; then
	# shellcheck disable=SC2086 # command lines
	if podman_setup "$w/podman" >"$w/podman-setup.log" 2>&1 &&
		sbx $V1NS $PODMAN_CMD run -d --name bench-exec $PODMAN_RUN_OPTS --network none \
			localhost/busybox sleep 100000 >"$w/podman-run.log" 2>&1; then
		specs+=("podman_exec=$V1NS$PODMAN_CMD exec bench-exec true")
	else
		not_run podman "podman run -d failed: $(tail -2 "$w"/podman-*.log | tr '\n' ' ')"
	fi
else
	not_run podman "$(why_missing podman)"
fi

timeit --shuffle "$w/times.json" "${specs[@]}"

brig rm -f "$c" >/dev/null
for rt in crun runc; do
	pre=
	[ "$rt" != crun ] || pre=$V1NS
	# shellcheck disable=SC2086
	[ ! -d "$w/state-$rt/bench-$rt" ] || sbx $pre "$rt" --root "$w/state-$rt" delete --force "bench-$rt" || true
done
if [ -n "${PODMAN_CMD:-}" ]; then
	# shellcheck disable=SC2086
	sbx $V1NS $PODMAN_CMD rm -f -t 0 bench-exec >/dev/null 2>&1 || true
fi
bench_json "$BENCH_OUT/exec.json" times="$w/times.json"
