# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # sourced by bats: $status, $stderr
# image_helpers.bash - test images and store checks for images.bats
# (`load helpers` first, then `load image_helpers`).
#
# Fixtures are built once per run by scripts/mkimage-oci.py (layered images:
# docker-archive, OCI layout and archive) and scripts/mkhostile.py (bombs),
# from the busybox rootfs of image_tarball(), under a lock in the run's temp
# dir, like image_tarball() itself.  `fixture NAME` prints the path; each
# has a NAME.meta.json beside it with its digests (`meta NAME KEY`).
#
# The store contract these helpers assume (DESIGN.md, issue 11):
#   $ROOT/images/layers/<hex of diff_id>/   one directory per layer, shared
#   $ROOT/images/tmp/                       an import's temp files, and
#                                           nothing else; empty after a
#                                           failed or killed import once the
#                                           next brig command (or prune) ran
# Everything that looks at the store runs inside the sandbox (`sb`): a test
# may mount a small tmpfs there, which the host side does not see.

MKIMAGE=$REPO/scripts/mkimage-oci.py
MKHOSTILE=$REPO/scripts/mkhostile.py

# Peak resident memory allowed to an import of a bomb or a padded stream
# (KiB).  The inputs expand to 4 and 8 GiB; a streaming import needs a few
# MiB of buffers.
RSS_LIMIT_KIB=262144

# fixture_spec NAME: the file name and mkimage-oci.py arguments of fixture
# NAME, one per line (the first line is the file name).
fixture_spec() {
	case $1 in
	docker) printf '%s\n' docker.tar docker-archive --tag fixture:docker ;;
	docker25) printf '%s\n' docker25.tar docker-archive --oci-blobs --tag fixture:docker25 ;;
	oci) printf '%s\n' oci oci-layout --compress gzip --tag fixture:oci ;;
	oci-none) printf '%s\n' oci-none oci-layout --compress none --tag fixture:none ;;
	oci-zstd) printf '%s\n' oci-zstd.tar oci-archive --compress zstd --tag fixture:zstd ;;
	platforms) printf '%s\n' platforms oci-layout --index-of-platforms --tag fixture:platforms ;;
	multi) printf '%s\n' multi.tar docker-archive --tag multi:a --tag multi:b --also-tag other:1 ;;
	multi25) printf '%s\n' multi25.tar docker-archive --oci-blobs --tag multi:a --tag multi:b --also-tag other:1 ;;
	# WorkingDir /lower: a directory of layer 1 (the default, /work, is
	# made by the top layer, which this image lacks).
	base) printf '%s\n' base.tar docker-archive --base-only --workdir /lower --tag base:1 ;;
	shared) printf '%s\n' shared.tar docker-archive --top-file /b/marker=shared-b --tag shared:b ;;
	named) printf '%s\n' named.tar docker-archive --user lab --tag fixture:named ;;
	newdir) printf '%s\n' newdir.tar docker-archive --workdir /new/dir --tag fixture:newdir ;;
	big) printf '%s\n' big.tar docker-archive --filler-mib 100 --tag big:1 ;;
	tamper-docker) printf '%s\n' tamper-docker.tar docker-archive --tamper layer --tag tampered:docker ;;
	tamper-docker25) printf '%s\n' tamper-docker25.tar docker-archive --oci-blobs --tamper layer --tag tampered:docker25 ;;
	tamper-oci-layer) printf '%s\n' tamper-oci-layer oci-layout --compress gzip --tamper layer --tag tampered:layer ;;
	tamper-oci-base) printf '%s\n' tamper-oci-base oci-layout --compress none --tamper base-layer --tag tampered:base ;;
	tamper-oci-config) printf '%s\n' tamper-oci-config oci-layout --tamper config --tag tampered:config ;;
	tamper-oci-manifest) printf '%s\n' tamper-oci-manifest oci-layout --tamper manifest --tag tampered:manifest ;;
	tamper-oci-index) printf '%s\n' tamper-oci-index oci-layout --index-of-platforms --tamper index --tag tampered:index ;;
	*)
		echo "fixture_spec: unknown fixture '$1'" >&2
		return 1
		;;
	esac
}

