# lib.sh - shared helpers for the benchmark scripts (sourced, not run).
#
# run.sh sets up one work dir, one sandbox and one brig root for the whole
# suite and exports:
#   BENCH_WORK   temp dir (removed by run.sh)    BENCH_OUT  JSON fragments go here
#   BENCH_SB     sandbox dir (scripts/sandbox.sh)
#   BENCH_IMAGE  busybox rootfs tarball          BENCH_ROOTFS  the same, extracted
#   BENCH_PEERS  install-peers.sh output ("NAME installed VER" / "NAME missing WHY")
#   BRIG_BIN, BENCH_BRIG_ROOT, BENCH_BRIG_RUNROOT
# A bench script writes $BENCH_OUT/<name>.json; report.py turns all of them
# into results/latest.{md,json}.
# shellcheck shell=bash disable=SC2034 # variables used by the bench scripts

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
SANDBOX=$REPO/scripts/sandbox.sh
BENCH_RUNS=${BENCH_RUNS:-20}
BENCH_WARMUP=${BENCH_WARMUP:-3}

for v in BENCH_WORK BENCH_OUT BENCH_SB BENCH_IMAGE BENCH_ROOTFS BENCH_PEERS \
	BRIG_BIN BENCH_BRIG_ROOT BENCH_BRIG_RUNROOT; do
	if [ -z "${!v:-}" ]; then
		echo "bench: $v is not set (run tests/bench/run.sh, or make bench)" >&2
		exit 1
	fi
done

log() { echo "bench: $*" >&2; }

# sbx CMD...: run CMD inside the benchmark sandbox.
sbx() { "$SANDBOX" exec "$BENCH_SB" "$@"; }

# brig ARGS...: the brig under test, inside the sandbox, on the bench roots.
brig() { sbx "$BRIG_BIN" --root "$BENCH_BRIG_ROOT" --runroot "$BENCH_BRIG_RUNROOT" "$@"; }
BRIG_CMD="$BRIG_BIN --root $BENCH_BRIG_ROOT --runroot $BENCH_BRIG_RUNROOT"
# BENCH_BASELINE=/path/to/older/brig: timed in the same interleaved runs, on
# the same roots (the record formats are compatible), rows "base_*".
BASE_CMD=
[ -z "${BENCH_BASELINE:-}" ] ||
	BASE_CMD="$BENCH_BASELINE --root $BENCH_BRIG_ROOT --runroot $BENCH_BRIG_RUNROOT"

# have PKG: the peer's package is installed (per install-peers.sh).
have() { grep -q "^$1 installed " "$BENCH_PEERS"; }
# why_missing PKG: one phrase for the report.
why_missing() {
	local w
	w=$(awk -v p="$1" '$1 == p && $2 == "missing" { print $3 }' "$BENCH_PEERS")
	echo "package $1 not installed: ${w:-unknown}"
}

# timeit [--shuffle] OUT SPEC...: tests/bench/timeit.py inside the sandbox
# (--shuffle: independent SPECs, run in a new order each round).
timeit() {
	local shuffle=()
	[ "$1" != --shuffle ] || { shuffle=(--shuffle); shift; }
	local out=$1
	shift
	sbx python3 "$BENCH_DIR/timeit.py" --runs "$BENCH_RUNS" --warmup "$BENCH_WARMUP" \
		"${shuffle[@]}" --out "$out" "$@"
}

# brig_bridge_fixup: brig versions whose bridge creation loses the link
# alias (IFLA_IFALIAS is ignored by RTM_NEWLINK create on recent kernels)
# refuse their own br0 afterwards ("link br0 exists and is not a brig
# bridge").  Make the default bridge exist with its alias inside the
# sandbox and record that the workaround was needed.
brig_bridge_fixup() {
	local dev=${1:-br0}
	brig run --rm --net bridge busybox true >/dev/null 2>&1 && return 0
	if sbx ip link show "$dev" >/dev/null 2>&1; then
		sbx ip link set "$dev" alias brig
		echo "$dev" >>"$BENCH_WORK/bridge-alias-workaround"
		log "WORKAROUND: brig left $dev without its 'brig' alias; set it by hand"
	fi
	brig run --rm --net bridge busybox true >/dev/null
}

