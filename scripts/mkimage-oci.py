#!/usr/bin/env python3
"""mkimage-oci.py - layered test images for brig, from a rootfs tarball.

    mkimage-oci.py docker-archive --rootfs ROOTFS.tar [OPTIONS] OUT.tar
    mkimage-oci.py oci-layout     --rootfs ROOTFS.tar [OPTIONS] OUTDIR
    mkimage-oci.py oci-archive    --rootfs ROOTFS.tar [OPTIONS] OUT.tar
    mkimage-oci.py layer top|alt  OUT.tar      (one layer tar, for corpora)

ROOTFS is the busybox image (scripts/mkimage-busybox.sh OUT.tar makes it);
.tar, .tar.gz, .tar.xz and .tar.zst are read.  Python's standard library
only (zstd layers through the `zstd` binary).

The image ("fixture"), two layers:

  layer 1 (base)  every entry of ROOTFS, re-serialised with fixed mtimes
                  and no owner names, plus  lower/{deleted,replaced,kept}
                  and  opaque/{a,b}
  layer 2 (top)   lower/.wh.deleted          (lower/deleted is gone)
                  lower/replaced             (new content: "top\\n")
                  opaque/.wh..wh..opq        (opaque/a and b are hidden)
                  opaque/c
                  work/ (1000:1000) and work/hello
                  etc/passwd, etc/group      (adds user lab, 1000:1000)
                  etc/fixture                ("fixture top\\n")

  config          User 1000:1000, WorkingDir /work, Env PATH, FOO=from-image,
                  BAR=from-image, Entrypoint ["/bin/echo","entry"],
                  Cmd ["default-cmd"], StopSignal SIGUSR1, Labels, ExposedPorts
                  8080/tcp and 53/udp, one history entry per layer.

Formats:
  docker-archive  `docker save`'s legacy layout (manifest.json with Config
                  "<hex>.json" and Layers "<v1id>/layer.tar", RepoTags,
                  `repositories`; manifest.json is the last member, as Docker
                  writes it); with --oci-blobs, Docker 25's layout (Config and
                  Layers under blobs/sha256/, plus oci-layout and index.json).
  oci-layout      a directory: oci-layout, index.json (ref.name annotation =
                  the tag part of --tag, io.containerd.image.name = the full
                  reference), blobs/sha256/ (manifest, config, layers).
  oci-archive     the same layout as a tar.

Options (all formats):
  --tag REF           a name for the image (repeatable; default fixture:latest)
  --also-tag REF      a second image in the same archive, tagged REF
                      (repeatable): layer 1 shared, its own small top layer
                      (b/marker), otherwise the same config
  --base-only         the image is layer 1 alone
  --extra-layer FILE  the top layer is FILE, verbatim (no re-serialisation)
  --top-file PATH=TEXT  the top layer holds only these files (repeatable)
  --filler-mib N      add /filler.bin (N MiB, pseudo-random, deterministic)
                      to the top layer
  --compress gzip|zstd|none   layer compression (default: none for
                      docker-archive, gzip for OCI)
  --index-of-platforms  (OCI) index.json points at an image index holding an
                      arm64 manifest first and the amd64 one second; the
                      arm64 one has the same layers and a config saying
                      architecture arm64, label org.brig.test.arch=arm64
  --entrypoint JSON, --cmd JSON   ("null" removes it)
  --env K=V           set or replace one variable (repeatable)
  --user U, --workdir DIR, --stop-signal SIG, --label K=V (repeatable)
  --tamper WHAT       after every digest is computed, change one byte:
                      layer (the top layer blob), base-layer, config,
                      manifest (OCI and --oci-blobs), index (the image index
                      of --index-of-platforms).  A tampered uncompressed
                      layer still parses as a tar (a byte of a file's data is
                      flipped); a gzip layer has its header MTIME byte flipped
                      (it still decompresses); a zstd layer gets a flipped
                      byte in the compressed data.
  --meta FILE         write digests as JSON (default: OUT.meta.json)

Everything is deterministic (fixed mtimes, sorted members, gzip without a
name or time), so the same inputs give the same digests.
"""
import argparse
import copy
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile

MTIME = 1704067200  # 2024-01-01T00:00:00Z
CREATED = "2024-01-01T00:00:00Z"
CHUNK = 1 << 20

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}

PASSWD = (b"root:x:0:0:root:/root:/bin/sh\n"
          b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
          b"lab:x:1000:1000:lab:/work:/bin/sh\n")