# build_fixture NAME OUT: make fixture NAME at OUT (and OUT.meta.json).
build_fixture() {
	local name=$1 out=$2 rootfs spec
	rootfs=$(image_tarball)
	case $name in
	bomb) python3 "$MKHOSTILE" bomb --gib 4 "$out" ;;
	bomb-docker) python3 "$MKHOSTILE" bomb --gib 4 --format docker --rootfs "$rootfs" --tag bomb:docker "$out" ;;
	*)
		mapfile -t spec < <(fixture_spec "$name")
		[ "${#spec[@]}" -gt 1 ] || return 1
		python3 "$MKIMAGE" "${spec[1]}" --rootfs "$rootfs" "${spec[@]:2}" "$out"
		;;
	esac
}

# fixture NAME: the path of fixture NAME, built on first use in this run.
fixture() {
	local name=$1 dir=$BATS_RUN_TMPDIR/fixtures file
	case $name in
	bomb) file=bomb.tar.gz ;;
	bomb-docker) file=bomb-docker.tar ;;
	*) file=$(fixture_spec "$name" | head -n 1) || return 1 ;;
	esac
	mkdir -p "$dir"
	(
		flock 9
		if [ ! -e "$dir/$file.done" ]; then
			build_fixture "$name" "$dir/$file" >&2 || exit 1
			touch "$dir/$file.done"
		fi
	) 9>"$dir/lock" || return 1
	echo "$dir/$file"
}

# meta NAME KEY [N]: KEY of image N (0) of fixture NAME, from its
# .meta.json: a string as is, a list one item per line.  N may be "arm64".
meta() {
	local path
	path=$(fixture "$1") || return 1
	python3 - "$path.meta.json" "$2" "${3:-0}" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
img = m["arm64"] if sys.argv[3] == "arm64" else m["images"][int(sys.argv[3])]
v = img[sys.argv[2]]
try:
    print("\n".join(map(str, v)) if isinstance(v, list) else v)
    sys.stdout.flush()
except BrokenPipeError:  # meta ... | head -n 1
    sys.stdout = None
PY
}

# hex_of DIGEST: the hex part of sha256:HEX.
hex_of() { echo "${1#sha256:}"; }

# ---- the store ---------------------------------------------------------------

# store_listing: every path under $ROOT/images but the tmp dir itself, with
# its type, and its size when a regular file: two listings are equal when
# an import left the store exactly as it was.
store_listing() {
	sb sh -c '
		[ -d "$1/images" ] || exit 0
		find "$1/images" -mindepth 1 ! -path "$1/images/tmp" \
			\( -type f -printf "%y %P %s\n" -o -printf "%y %P\n" \) | LC_ALL=C sort
	' sh "$ROOT"
}

# image_rows: REPOSITORY TAG IMAGE-ID of `brig image ls` (CREATED, a
# relative time, changes by itself).
image_rows() {
	brig image ls | awk 'NR > 1 { print $1, $2, $3 }' | LC_ALL=C sort
}

# tmp_entries: what $ROOT/images/tmp holds (nothing, or no such dir, once
# no import runs).
tmp_entries() {
	sb sh -c 'ls -A "$1/images/tmp" 2>/dev/null || true' sh "$ROOT"
}

tmp_is_empty() { [ -z "$(tmp_entries)" ]; }
tmp_has_files() { [ -n "$(tmp_entries)" ]; }

# layer_count: directories in the layer store.
layer_count() {
	sb sh -c 'find "$1/images/layers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l' sh "$ROOT"
}

# has_layer DIGEST: the layer store has the layer whose diff_id is DIGEST.
has_layer() {
	sb test -d "$ROOT/images/layers/$(hex_of "$1")"
}

# store_kib: disk usage of $ROOT/images in KiB.
store_kib() {
	sb du -sk "$ROOT/images" | cut -f 1
}

# small_root SIZE: from now on this test's brig uses a root on a tmpfs of
# SIZE (e.g. 32m) mounted inside the sandbox (the host does not see it; the
# sandbox's teardown unmounts it).
small_root() {
	local dir=$SB/small
	mkdir -p "$dir"
	sb mount -t tmpfs -o "size=$1,mode=0755" tmpfs "$dir"
	ROOT=$dir/root
	sb mkdir -p "$ROOT"
	# The same path on the host side (under the mount point), so that
	# sandbox_teardown sees a root and runs `brig system reset` on it.
	mkdir -p "$ROOT"
}