# pidfile helpers: every long-running process a bench starts is recorded
# and ended by pid (run.sh's trap ends what is left).
track_pid() { echo "$1" >>"$BENCH_WORK/pids"; }

# podman_setup DIR [noimport]: a podman confined to DIR (root, runroot,
# tmpdir, network config, events log), cgroupfs, netavark on 10.99.0.0/16,
# with the bench image imported as localhost/busybox (unless noimport).
# Sets PODMAN_CMD (a command line).
podman_setup() {
	local d=$1 import=${2:-import}
	mkdir -p "$d"/{root,runroot,tmp,net}
	cat >"$d/containers.conf" <<CONF
[containers]
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/tmp"
[network]
network_backend = "netavark"
network_config_dir = "$d/net"
default_subnet = "10.99.0.0/16"
CONF
	export CONTAINERS_CONF=$d/containers.conf
	PODMAN_CMD="podman --root $d/root --runroot $d/runroot --storage-driver overlay"
	# Podman as root asks for RLIMIT_NOFILE/NPROC above the hard limits;
	# without CAP_SYS_RESOURCE (this machine's bounding set lacks it) crun
	# then fails "setrlimit: Operation not permitted".  Ask for the hard
	# fixed limits that the default spec of crun/runc also uses.
	PODMAN_RUN_OPTS="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
	[ "$import" = noimport ] && return 0
	# shellcheck disable=SC2086 # PODMAN_CMD is a command line
	sbx $PODMAN_CMD import "$BENCH_IMAGE" localhost/busybox
}

# not_run NAME WHY: record a peer that could not be measured (NOTRUN must
# name the bench's file); it shows in the report as "not run: WHY".
not_run() {
	printf '%s\t%s\n' "$1" "$2" >>"$NOTRUN"
	log "$1 not run: $2"
}

# bench_json OUT KEY=JSONFILE... : {"KEY": <contents>, ..., "not_run": {...}}
bench_json() {
	local out=$1
	shift
	python3 - "$out" "${NOTRUN:-/dev/null}" "$@" <<'PY'
import json, sys
out, notrun, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = {}
for p in pairs:
    k, _, f = p.partition("=")
    with open(f) as fh:
        doc[k] = json.load(fh)
nr = {}
with open(notrun) as fh:
    for line in fh:
        if "\t" in line:
            n, why = line.rstrip("\n").split("\t", 1)
            nr[n] = why
doc["not_run"] = nr
with open(out, "w") as fh:
    json.dump(doc, fh, indent=1)
PY
}

# v1ns_setup: crun 1.8 refuses hybrid cgroup hosts ("cgroups in hybrid mode
# not supported, drop all controllers from cgroupv2") when the cgroup2 tree
# has a controller (here: hugetlb).  Its peers run in a mount namespace
# nested in the sandbox where /sys/fs/cgroup/unified is unmounted, so crun
# sees plain cgroup v1, as runc and brig use for the controllers.  The
# holder's pid goes to V1NS_PID; V1NS is the nsenter prefix (its own cost is
# measured as "nsenter_true" and reported next to the peers it wraps).
v1ns_setup() {
	local ready=$BENCH_WORK/v1ns.ready i
	[ -z "${V1NS_PID:-}" ] || return 0
	if ! sbx mount | grep -q ' /sys/fs/cgroup/unified type cgroup2'; then
		V1NS=
		return 0
	fi
	rm -f "$ready"
	# shellcheck disable=SC2016 # expanded by the holder's shell
	# (sandbox.sh, not the sbx function: $! must be the holder itself, which
	# sandbox.sh, nsenter and unshare all exec into)
	"$SANDBOX" exec "$BENCH_SB" unshare --mount --propagation private -- sh -c \
		'umount /sys/fs/cgroup/unified && : >"$1" && exec sleep infinity' sh "$ready" \
		</dev/null >/dev/null 2>&1 &
	V1NS_PID=$!
	track_pid "$V1NS_PID"
	for i in $(seq 200); do
		[ -e "$ready" ] && break
		[ "$i" -lt 200 ] || return 1
		sleep 0.02
	done
	# sbx ran nsenter, which exec'd unshare, which exec'd sh then sleep:
	# the pid is the holder's.
	V1NS="nsenter --target $V1NS_PID --mount -- "
	echo "cgroup2 hidden for crun/podman" >"$BENCH_WORK/v1ns-used"
}