GROUP = b"root:x:0:\nnogroup:x:65534:\nlab:x:1000:\n"


def die(msg):
    print("mkimage-oci: " + msg, file=sys.stderr)
    sys.exit(1)


# ---- tar entries -------------------------------------------------------------

def info(name, kind=tarfile.REGTYPE, mode=0o644, uid=0, gid=0, size=0, linkname=""):
    i = tarfile.TarInfo(name)
    i.type = kind
    i.mode = mode
    i.uid, i.gid = uid, gid
    i.uname = i.gname = ""
    i.mtime = MTIME
    i.size = size
    i.linkname = linkname
    return i


def add_file(t, name, data, mode=0o644, uid=0, gid=0):
    t.addfile(info(name, size=len(data), mode=mode, uid=uid, gid=gid), io.BytesIO(data))


def add_dir(t, name, mode=0o755, uid=0, gid=0):
    t.addfile(info(name, tarfile.DIRTYPE, mode, uid, gid))


def open_rootfs(path):
    """The rootfs tarball as a tarfile (zstd through the binary)."""
    if path.endswith((".zst", ".zstd")):
        data = subprocess.run(["zstd", "-q", "-d", "-c", path], check=True,
                              stdout=subprocess.PIPE).stdout
        return tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    return tarfile.open(path, mode="r:*")


def clean_name(name):
    while name.startswith("./"):
        name = name[2:]
    return name.rstrip("/") if name not in ("", ".") else ""


class Filler(io.RawIOBase):
    """N bytes of deterministic pseudo-random data, read in chunks."""

    def __init__(self, size, seed):
        self.left, self.rng = size, random.Random(seed)

    def readable(self):
        return True

    def read(self, n=-1):
        if n < 0 or n > self.left:
            n = self.left
        self.left -= n
        return self.rng.randbytes(n)


def write_base_layer(rootfs, out):
    """Layer 1: ROOTFS re-serialised (fixed mtimes, no owner names, no root
    entry: a layer without "./" leaves the image root 0755 root:root), then
    the fixture's lower files."""
    seen = set()
    with open_rootfs(rootfs) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for m in src:
            name = clean_name(m.name)
            if not name or name in seen:
                continue
            seen.add(name)
            n = copy.copy(m)
            n.name = name
            if n.islnk():
                n.linkname = clean_name(n.linkname)
            n.mtime = MTIME
            n.uname = n.gname = ""
            n.pax_headers = {}
            t.addfile(n, src.extractfile(m) if m.isreg() else None)
        for d in ("lower", "opaque"):
            if d not in seen:
                add_dir(t, d)
        add_file(t, "lower/deleted", b"lower deleted\n")
        add_file(t, "lower/replaced", b"lower\n")
        add_file(t, "lower/kept", b"lower kept\n")
        add_file(t, "opaque/a", b"lower a\n")
        add_file(t, "opaque/b", b"lower b\n")


def write_top_layer(out, filler_mib=0):
    """Layer 2: a whiteout, a replacement, an opaque directory, /work."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        add_dir(t, "etc")
        add_file(t, "etc/fixture", b"fixture top\n")
        add_file(t, "etc/group", GROUP)
        add_file(t, "etc/passwd", PASSWD)
        add_dir(t, "lower")
        add_file(t, "lower/.wh.deleted", b"")
        add_file(t, "lower/replaced", b"top\n")
        add_dir(t, "opaque")
        add_file(t, "opaque/.wh..wh..opq", b"")
        add_file(t, "opaque/c", b"top c\n")
        add_dir(t, "work", uid=1000, gid=1000)
        add_file(t, "work/hello", b"hello from work\n", uid=1000, gid=1000)
        add_filler(t, filler_mib)


def write_alt_layer(out, filler_mib=0):
    """Image B's top layer (--also-tag): one marker file."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        add_dir(t, "b")
        add_file(t, "b/marker", b"image b\n")
        add_filler(t, filler_mib)


