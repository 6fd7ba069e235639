#!/usr/bin/env bash
# bench-api.sh - the daemon (issue 16, issue 18's daemon target): `docker run
# --rm busybox true` through `brig serve`'s socket, `brig run --rm busybox
# true` direct on the same root and image, and `docker run --rm busybox
# true` against `podman system service` (Debian's podman, its
# Docker-compatible API), side by side, interleaved.  Beside them the
# requests of `docker run --rm` (create with AutoRemove, wait for removal,
# start) sent by a tiny C client (apiclient.c, two connections, no Go
# runtime to start) to brig's and podman's sockets, so the daemon's own overhead shows apart from the
# docker CLI's startup (whose floor, `docker --version`, is a row too).
# Then one untimed `strace -f -c` of the daemon (and the monitors it forks)
# during BENCH_API_STRACE_RUNS (10) client runs, and the size of the events
# history a wait replays.
#
# Everything runs in the bench sandbox (scripts/sandbox.sh): both daemons'
# sockets, brig's br0 and podman's netavark bridge and iptables rules live
# and die in its network namespace; podman's root, runroot, tmpdir and
# network config are under the work dir.  The docker CLI is the 20.10 one
# scripts/install-deps.sh extracts (BENCH_DOCKER, default
# /usr/local/lib/brig-test/docker); dockerd is never started.
#
# From run.sh (BENCH_ONLY=api): writes $BENCH_OUT/api.json.  Alone (as root,
# after `make brig`): runs run.sh's setup with only this bench, without apt
# (BENCH_SKIP_INSTALL=1 unless set), results in a temp dir (printed), never
# into tests/bench/results.
set -euo pipefail

