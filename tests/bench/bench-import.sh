#!/usr/bin/env bash
# bench-import.sh - image import (issue 11): `brig image load -i` of a
# ~200 MiB docker-archive into a fresh root against `tar -x` of the same
# layers into a fresh directory, and the load of a second image that shares
# the base layer (only its small top layer is new).  Peers, when installed:
# `umoci unpack` of the same image as an OCI layout (digests checked,
# whiteouts applied, plus its mtree manifest), and `skopeo copy` of the
# archive to an OCI layout (digests checked and blobs copied, nothing
# extracted).  Untimed, once: the store's layer count and disk usage after
# each image.
#
# The base layer (BENCH_IMPORT_MIB, default 180 MiB of tar): the busybox
# rootfs, BENCH_IMPORT_COPIES (30) copies of it under copies/N/ (its binary
# and ~400 symlinks each), then pseudo-random files (deterministic) of
# sizes between 1 KiB and 1 MiB (log-uniform) and small text files, until
# the size is reached.  The images are made by scripts/mkimage-oci.py:
#   A  = base + the fixture top layer (whiteout, replacement, opaque dir)
#   B  = base + one small file
# BENCH_IMPORT_RUNS (5) / BENCH_IMPORT_WARMUP (1): each run moves ~400 MiB.
# Everything is written to a tmpfs mounted in the sandbox (BENCH_IMPORT_TMPFS
# =1, the default): this disk, mounted with `discard`, made the rows pay for
# each other's writeback and trims (tar -x of the same tree took 0.4 to
# 3.3 s from one run to the next); =0 writes to the work dir's disk.
# Writes $BENCH_OUT/import.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

w=$BENCH_WORK/import
mkdir -p "$w"
NOTRUN=$w/notrun.tsv
: >"$NOTRUN"
mib=${BENCH_IMPORT_MIB:-180}
copies=${BENCH_IMPORT_COPIES:-30}
runs=${BENCH_IMPORT_RUNS:-5}
warmup=${BENCH_IMPORT_WARMUP:-1}
mkimage=$REPO/scripts/mkimage-oci.py

log "import: building a ${mib} MiB base rootfs ($copies busybox copies + random files)"
python3 - "$BENCH_IMAGE" "$w/rootfs.tar" "$mib" "$copies" <<'PY'
import io, random, sys, tarfile
src, out, mib, copies = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
limit = mib << 20
rng = random.Random(11)
MTIME = 1704067200

def info(name, kind=tarfile.REGTYPE, size=0, mode=0o644):
    i = tarfile.TarInfo(name)
    i.type, i.size, i.mode, i.mtime = kind, size, mode, MTIME
    return i