def write_files_layer(out, files, filler_mib=0):
    """A top layer of the given PATH=TEXT files (parents created)."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        made = set()
        for spec in files:
            path, _, text = spec.partition("=")
            path = clean_name(path.lstrip("/"))
            parts = path.split("/")
            for k in range(1, len(parts)):
                d = "/".join(parts[:k])
                if d not in made:
                    add_dir(t, d)
                    made.add(d)
            add_file(t, path, text.encode() + b"\n")
        add_filler(t, filler_mib)


def add_filler(t, mib):
    if mib > 0:
        size = mib << 20
        t.addfile(info("filler.bin", size=size), Filler(size, mib))


# ---- blobs -------------------------------------------------------------------

class Blob:
    """A file in the staging dir with its digest and size."""

    def __init__(self, path, digest, size, media_type=None):
        self.path, self.digest, self.size, self.media_type = path, digest, size, media_type

    @property
    def hex(self):
        return self.digest.split(":", 1)[1]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def compress(src, dst, how):
    if how == "gzip":
        with open(src, "rb") as fi, open(dst, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fo:
                shutil.copyfileobj(fi, fo, CHUNK)
    elif how == "zstd":
        subprocess.run(["zstd", "-q", "-f", "-3", "--no-progress", src, "-o", dst], check=True)
    else:
        shutil.copyfile(src, dst)


class Layer:
    """One layer: the uncompressed tar (diff_id) and its blob."""

    def __init__(self, work, tar, how):
        self.tar = tar
        self.diff_id = sha256_file(tar)
        self.size = os.path.getsize(tar)
        blob = tar + ("" if how == "none" else "." + how)
        if how != "none":
            compress(tar, blob, how)
        self.blob = Blob(blob, sha256_file(blob), os.path.getsize(blob), MT_LAYER[how])

    @classmethod
    def prebuilt(cls, blob, diff_id, size, how):
        """A layer whose blob the caller made (mkhostile.py's bomb): BLOB is
        the file, DIFF_ID and SIZE those of the tar inside it."""
        layer = cls.__new__(cls)
        layer.tar, layer.diff_id, layer.size = None, diff_id, size
        layer.blob = Blob(blob, sha256_file(blob), os.path.getsize(blob), MT_LAYER[how])
        return layer


def json_bytes(doc):
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def put_json(work, name, doc, media_type=None):
    path = os.path.join(work, name)
    data = json_bytes(doc)
    with open(path, "wb") as f:
        f.write(data)
    return Blob(path, "sha256:" + hashlib.sha256(data).hexdigest(), len(data), media_type)


# ---- references --------------------------------------------------------------

def split_ref(ref):
    """(repository as given, tag) of REF; tag "latest" when none."""
    name, tag = ref, "latest"
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        name, tag = ref[:colon], ref[colon + 1:]
    return name, tag


def full_name(ref):
    """Docker's normalised form: alpine -> docker.io/library/alpine:latest."""
    name, tag = split_ref(ref)
    first = name.split("/", 1)[0]
    if "/" not in name or not ("." in first or ":" in first or first == "localhost"):
        if "/" not in name:
            name = "library/" + name
        name = "docker.io/" + name
    return name + ":" + tag


def familiar(ref):
    """Docker's short form: docker.io/library/x:t -> x:t."""
    name, tag = split_ref(full_name(ref))
    for p in ("docker.io/library/", "docker.io/"):
        if name.startswith(p):
            name = name[len(p):]
            break
    return name + ":" + tag


# ---- config and manifest -----------------------------------------------------

def image_config(args, layers, arch="amd64", history_top="fixture: top layer"):
    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "FOO=from-image", "BAR=from-image"]
    for kv in args.env:
        k = kv.split("=", 1)[0]
        env = [e for e in env if e.split("=", 1)[0] != k] + [kv]
    labels = {"org.brig.test": "fixture", "org.brig.test.arch": arch}
    for kv in args.label:
        k, _, v = kv.partition("=")
        labels[k] = v
    cfg = {
        "User": args.user,
        "Env": env,
        "Entrypoint": json.loads(args.entrypoint),
        "Cmd": json.loads(args.cmd),
        "WorkingDir": args.workdir,
        "StopSignal": args.stop_signal,
        "Labels": labels,
        "ExposedPorts": {"8080/tcp": {}, "53/udp": {}},
    }
    cfg = {k: v for k, v in cfg.items() if v is not None}
    history = [{"created": CREATED, "created_by": "fixture: base rootfs"}]
    if len(layers) > 1:
        history.append({"created": CREATED, "created_by": history_top})
    return {
        "architecture": arch,
        "os": "linux",
        "created": CREATED,
        "author": "brig tests",
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": [l.diff_id for l in layers]},
        "history": history,
    }


def descriptor(blob, **extra):
    d = {"mediaType": blob.media_type, "digest": blob.digest, "size": blob.size}
    d.update(extra)
    return d