if [ -z "${BENCH_WORK:-}" ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	res=$(mktemp -d /tmp/brig-bench-api.XXXXXX)
	rc=0
	BENCH_ONLY=api BENCH_SKIP_INSTALL=${BENCH_SKIP_INSTALL:-1} BENCH_RESULTS=$res \
		"$here/run.sh" || rc=$?
	echo "bench-api: results in $res/latest.md and latest.json" >&2
	exit "$rc"
fi

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

DOCKER=${BENCH_DOCKER:-/usr/local/lib/brig-test/docker}
w=$BENCH_WORK/api
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
info=$w/info.json
specs=()
notes=()
export DOCKER_CONFIG=$w/docker-config
mkdir -p "$DOCKER_CONFIG"

# wait_socket PATH PID: until PATH is a socket (PID still alive), 20 s.
wait_socket() {
	local i
	for i in $(seq 400); do
		[ -S "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		[ "$i" -lt 400 ] || return 1
		sleep 0.05
	done
}

# stop PID: SIGTERM, then wait (bounded) for it to go.
stop() {
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null || true
}

if [ ! -x "$DOCKER" ]; then
	not_run docker "the docker CLI is not at $DOCKER (scripts/install-deps.sh)"
fi
CLIENT=$w/apiclient
cc -O2 -Wall -o "$CLIENT" "$BENCH_DIR/apiclient.c"

# ---- brig serve, and the image saved as a docker-archive ---------------------
# serve_bg BIN SOCKET LOG: BIN's `brig serve` on the bench's root, in the
# background (its pid in SERVED_PID, tracked); fails when it does not listen.
serve_bg() {
	(exec "$SANDBOX" exec "$BENCH_SB" "$1" --root "$BENCH_BRIG_ROOT" \
		--runroot "$BENCH_BRIG_RUNROOT" serve --socket "$2" --group root \
		</dev/null >"$3" 2>&1) &
	SERVED_PID=$!
	track_pid "$SERVED_PID"
	wait_socket "$2" "$SERVED_PID"
}

BSOCK=$w/brig.sock
serve_bg "$BRIG_BIN" "$BSOCK" "$w/serve.log" && ok=1 || ok=0
SERVE_PID=$SERVED_PID
if [ "$ok" = 0 ]; then
	log "brig serve did not listen: $(tail -3 "$w/serve.log")"
	python3 -c 'import json, sys; print(json.dumps({"failed": sys.argv[1]}))' \
		"brig serve did not listen: $(tail -1 "$w/serve.log")" >"$BENCH_OUT/api.json"
	exit 1
fi
brig image save busybox -o "$w/busybox-docker-archive.tar"

# BENCH_BASELINE: a second daemon from the older binary on the same root,
# its own socket, timed in the same interleaved runs (rows baseline_*).
BASE_SOCK=
if [ -n "${BENCH_BASELINE:-}" ]; then
	BASE_SOCK=$w/baseline.sock
	serve_bg "$BENCH_BASELINE" "$BASE_SOCK" "$w/serve-baseline.log" && ok=1 || ok=0
	BASE_PID=$SERVED_PID
	[ "$ok" = 1 ] || {
		log "the baseline's brig serve did not listen: $(tail -1 "$w/serve-baseline.log")"
		BASE_SOCK=
	}
fi

# ---- podman system service ---------------------------------------------------
PSOCK=$w/podman.sock
PODMAN_PID=

# podman_up: podman confined to $w/podman (lib.sh's podman_setup), the
# archive loaded, `podman system service` listening on $PSOCK.  Sets
# PODMAN_PID; on failure sets WHY.
podman_up() {
	podman_setup "$w/podman" noimport >"$w/podman-setup.log" 2>&1 || {
		WHY="setup failed: $(tail -3 "$w/podman-setup.log" | tr '\n' ' ')"
		return 1
	}
	# What PODMAN_RUN_OPTS gives the CLI (see lib.sh), for every
	# container the API creates.
	sed -i '/^\[containers\]/a default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]' \
		"$CONTAINERS_CONF"
	# shellcheck disable=SC2086 # command lines
	sbx $V1NS ${PODMAN_CMD:?} load -i "$w/busybox-docker-archive.tar" >>"$w/podman-setup.log" 2>&1 || {
		WHY="podman load failed: $(tail -3 "$w/podman-setup.log" | tr '\n' ' ')"
		return 1
	}
	# shellcheck disable=SC2086 # command lines
	(exec "$SANDBOX" exec "$BENCH_SB" $V1NS $PODMAN_CMD system service --time 0 \
		"unix://$PSOCK" </dev/null >"$w/podman-service.log" 2>&1) &
	PODMAN_PID=$!
	track_pid "$PODMAN_PID"
	wait_socket "$PSOCK" "$PODMAN_PID" || {
		WHY="podman system service did not listen: $(tail -2 "$w/podman-service.log" | tr '\n' ' ')"
		PODMAN_PID=
		return 1
	}
}

v1ns_setup
if ! have podman; then
	not_run podman "$(why_missing podman)"
elif ! podman_up; then
	not_run podman "$WHY"
fi

# ---- the network mode: the default bridge for all rows, unless podman's
# netavark bridge cannot work in the sandbox; then none for all three.
NET=default
if [ -n "$PODMAN_PID" ] && [ -x "$DOCKER" ] &&
	! sbx "$DOCKER" -H "unix://$PSOCK" run --rm busybox true >"$w/podman-probe.log" 2>&1; then
	if sbx "$DOCKER" -H "unix://$PSOCK" run --rm --network none busybox true \
		>>"$w/podman-probe.log" 2>&1; then
		NET=none
		notes+=("podman's bridge networking failed in the sandbox ($(grep -m1 -i error "$w/podman-probe.log" | cut -c1-200)); all rows use --network none")
	else
		not_run podman "docker run against podman failed: $(tail -2 "$w/podman-probe.log" | tr '\n' ' ')"
		stop "$PODMAN_PID"
		PODMAN_PID=
	fi
fi
dnet=()
bnet=()
if [ "$NET" = none ]; then
	dnet=(--network none)
	bnet=(--net none)
fi
log "network mode for all rows: $NET"

if [ -x "$DOCKER" ]; then
	# the docker CLI's own start (Go runtime, config), no request
	specs+=("docker_floor=$DOCKER --version")
	specs+=("brig_api_docker=$DOCKER -H unix://$BSOCK run --rm ${dnet[*]} busybox true")
	[ -z "$BASE_SOCK" ] ||
		specs+=("baseline_api_docker=$DOCKER -H unix://$BASE_SOCK run --rm ${dnet[*]} busybox true")
fi
specs+=("brig_direct=$BRIG_CMD run --rm ${bnet[*]} busybox true")
# The daemon's containers are always detached (a monitor of their own, as
# `brig run -d`): the same detached path through the CLI, without HTTP.
cat >"$w/detached.sh" <<SH
#!/bin/sh
id=\$($BRIG_CMD run -d ${bnet[*]} busybox true) && $BRIG_CMD wait "\$id" >/dev/null && exec $BRIG_CMD rm "\$id" >/dev/null
SH
chmod +x "$w/detached.sh"
specs+=("brig_detached=$w/detached.sh")
specs+=("brig_api_raw=$CLIENT -n $NET $BSOCK busybox true")
[ -z "$BASE_SOCK" ] || specs+=("baseline_api_raw=$CLIENT -n $NET $BASE_SOCK busybox true")
if [ -n "$PODMAN_PID" ]; then
	[ ! -x "$DOCKER" ] ||
		specs+=("podman_api_docker=$DOCKER -H unix://$PSOCK run --rm ${dnet[*]} busybox true")
	specs+=("podman_api_raw=$CLIENT -n $NET $PSOCK busybox true")
fi

timeit --shuffle "$w/times.json" "${specs[@]}"

# ---- where the daemon's time goes: strace -c of brig serve (untimed) -------
# sandbox.sh and nsenter exec, so SERVE_PID is brig itself.
strace_runs=${BENCH_API_STRACE_RUNS:-10}
if command -v strace >/dev/null; then
	strace -f -c -o "$w/strace-serve.txt" -p "$SERVE_PID" 2>"$w/strace.err" &
	st=$!
	for i in $(seq 200); do
		grep -q attached "$w/strace.err" 2>/dev/null && break
		[ "$i" -lt 200 ] || log "strace did not attach: $(cat "$w/strace.err")"
		sleep 0.02
	done
	for _ in $(seq "$strace_runs"); do
		sbx "$CLIENT" -n "$NET" "$BSOCK" busybox true || true
	done
	kill -INT "$st" 2>/dev/null || true
	wait "$st" 2>/dev/null || true
fi

stop "$SERVE_PID"
[ -z "$BASE_SOCK" ] || stop "$BASE_PID"
[ -z "$PODMAN_PID" ] || stop "$PODMAN_PID"

# The history a wait replays (the reader parses it from its start).
ev_bytes=$(cat "$BENCH_BRIG_RUNROOT"/events/events.jsonl* 2>/dev/null | wc -c)
python3 - "$info" "$NET" "$w/strace-serve.txt" "$strace_runs" "$ev_bytes" "${notes[@]}" <<'PY'
import json, os, sys
out, net, strace, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ev_bytes, notes = int(sys.argv[5]), sys.argv[6:]
top = []
total = None
if os.path.exists(strace):
    for line in open(strace):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            calls = int(f[3])
            top.append({"syscall": f[-1], "seconds": float(f[1]), "calls": calls})
        elif f and f[-1] == "total" and len(f) >= 4:
            total = {"seconds": float(f[1]), "calls": int(f[3])}
    top.sort(key=lambda x: -x["seconds"])
json.dump({"network": net, "notes": notes, "strace_runs": runs, "events_bytes": ev_bytes,
           "strace_total": total, "strace_top": top[:8]}, open(out, "w"), indent=1)
PY
bench_json "$BENCH_OUT/api.json" times="$w/times.json" info="$info"