with tarfile.open(src) as s, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    members = [(m, s.extractfile(m).read() if m.isreg() else None) for m in s]
    for prefix in [""] + ["copies/%d/" % n for n in range(copies)]:
        if prefix:
            t.addfile(info(prefix.rstrip("/"), tarfile.DIRTYPE, mode=0o755))
        for m, data in members:
            name = m.name[2:] if m.name.startswith("./") else m.name
            if not name or name == ".":
                continue
            n = tarfile.TarInfo(prefix + name.rstrip("/"))
            n.type, n.mode, n.uid, n.gid, n.mtime = m.type, m.mode, m.uid, m.gid, MTIME
            n.linkname = m.linkname
            if m.islnk():
                n.linkname = prefix + m.linkname.lstrip("./")
            n.size = len(data) if data is not None else 0
            t.addfile(n, io.BytesIO(data) if data is not None else None)
    t.addfile(info("data", tarfile.DIRTYPE, mode=0o755))
    k = 0
    while t.offset < limit:
        if k % 100 == 0:
            t.addfile(info("data/%03d" % (k // 100), tarfile.DIRTYPE, mode=0o755))
        if k % 3 == 0:
            size = int(2 ** rng.uniform(10, 20))  # 1 KiB .. 1 MiB
            data = rng.randbytes(size)
            name = "data/%03d/blob%05d.bin" % (k // 100, k)
        else:
            data = ("line %d of a small text file\n" % k).encode() * rng.randint(1, 100)
            name = "data/%03d/note%05d.txt" % (k // 100, k)
        t.addfile(info(name, size=len(data)), io.BytesIO(data))
        k += 1
PY

python3 "$mkimage" docker-archive --rootfs "$w/rootfs.tar" --tag bench:a "$w/a.tar"
python3 "$mkimage" docker-archive --rootfs "$w/rootfs.tar" --top-file /b/marker=bench-b \
	--tag bench:b "$w/b.tar"
# The same image A as an OCI layout with uncompressed layers (the same
# bytes: the builder is deterministic), for umoci.
if have umoci; then
	python3 "$mkimage" oci-layout --compress none --rootfs "$w/rootfs.tar" --tag bench:a "$w/oci"
fi
rm -f "$w/rootfs.tar"

# The layers of A, as tar -x gets them: the same bytes brig reads.
mkdir -p "$w/layers"
python3 - "$w/a.tar" "$w/layers" <<'PY'
import json, os, shutil, sys, tarfile
archive, dest = sys.argv[1], sys.argv[2]
with tarfile.open(archive) as t:
    manifest = json.load(t.extractfile("manifest.json"))
    for n, name in enumerate(manifest[0]["Layers"]):
        with t.extractfile(name) as src, open(os.path.join(dest, "%d.tar" % n), "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
PY
cat >"$w/tar-x.sh" <<'SH'
#!/bin/sh
# tar-x.sh DEST LAYER...: extract the layers in order into a new DEST.
set -e
dest=$1
shift
mkdir "$dest"
for l in "$@"; do
	tar -xf "$l" -C "$dest" --numeric-owner
done
SH
chmod +x "$w/tar-x.sh"

python3 - "$w" >"$w/sizes.json" <<'PY'
import json, os, sys
w = sys.argv[1]
layers = sorted(f for f in os.listdir(w + "/layers"))
print(json.dumps({
    "archive_mib": round(os.path.getsize(w + "/a.tar") / 2**20, 1),
    "second_archive_mib": round(os.path.getsize(w + "/b.tar") / 2**20, 1),
    "layer_mib": [round(os.path.getsize(w + "/layers/" + f) / 2**20, 2) for f in layers],
}))
PY

# Where the timed commands write: a tmpfs inside the sandbox (gone with it).
t=$w/t
mkdir -p "$t"
if [ "${BENCH_IMPORT_TMPFS:-1}" = 1 ]; then
	sbx mount -t tmpfs -o size=3g,mode=0755 tmpfs "$t"
fi

# Untimed, once: what the store holds after A, then after B.
store() {
	# shellcheck disable=SC2016 # $1 is the inner shell's
	sbx sh -c 'echo "$(find "$1/images/layers" -mindepth 1 -maxdepth 1 -type d | wc -l) $(du -sk "$1/images" | cut -f 1)"' sh "$1"
}
r=$t/store-once
sbx "$BRIG_BIN" --root "$r" --runroot "$t/run-once" image load -i "$w/a.tar" >/dev/null
read -r la ka < <(store "$r")
sbx "$BRIG_BIN" --root "$r" --runroot "$t/run-once" image load -i "$w/b.tar" >/dev/null
read -r lb kb < <(store "$r")
sbx rm -rf "$r"
printf '{"layers_after_a": %d, "kib_after_a": %d, "layers_after_b": %d, "kib_after_b": %d}\n' \
	"$la" "$ka" "$lb" "$kb" >"$w/store.json"

# Timed: each row starts from nothing (its untimed "-" step removes what
# the previous round made).  brig_second loads B into the root brig_load
# just filled: only B's top layer is new.
root=$t/root
specs=(
	"-tar_clean=rm -rf $t/tarx"
	"tar_x=$w/tar-x.sh $t/tarx $w/layers/0.tar $w/layers/1.tar"
	"-brig_clean=rm -rf $root"
	"brig_load=$BRIG_BIN --root $root --runroot $t/run image load -i $w/a.tar"
	"brig_second=$BRIG_BIN --root $root --runroot $t/run image load -i $w/b.tar"
)
if have umoci && command -v umoci >/dev/null; then
	specs+=("-umoci_clean=rm -rf $t/bundle" "umoci_unpack=umoci unpack --image $w/oci:a $t/bundle")
else
	not_run umoci "$(why_missing umoci)"
fi
if have skopeo && command -v skopeo >/dev/null; then
	specs+=("-skopeo_clean=rm -rf $t/skopeo-oci"
		"skopeo_copy=skopeo copy -q --dest-oci-accept-uncompressed-layers docker-archive:$w/a.tar oci:$t/skopeo-oci:a")
else
	not_run skopeo "$(why_missing skopeo)"
fi

sbx python3 "$BENCH_DIR/timeit.py" --runs "$runs" --warmup "$warmup" --out "$w/times.json" "${specs[@]}"
sbx rm -rf "$root" "$t/tarx" "$t/bundle" "$t/skopeo-oci"
[ "${BENCH_IMPORT_TMPFS:-1}" != 1 ] || sbx umount "$t"

bench_json "$BENCH_OUT/import.json" times="$w/times.json" sizes="$w/sizes.json" store="$w/store.json"