def oci_manifest(work, name, config, layers):
    doc = {
        "schemaVersion": 2,
        "mediaType": MT_OCI_MANIFEST,
        "config": descriptor(config),
        "layers": [descriptor(l.blob) for l in layers],
        # --tamper changes a letter of this value: the manifest stays valid
        # and the same size, so only its digest tells.
        "annotations": {"org.brig.test.note": "from-image"},
    }
    return put_json(work, name, doc, MT_OCI_MANIFEST)


class Image:
    def __init__(self, tags, layers, config, manifest=None, arch="amd64"):
        self.tags, self.layers, self.config, self.manifest = tags, layers, config, manifest
        self.arch = arch

    def meta(self):
        m = {
            "tags": self.tags,
            "arch": self.arch,
            "image_id": self.config.digest,
            "config_digest": self.config.digest,
            "diff_ids": [l.diff_id for l in self.layers],
            "layer_digests": [l.blob.digest for l in self.layers],
            "layer_sizes": [l.size for l in self.layers],
        }
        if self.manifest:
            m["manifest_digest"] = self.manifest.digest
        return m


def build_images(args, work, how):
    """The images of this archive: [main, also...], plus the arm64 twin of
    main for --index-of-platforms."""
    base_tar = os.path.join(work, "layer-base.tar")
    write_base_layer(args.rootfs, base_tar)
    base = Layer(work, base_tar, how)
    layers = [base]
    if getattr(args, "prebuilt_layer", None):
        layers.append(args.prebuilt_layer)
    elif args.extra_layer:
        tar = os.path.join(work, "layer-extra.tar")
        shutil.copyfile(args.extra_layer, tar)
        layers.append(Layer(work, tar, how))
    elif args.top_file:
        tar = os.path.join(work, "layer-files.tar")
        write_files_layer(tar, args.top_file, args.filler_mib)
        layers.append(Layer(work, tar, how))
    elif not args.base_only:
        tar = os.path.join(work, "layer-top.tar")
        write_top_layer(tar, args.filler_mib)
        layers.append(Layer(work, tar, how))
    tags = args.tag or ["fixture:latest"]
    cfg = put_json(work, "config-main.json", image_config(args, layers), MT_OCI_CONFIG)
    images = [Image(tags, layers, cfg)]
    if args.also_tag:
        tar = os.path.join(work, "layer-alt.tar")
        write_alt_layer(tar)
        blayers = [base, Layer(work, tar, how)]
        bcfg = put_json(work, "config-b.json",
                        image_config(args, blayers, history_top="fixture: image b"), MT_OCI_CONFIG)
        images.append(Image(args.also_tag, blayers, bcfg))
    arm = None
    if getattr(args, "index_of_platforms", False):
        acfg = put_json(work, "config-arm64.json", image_config(args, layers, arch="arm64"),
                        MT_OCI_CONFIG)
        arm = Image(tags, layers, acfg, arch="arm64")
    return images, arm


# ---- staging: files named as in the output -----------------------------------

class Stage:
    """The output's files in order: (name in the output, source path)."""

    def __init__(self):
        self.files = {}

    def add(self, name, src):
        self.files.setdefault(name, src)

    def blob(self, blob):
        self.add("blobs/sha256/" + blob.hex, blob.path)