# ---- images --------------------------------------------------------------------

# inspect_field REF PATH: a field of `brig image inspect REF` (the first
# element), PATH dotted (Config.Env), printed as compact JSON; a string
# without quotes.
inspect_field() {
	brig image inspect "$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)[0]
for k in sys.argv[1].split("."):
    v = v[k]
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":"), sort_keys=True))
' "$2"
}

# inspect_label REF KEY: label KEY of image REF.
inspect_label() {
	brig image inspect "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["Config"]["Labels"][sys.argv[1]])
' "$2"
}

# short_id_of OUTPUT: the id printed by import/load (last line), without
# "sha256:".
short_id_of() {
	local last
	last=$(printf '%s\n' "$1" | tail -n 1)
	last=${last##* }
	echo "${last#sha256:}"
}

# top_view IMAGE: what a container of IMAGE sees of the fixture's layers
# (as root, so that nothing is unreadable).
top_view() {
	brig run --rm --net none -u 0 --entrypoint /bin/sh "$1" -c '
		for f in /lower/deleted /lower/replaced /lower/kept /opaque/a /opaque/b /opaque/c /work/hello; do
			if [ -e "$f" ]; then echo "$f: $(cat "$f")"; else echo "$f: absent"; fi
		done
		echo "lower:" $(ls -A /lower)
		echo "opaque:" $(ls -A /opaque)
		echo "whiteouts:" $(find / -xdev -name ".wh.*")
		echo "root: $(stat -c "%a %u:%g" /)"
		echo "work: $(stat -c "%u:%g" /work)"
	'
}

# expected_view: top_view of a fixture image with the standard top layer.
expected_view() {
	cat <<-'EOF'
		/lower/deleted: absent
		/lower/replaced: top
		/lower/kept: lower kept
		/opaque/a: absent
		/opaque/b: absent
		/opaque/c: top c
		/work/hello: hello from work
		lower: kept replaced
		opaque: c
		whiteouts:
		root: 755 0:0
		work: 1000:1000
	EOF
}

# ---- archives ----------------------------------------------------------------

# tar_names FILE: member names of a tar, without "./" and trailing "/".
tar_names() {
	python3 - "$1" <<'PY'
import sys, tarfile
for m in tarfile.open(sys.argv[1]):
    n = m.name
    while n.startswith("./"):
        n = n[2:]
    n = n.rstrip("/")
    if n:
        print(n)
PY
}

# tar_cat FILE NAME: the content of member NAME (with or without "./").
tar_cat() {
	python3 - "$1" "$2" <<'PY'
import sys, tarfile
t = tarfile.open(sys.argv[1])
for m in t:
    if m.name.lstrip("./").rstrip("/") == sys.argv[2].lstrip("/") and m.isreg():
        sys.stdout.buffer.write(t.extractfile(m).read())
        sys.exit(0)
sys.exit(1)
PY
}

# saved_check FILE: what docker load would check in a docker-archive, one
# line per image: "TAGS=<RepoTags, comma-separated> CONFIG=<sha256 of the
# Config file> LAYERS=<ok|why not>", where ok means every Layers file is
# an uncompressed tar whose sha256 is the config's rootfs.diff_ids, in
# order; an error line when manifest.json or a file is missing.
saved_check() {
	python3 - "$1" <<'PY'
import hashlib, json, sys, tarfile
t = tarfile.open(sys.argv[1])
files = {}
for m in t:
    if m.isreg():
        files[m.name.lstrip("./")] = t.extractfile(m).read()
if "manifest.json" not in files:
    print("error: no manifest.json")
    sys.exit(0)
for e in json.loads(files["manifest.json"]):
    cfg = files.get(e["Config"])
    if cfg is None:
        print("error: no config file %s" % e["Config"])
        continue
    diff_ids = json.loads(cfg)["rootfs"]["diff_ids"]
    got = []
    for name in e["Layers"]:
        data = files.get(name)
        got.append("missing " + name if data is None else "sha256:" + hashlib.sha256(data).hexdigest())
    ok = "ok" if got == diff_ids else "layers %s, diff_ids %s" % (got, diff_ids)
    print("TAGS=%s CONFIG=sha256:%s LAYERS=%s" % (",".join(e.get("RepoTags") or []),
                                                  hashlib.sha256(cfg).hexdigest(), ok))
PY
}

# ---- memory ------------------------------------------------------------------

# rss_run FILE CMD...: run CMD (stdin, stdout and stderr inherited), write
# its peak resident set in KiB to FILE (the largest of CMD's own and that
# of any child it waited for), exit with CMD's status (128+N for signal N).
rss_run() {
	python3 -c '
import os, subprocess, sys
p = subprocess.Popen(sys.argv[2:])
_, status, ru = os.wait4(p.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % ru.ru_maxrss)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
' "$@"
}

# brig_rss FILE ARG...: brig ARG... under rss_run (brig execs through
# sandbox.sh and nsenter: the peak is brig's own).
brig_rss() {
	local file=$1
	shift
	require_brig
	rss_run "$file" "$SANDBOX" exec "$SB" "$BRIG_BIN" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# ---- the canary (hostile archives) -------------------------------------------

# canary_setup: a directory outside the store that every hostile archive
# aims at (CANARY), with a secret (hard-link target), a victim (whiteout
# target) and a stand-in for /etc/shadow, bind-mounted over /etc/shadow in
# the sandbox only, so a hard link to /etc/shadow reaches the stand-in and
# never the host's file.  brig runs from an empty cwd of its own (CWD), so
# a name resolved against the cwd lands where it is seen.
canary_setup() {
	CANARY=$BATS_TEST_TMPDIR/canary
	mkdir -p "$CANARY/dir" "$BATS_TEST_TMPDIR/cwd"
	echo secret >"$CANARY/secret"
	chmod 0600 "$CANARY/secret"
	echo victim >"$CANARY/victim"
	echo kept >"$CANARY/dir/file"
	echo 'root:*:19000:0:99999:7:::' >"$CANARY/shadow"
	chmod 0640 "$CANARY/shadow"
	sb mount --bind "$CANARY/shadow" /etc/shadow
	cd "$BATS_TEST_TMPDIR/cwd" || return 1
}

# canary_listing: the canary's files with type, mode, link count, size and
# content digest (a hard link made to one of them raises its link count).
canary_listing() {
	(
		cd "$CANARY" || exit 1
		find . -printf '%y %m %n %s %p\n' | LC_ALL=C sort
		find . -type f -exec sha256sum {} + | LC_ALL=C sort
	)
}

# outside_listing: every path of this test's temp dir but brig's own roots
# and bats' files (the canary, the archives, the sandbox's files, brig's
# cwd).
outside_listing() {
	find "$BATS_TEST_TMPDIR" \( -path "$SB/root" -o -path "$SB/run" -o -path "$SB/small" \) \
		-prune -o ! -name 'separate-stderr-*' -printf '%y %p\n' | LC_ALL=C sort
}

# hostile_import FILE [REF]: import FILE and check the outcome a hostile
# archive may have: imported (0), or refused with exit 125 and one error
# line; either way nothing outside the store changed, no hard link to the
# host's /etc/shadow exists, no temp file is left, and a refused import
# left the store as it was.  Sets status/stderr like `run`.
hostile_import() {
	local before_store before_canary before_outside
	before_store=$(store_listing)
	before_canary=$(canary_listing)
	before_outside=$(outside_listing)
	run --separate-stderr brig image import "$@"
	echo "import $*: status $status, stderr: $stderr"
	if [ "$status" -ne 0 ]; then
		[ "$status" -eq 125 ]
		one_line_error
		[ "$(store_listing)" = "$before_store" ]
	fi
	[ "$(canary_listing)" = "$before_canary" ]
	[ "$(outside_listing)" = "$before_outside" ]
	[ -z "$(find "$SB" -samefile /etc/shadow 2>/dev/null)" ]
	[ -z "$(find "$SB" -samefile "$CANARY/secret" 2>/dev/null)" ]
	tmp_is_empty
}