def stage_oci(args, work, images, arm, stage):
    """Blobs, index.json and oci-layout of an OCI layout."""
    entries = []
    for img in images:
        for l in img.layers:
            stage.blob(l.blob)
        stage.blob(img.config)
        img.manifest = oci_manifest(work, "manifest-%s.json" % img.config.hex[:12], img.config,
                                    img.layers)
        stage.blob(img.manifest)
    index_blob = None
    if arm is not None:
        stage.blob(arm.config)
        arm.manifest = oci_manifest(work, "manifest-arm64.json", arm.config, arm.layers)
        stage.blob(arm.manifest)
        main = images[0]
        doc = {
            "schemaVersion": 2,
            "mediaType": MT_OCI_INDEX,
            "manifests": [
                descriptor(arm.manifest, platform={"architecture": "arm64", "os": "linux",
                                                   "variant": "v8"}),
                descriptor(main.manifest, platform={"architecture": "amd64", "os": "linux"}),
            ],
            "annotations": {"org.brig.test.note": "from-image"},
        }
        index_blob = put_json(work, "image-index.json", doc, MT_OCI_INDEX)
        stage.blob(index_blob)
    for n, img in enumerate(images):
        for tag in img.tags:
            ann = {"org.opencontainers.image.ref.name": split_ref(tag)[1],
                   "io.containerd.image.name": full_name(tag)}
            target = index_blob if (index_blob is not None and n == 0) else img.manifest
            entries.append(descriptor(target, annotations=ann))
        if not img.tags:
            entries.append(descriptor(img.manifest))
    index = put_json(work, "index.json", {"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                                          "manifests": entries})
    layout = put_json(work, "oci-layout", {"imageLayoutVersion": "1.0.0"})
    stage.add("index.json", index.path)
    stage.add("oci-layout", layout.path)
    return index_blob


def v1_ids(layers):
    """Deterministic stand-ins for Docker's v1 layer ids (chained)."""
    ids, parent = [], ""
    for l in layers:
        parent = hashlib.sha256((parent + " " + l.diff_id).encode()).hexdigest()
        ids.append(parent)
    return ids


def stage_docker(args, work, images, stage):
    """docker save: legacy layout, or Docker 25's (--oci-blobs)."""
    manifest, repos = [], {}
    for img in images:
        if args.oci_blobs:
            layer_names = ["blobs/sha256/" + l.blob.hex for l in img.layers]
            config_name = "blobs/sha256/" + img.config.hex
        else:
            ids = v1_ids(img.layers)
            layer_names = []
            parent = None
            for vid, l in zip(ids, img.layers):
                stage.add(vid + "/VERSION", version_file(work))
                v1 = {"id": vid, "created": CREATED, "os": "linux"}
                if parent:
                    v1["parent"] = parent
                stage.add(vid + "/json", put_json(work, "v1-%s.json" % vid[:12], v1).path)
                stage.add(vid + "/layer.tar", l.blob.path)
                layer_names.append(vid + "/layer.tar")
                parent = vid
            config_name = img.config.hex + ".json"
            stage.add(config_name, img.config.path)
        manifest.append({"Config": config_name,
                         "RepoTags": [familiar(t) for t in img.tags],
                         "Layers": layer_names})
        # Docker 25 names the top layer's blob here; older versions its v1 id.
        top = img.layers[-1].blob.hex if args.oci_blobs else ids[-1]
        for t in img.tags:
            name, tag = split_ref(familiar(t))
            repos.setdefault(name, {})[tag] = top
    if args.oci_blobs:
        stage_oci(args, work, images, None, stage)
    stage.add("manifest.json", put_json(work, "manifest.json", manifest).path)
    stage.add("repositories", put_json(work, "repositories", repos).path)


def version_file(work):
    path = os.path.join(work, "VERSION")
    with open(path, "w") as f:
        f.write("1.0")
    return path


def member_order(names):
    """Directories implied, then files: blobs and layer dirs first, then the
    small JSON files; manifest.json after them, as docker save writes it."""
    late = ["index.json", "manifest.json", "oci-layout", "repositories"]
    early = sorted(n for n in names if n not in late)
    return early + [n for n in late if n in names]


def write_tar(stage, out):
    tmp = out + ".partial"
    made = set()
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as t:
        for name in member_order(list(stage.files)):
            parts = name.split("/")
            for k in range(1, len(parts)):
                d = "/".join(parts[:k])
                if d not in made:
                    add_dir(t, d + "/")
                    made.add(d)
            src = stage.files[name]
            with open(src, "rb") as f:
                t.addfile(info(name, size=os.path.getsize(src)), f)
    os.replace(tmp, out)


def write_dir(stage, out):
    if os.path.exists(out):
        shutil.rmtree(out)
    tmp = out.rstrip("/") + ".partial"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    for name, src in stage.files.items():
        dst = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o644)
    os.replace(tmp, out)


# ---- tampering ---------------------------------------------------------------

def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        if not b:
            die("tamper: %s has no byte %d" % (path, offset))
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


def tamper_layer(blob_path, how):
    if how == "gzip":
        flip(blob_path, 4)  # MTIME: outside the deflate data and its CRC
        return
    if how == "zstd":
        flip(blob_path, os.path.getsize(blob_path) // 2)
        return
    with tarfile.open(blob_path) as t:
        for m in t:
            if m.isreg() and m.size > 0:
                flip(blob_path, m.offset_data)
                return
    die("tamper: no file data in " + blob_path)


def tamper_json(path):
    """Change one letter of a string value: still JSON, another digest."""
    with open(path, "rb") as f:
        data = f.read()
    pos = data.find(b"from-image")
    if pos < 0:
        pos = data.find(b"schemaVersion")
    if pos < 0:
        die("tamper: nothing to change in " + path)
    flip(path, pos + 1)


def tamper(args, stage, images, index_blob, how):
    """Flip a byte in the staged copy (a private file: blobs shared by two
    names are copied first)."""
    what = args.tamper
    main = images[0]
    if what in ("layer", "base-layer"):
        layer = main.layers[-1] if what == "layer" else main.layers[0]
        target, kind = layer.blob.path, "layer"
    elif what == "config":
        target, kind = main.config.path, "json"
    elif what == "manifest":
        if not main.manifest:
            die("tamper manifest: this format has no manifest blob")
        target, kind = main.manifest.path, "json"
    elif what == "index":
        if index_blob is None:
            die("tamper index: needs --index-of-platforms")
        target, kind = index_blob.path, "json"
    else:
        die("unknown --tamper " + what)
    copy_path = target + ".tampered"
    shutil.copyfile(target, copy_path)
    for name, src in stage.files.items():
        if src == target:
            stage.files[name] = copy_path
    if kind == "layer":
        tamper_layer(copy_path, how)
    else:
        tamper_json(copy_path)


# ---- main --------------------------------------------------------------------

def common(p):
    p.add_argument("--rootfs", required=True)
    p.add_argument("--tag", action="append", default=[])
    p.add_argument("--also-tag", action="append", default=[])
    p.add_argument("--base-only", action="store_true")
    p.add_argument("--extra-layer")
    p.add_argument("--top-file", action="append", default=[])
    p.add_argument("--filler-mib", type=int, default=0)
    p.add_argument("--compress", choices=("gzip", "zstd", "none"))
    p.add_argument("--entrypoint", default='["/bin/echo","entry"]')
    p.add_argument("--cmd", default='["default-cmd"]')
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--user", default="1000:1000")
    p.add_argument("--workdir", default="/work")
    p.add_argument("--stop-signal", default="SIGUSR1")
    p.add_argument("--label", action="append", default=[])
    p.add_argument("--tamper",
                   choices=("layer", "base-layer", "config", "manifest", "index"))
    p.add_argument("--meta")
    p.add_argument("out")


def parse(argv):
    ap = argparse.ArgumentParser(
        description="Layered test images (docker-archive, OCI layout/archive) for brig.",
        epilog="See the header of this script for the image's content.")
    sub = ap.add_subparsers(dest="format", required=True)
    d = sub.add_parser("docker-archive")
    common(d)
    d.add_argument("--oci-blobs", action="store_true",
                   help="Docker 25+ layout (blobs/sha256, index.json)")
    for name in ("oci-layout", "oci-archive"):
        o = sub.add_parser(name)
        common(o)
        o.add_argument("--index-of-platforms", action="store_true")
    la = sub.add_parser("layer")
    la.add_argument("which", choices=("top", "alt"))
    la.add_argument("out")
    return ap.parse_args(argv)


def build(args, work):
    """Write the image(s) ARGS describe to args.out, using the temp dir WORK
    (also called by mkhostile.py, which may set args.prebuilt_layer to a
    Layer made in WORK)."""
    for j in (args.entrypoint, args.cmd):
        try:
            json.loads(j)
        except ValueError:
            die("--entrypoint/--cmd take JSON, e.g. '[\"/bin/sh\",\"-c\"]': " + j)
    how = args.compress or ("none" if args.format == "docker-archive" else "gzip")
    images, arm = build_images(args, work, how)
    stage = Stage()
    index_blob = None
    if args.format == "docker-archive":
        stage_docker(args, work, images, stage)
    else:
        index_blob = stage_oci(args, work, images, arm, stage)
    if args.tamper:
        tamper(args, stage, images, index_blob, how)
    if args.format == "oci-layout":
        write_dir(stage, args.out)
    else:
        write_tar(stage, args.out)
    meta = {
        "format": args.format + (" (oci blobs)" if getattr(args, "oci_blobs", False) else ""),
        "compress": how,
        "tamper": args.tamper,
        "images": [i.meta() for i in images],
    }
    if arm is not None:
        meta["arm64"] = arm.meta()
    if index_blob is not None:
        meta["index_digest"] = index_blob.digest
    with open(args.meta or args.out.rstrip("/") + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def main(argv):
    args = parse(argv)
    if args.format == "layer":
        (write_top_layer if args.which == "top" else write_alt_layer)(args.out)
        return 0
    with tempfile.TemporaryDirectory(prefix="mkimage-oci.", dir=os.path.dirname(
            os.path.abspath(args.out))) as work:
        build(args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
