#!/usr/bin/env python3
"""mkhostile.py - hostile archives for brig's import-hardening tests.

    mkhostile.py list
    mkhostile.py rootfs CASE --target DIR OUT.tar
    mkhostile.py docker CASE --target DIR --rootfs ROOTFS.tar [--tag REF] OUT.tar
    mkhostile.py all --target DIR --rootfs ROOTFS.tar OUTDIR
    mkhostile.py bad-digest CASE --target DIR [--rootfs ROOTFS.tar] OUT
    mkhostile.py padding [--format rootfs|docker] [--rootfs ROOTFS.tar]
                         [--tag REF] [--gib 8]                  (to stdout)
    mkhostile.py bomb [--format rootfs|docker] [--rootfs ROOTFS.tar]
                      [--tag REF] [--gib 4] OUT

DIR is the canary: an absolute directory outside the brig root that every
escape aims at (a test plants it, lists it with checksums, imports, and
lists it again).  Some cases expect files in it, which the test creates:
DIR/secret (the target of hard links that are then written through) and
DIR/victim (the target of escaping whiteouts).  Never point DIR at a real
system directory.

`rootfs CASE` writes the entries of CASE as a rootfs tarball; `docker CASE`
wraps the same bytes, verbatim, as the top layer of a docker-archive whose
base layer is scripts/mkimage-oci.py's layer 1 (the busybox rootfs plus its
fixture files, so it is shared with the fixture images).  `all` writes both
for every case: OUTDIR/CASE.tar and OUTDIR/CASE.docker.tar.

Cases (`list` prints them):
  traversal    files named ../../..DIR/x, /DIR/x (absolute), a/../../..DIR/x,
               and a long (PAX) name doing the same
  symlink      evil -> / then evil/DIR/x; up -> ../../.. then up/DIR/x;
               t -> DIR then t/x; a chain c1 -> c2 -> DIR then c1/x; a
               directory entry through a symlink (t/newdir/) then a file in it
  hardlink     a hard link to DIR/secret (absolute and ../ relative, and via
               a symlinked directory sd -> DIR, sd/secret), each followed by
               a regular file of the same name (writing through the link);
               a hard link to /etc/shadow; a hard link created *at* sd/x
  whiteout     dir/.wh... (whiteout of ..), .wh.. (of .), .wh.... , an
               escaping ../../..DIR/.wh.victim, an absolute /DIR/.wh.victim,
               and t -> DIR then t/.wh.victim and t/.wh..wh..opq
  devices      character and block devices with huge major/minor numbers
               (the ustar maximum, GNU base-256 2^40, and negative), a fifo
  size-overrun a header whose size field (077777777777) is larger than the
               data that follows (the archive ends)
  size-negative  a size field in base-256 saying -1
  size-garbage   a size field that is not octal
  pax-size     a PAX header with size=99999999999999
  deep         a 300-level directory chain and a 5000-byte name
  docker-outer (docker only) the docker-archive itself holds ../..DIR/x,
               /DIR/x and lnk -> DIR, lnk/x members

bad-digest CASE (CVE-2024-3727: a digest used as a path): an OCI layout, or
a docker-archive for the docker-* cases, whose digests or paths name files
outside it.  Bait files are written into DIR so that an importer that
followed the path would find something valid there:
  oci-layer-digest     a manifest layer digest sha256:../../..DIR/layer
  oci-config-digest    the manifest's config digest sha256:../../..DIR/config
  oci-manifest-digest  index.json's manifest digest sha256:../../..DIR/manifest
  oci-diffid           the config's rootfs.diff_ids naming sha256:../../..DIR/x
  oci-digest-alg       an algorithm part with a path: ../../..DIR:<hex>
  docker-config-path   manifest.json's Config ../../..DIR/config.json
  docker-layer-path    manifest.json's Layers /DIR/layer.tar (absolute)
  docker-blob-path     Docker 25 layout: Config blobs/sha256/../../..DIR/config

padding: a docker-archive of the fixture (or the rootfs tarball with
--format rootfs) followed by GIB GiB of zeros, streamed to stdout, never
written to disk (`mkhostile.py padding | brig image import - REF`).  A
reader that stops early makes the writer exit 0 quietly.

bomb: a gzip-compressed tar holding one file of GIB GiB of zeros (the
rootfs form, OUT.tar.gz), or a docker-archive whose top layer is that gzip
stream (diff_id correct); built streaming, a few MiB on disk, in seconds.
"""
import argparse
import hashlib
import importlib.util
import io
import json
import os
import shutil
import struct
import sys
import tarfile
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
MTIME = 1704067200
CASES = ("traversal", "symlink", "hardlink", "whiteout", "devices", "size-overrun",
         "size-negative", "size-garbage", "pax-size", "deep", "docker-outer")
ROOTFS_CASES = CASES[:-1]
BAD_DIGEST = ("oci-layer-digest", "oci-config-digest", "oci-manifest-digest", "oci-diffid",
              "oci-digest-alg", "docker-config-path", "docker-layer-path", "docker-blob-path")


def die(msg):
    print("mkhostile: " + msg, file=sys.stderr)
    sys.exit(1)


def mkimage():
    """scripts/mkimage-oci.py as a module (its name has a dash)."""
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    spec = importlib.util.spec_from_file_location("mkimage_oci",
                                                  os.path.join(HERE, "mkimage-oci.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- tar entries through tarfile --------------------------------------------

def ti(name, kind=tarfile.REGTYPE, size=0, linkname="", mode=0o644):
    i = tarfile.TarInfo(name)
    i.type, i.size, i.linkname, i.mode, i.mtime = kind, size, linkname, mode, MTIME
    i.uname = i.gname = ""
    return i


def reg(t, name, data=b"pwned\n", mode=0o644):
    t.addfile(ti(name, size=len(data), mode=mode), io.BytesIO(data))


def sym(t, name, target):
    t.addfile(ti(name, tarfile.SYMTYPE, linkname=target, mode=0o777))


def hard(t, name, target):
    t.addfile(ti(name, tarfile.LNKTYPE, linkname=target))


def dirent(t, name):
    t.addfile(ti(name, tarfile.DIRTYPE, mode=0o755))


def up(n=40):
    return "../" * n


def rel(target):
    """DIR without its leading slash, for ../../..DIR names."""
    return target.lstrip("/")


def case_traversal(t, target):
    reg(t, "ok")
    reg(t, up() + rel(target) + "/trav-rel")
    reg(t, target + "/trav-abs")
    dirent(t, "a")
    reg(t, "a/" + up() + rel(target) + "/trav-mid")
    reg(t, "x" * 120 + "/" + up(60) + rel(target) + "/trav-long")  # PAX path


def case_symlink(t, target):
    reg(t, "ok")
    sym(t, "evil", "/")
    reg(t, "evil/" + rel(target) + "/sym-root")
    sym(t, "up", up(40).rstrip("/"))
    reg(t, "up/" + rel(target) + "/sym-up")
    sym(t, "t", target)
    reg(t, "t/sym-direct")
    sym(t, "c2", target)
    sym(t, "c1", "c2")
    reg(t, "c1/sym-chain")
    dirent(t, "t/newdir")
    reg(t, "t/newdir/sym-dir")


def case_hardlink(t, target):
    reg(t, "ok")
    hard(t, "hl-abs", target + "/secret")
    reg(t, "hl-abs", b"overwritten through hl-abs\n")
    hard(t, "hl-rel", up() + rel(target) + "/secret")
    reg(t, "hl-rel", b"overwritten through hl-rel\n")
    sym(t, "sd", target)
    hard(t, "hl-via", "sd/secret")
    reg(t, "hl-via", b"overwritten through hl-via\n")
    hard(t, "hl-shadow", "/etc/shadow")
    hard(t, "sd/hl-at", "ok")


def case_whiteout(t, target):
    reg(t, "ok")
    dirent(t, "dir")
    reg(t, "dir/.wh...", b"")
    reg(t, ".wh..", b"")
    reg(t, ".wh....", b"")
    reg(t, up() + rel(target) + "/.wh.victim", b"")
    reg(t, target + "/.wh.victim", b"")
    sym(t, "t", target)
    reg(t, "t/.wh.victim", b"")
    reg(t, "t/.wh..wh..opq", b"")


def dev(t, name, kind, major, minor):
    i = ti(name, kind, mode=0o666)
    i.devmajor, i.devminor = major, minor
    t.addfile(i)


def case_devices(t, target):
    reg(t, "ok")
    dirent(t, "dev")
    dev(t, "dev/huge-ustar", tarfile.CHRTYPE, 0o7777777, 0o7777777)
    dev(t, "dev/huge-b256", tarfile.BLKTYPE, 1 << 40, 1 << 40)
    dev(t, "dev/negative", tarfile.CHRTYPE, -1, -1)
    t.addfile(ti("dev/fifo", tarfile.FIFOTYPE, mode=0o666))


def case_deep(t, target):
    reg(t, "ok")
    path = ""
    for _ in range(300):
        path += "d/"
        dirent(t, path.rstrip("/"))
    reg(t, path + "deep-file")
    reg(t, "n" * 5000)


# ---- raw headers (what tarfile refuses to write) ------------------------------

def raw_header(name, size_field, typeflag=b"0"):
    """A ustar header with SIZE_FIELD (12 bytes) verbatim and a valid checksum."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = size_field
    h[136:148] = b"%011o\0" % MTIME
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def good_prefix():
    """A valid first entry ("ok"), so that a failure comes mid-archive."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        reg(t, "ok")
        data = buf.getvalue()
    # Without tarfile's end-of-archive blocks: more entries follow.
    return data[:1024]


def raw_case(name):
    out = bytearray(good_prefix())
    if name == "size-overrun":
        out += raw_header(b"big", b"77777777777\0")
        out += b"A" * 4096  # far less than the 8 GiB the header claims
        return bytes(out)
    if name == "size-negative":
        out += raw_header(b"negative", b"\xff" * 12)
    elif name == "size-garbage":
        out += raw_header(b"garbage", b"zzzzzzzzzzz\0")
    elif name == "pax-size":
        rec = b"size=99999999999999\n"
        rec = b"%d %s" % (len(rec) + 3, rec)
        out += raw_header(b"PaxHeaders/huge", b"%011o\0" % len(rec), b"x")
        out += rec + b"\0" * (512 - len(rec))
        out += raw_header(b"huge", b"%011o\0" % 5)
    out += b"data\n" + b"\0" * 507
    out += b"\0" * 1024
    return bytes(out)


def case_bytes(name, target):
    if name in ("size-overrun", "size-negative", "size-garbage", "pax-size"):
        return raw_case(name)
    buf = io.BytesIO()
    # GNU format for base-256 device numbers, PAX for the rest (long names
    # then travel in PAX "path" records, which override the header's name).
    fmt = tarfile.GNU_FORMAT if name == "devices" else tarfile.PAX_FORMAT
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        globals()["case_" + name.replace("-", "_")](t, target)
    return buf.getvalue()


# ---- docker-archive wrapping --------------------------------------------------

def image_args(mk, fmt, rootfs, out, tag, extra=()):
    return mk.parse([fmt, "--rootfs", rootfs, "--tag", tag, *extra, out])


def write_docker(rootfs, layer_bytes, out, tag):
    mk = mkimage()
    with tempfile.TemporaryDirectory(prefix="mkhostile.", dir=os.path.dirname(
            os.path.abspath(out))) as work:
        layer = os.path.join(work, "hostile-layer.tar")
        with open(layer, "wb") as f:
            f.write(layer_bytes)
        args = image_args(mk, "docker-archive", rootfs, out, tag,
                          ["--extra-layer", layer, "--meta", os.path.join(work, "meta")])
        mk.build(args, work)


def docker_outer(rootfs, target, out, tag):
    """A docker-archive whose own members escape (not its layers)."""
    tmp = out + ".inner"
    write_docker(rootfs, good_prefix() + b"\0" * 1024, tmp, tag)
    try:
        with tarfile.open(tmp) as src, tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
            reg(t, up() + rel(target) + "/outer-rel")
            reg(t, target + "/outer-abs")
            sym(t, "lnk", target)
            reg(t, "lnk/outer-sym")
            for m in src:
                t.addfile(m, src.extractfile(m) if m.isreg() else None)
    finally:
        os.unlink(tmp)


# ---- bad digests ----------------------------------------------------------------

def bad_digest(case, target, rootfs, out):
    """An OCI layout (oci-*) or docker-archive (docker-*) naming paths
    outside itself; bait in TARGET."""
    mk = mkimage()
    fmt = "docker-archive" if case.startswith("docker-") else "oci-layout"
    extra = ["--compress", "none"] if fmt == "oci-layout" else []
    if case == "docker-blob-path":
        extra = ["--oci-blobs"]
    with tempfile.TemporaryDirectory(prefix="mkhostile.", dir=os.path.dirname(
            os.path.abspath(out.rstrip("/")))) as work:
        good = os.path.join(work, "good")
        args = image_args(mk, fmt, rootfs, good, "hostile:digest",
                          extra + ["--meta", os.path.join(work, "meta")])
        mk.build(args, work)
        if fmt == "oci-layout":
            bad_oci(case, target, good)
            if os.path.exists(out):
                shutil.rmtree(out)
            shutil.move(good, out)
        else:
            bad_docker(case, target, good, out, work)


def bait(target, name, src):
    shutil.copyfile(src, os.path.join(target, name))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)


def bad_oci(case, target, layout):
    blobs = os.path.join(layout, "blobs", "sha256")
    index = read_json(os.path.join(layout, "index.json"))
    mdesc = index["manifests"][0]
    mpath = os.path.join(blobs, mdesc["digest"].split(":")[1])
    manifest = read_json(mpath)
    cpath = os.path.join(blobs, manifest["config"]["digest"].split(":")[1])
    config = read_json(cpath)

    def escaping(name):
        # More ../ than any path is deep: they stop at /, then DIR.
        return "sha256:" + up() + rel(target) + "/" + name

    if case == "oci-layer-digest":
        lpath = os.path.join(blobs, manifest["layers"][-1]["digest"].split(":")[1])
        bait(target, "layer", lpath)
        manifest["layers"][-1]["digest"] = escaping("layer")
    elif case == "oci-config-digest":
        bait(target, "config", cpath)
        manifest["config"]["digest"] = escaping("config")
    elif case == "oci-diffid":
        config["rootfs"]["diff_ids"][-1] = escaping("x")
        write_json(cpath, config)
        manifest["config"]["digest"], manifest["config"]["size"] = rehash(cpath, blobs)
    elif case == "oci-digest-alg":
        hexd = manifest["layers"][-1]["digest"].split(":")[1]
        bait(target, hexd, os.path.join(blobs, hexd))
        manifest["layers"][-1]["digest"] = up() + rel(target) + ":" + hexd
    if case != "oci-manifest-digest":
        write_json(mpath, manifest)
        mdesc["digest"], mdesc["size"] = rehash(mpath, blobs)
    else:
        bait(target, "manifest", mpath)
        mdesc["digest"] = escaping("manifest")
    write_json(os.path.join(layout, "index.json"), index)


def rehash(path, blobs):
    """Move a rewritten blob to its new digest's name; (digest, size)."""
    with open(path, "rb") as f:
        data = f.read()
    hexd = hashlib.sha256(data).hexdigest()
    os.replace(path, os.path.join(blobs, hexd))
    return "sha256:" + hexd, len(data)


def bad_docker(case, target, good, out, work):
    """Rewrite manifest.json of docker-archive GOOD into OUT."""
    with tarfile.open(good) as src:
        members = [(m, src.extractfile(m).read() if m.isreg() else None) for m in src]
    manifest = json.loads(dict((m.name, d) for m, d in members)["manifest.json"])
    entry = manifest[0]
    files = dict((m.name, d) for m, d in members)
    if case == "docker-config-path":
        with open(os.path.join(target, "config.json"), "wb") as f:
            f.write(files[entry["Config"]])
        entry["Config"] = up(40) + rel(target) + "/config.json"
    elif case == "docker-layer-path":
        with open(os.path.join(target, "layer.tar"), "wb") as f:
            f.write(files[entry["Layers"][-1]])
        entry["Layers"][-1] = target + "/layer.tar"
    elif case == "docker-blob-path":
        with open(os.path.join(target, "config"), "wb") as f:
            f.write(files[entry["Config"]])
        entry["Config"] = "blobs/sha256/" + up(40) + rel(target) + "/config"
    data = json.dumps(manifest).encode()
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
        for m, d in members:
            if m.name == "manifest.json":
                m.size, d = len(data), data
            t.addfile(m, io.BytesIO(d) if d is not None else None)


# ---- streams: padding and bomb -----------------------------------------------

def padding(args):
    """The archive, then GIB GiB of zeros, to stdout."""
    out = sys.stdout.buffer
    with tempfile.TemporaryDirectory(prefix="mkhostile.") as work:
        if args.format == "rootfs":
            src = args.rootfs
        else:
            mk = mkimage()
            src = os.path.join(work, "padded.tar")
            mk.build(image_args(mk, "docker-archive", args.rootfs, src, args.tag,
                                ["--meta", os.path.join(work, "meta")]), work)
        zeros = bytes(1 << 20)
        try:
            with open(src, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
            for _ in range(args.gib << 10):
                out.write(zeros)
            out.flush()
        except BrokenPipeError:
            # The reader stopped at the end of the archive: fine.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    return 0


class GzipZeros:
    """A gzip stream of HEAD + SIZE zeros + TAIL, written to a file without
    compressing every MiB: after a full flush deflate's output for a MiB of
    zeros repeats, so one block is compressed and written over and over."""

    CH = 1 << 20

    def __init__(self, f, digest):
        # The sha256 of the tar (a docker-archive's diff_id) costs more than
        # everything else: only when asked for.
        self.f, self.crc, self.n = f, 0, 0
        self.h = hashlib.sha256() if digest else None
        self.c = zlib.compressobj(9, zlib.DEFLATED, -15)
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")

    def data(self, b):
        self.f.write(self.c.compress(b))
        self.crc = zlib.crc32(b, self.crc)
        if self.h:
            self.h.update(b)
        self.n += len(b)

    def zeros(self, size):
        z = bytes(self.CH)
        self.f.write(self.c.flush(zlib.Z_FULL_FLUSH))
        block = None
        while size >= self.CH:
            if block is None:
                block = self.c.compress(z) + self.c.flush(zlib.Z_FULL_FLUSH)
                again = self.c.compress(z) + self.c.flush(zlib.Z_FULL_FLUSH)
                if again != block:
                    die("deflate output of zeros does not repeat")
                self.f.write(block + again)
                self.account(z, 2)
                size -= 2 * self.CH
                continue
            self.f.write(block)
            self.account(z, 1)
            size -= self.CH
        if size > 0:
            self.data(bytes(size))

    def account(self, z, times):
        for _ in range(times):
            self.crc = zlib.crc32(z, self.crc)
            if self.h:
                self.h.update(z)
            self.n += len(z)

    def close(self):
        self.f.write(self.c.flush(zlib.Z_FINISH))
        self.f.write(struct.pack("<II", self.crc & 0xffffffff, self.n & 0xffffffff))


def write_bomb_gzip(path, size, digest=False):
    """PATH: gzip of a tar holding "zeros" (SIZE bytes).  Returns (diff_id
    or None, tar size)."""
    hdr = ti("zeros", size=size).tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")
    with open(path, "wb") as f:
        g = GzipZeros(f, digest)
        g.data(hdr)
        g.zeros(size + (-size) % 512 + 1024)  # data, its padding, end of archive
        g.close()
    return ("sha256:" + g.h.hexdigest() if digest else None), g.n


def bomb(args):
    size = args.gib << 30
    if args.format == "rootfs":
        write_bomb_gzip(args.out, size)
        return 0
    mk = mkimage()
    with tempfile.TemporaryDirectory(prefix="mkhostile.", dir=os.path.dirname(
            os.path.abspath(args.out))) as work:
        gz = os.path.join(work, "bomb.tar.gz")
        diff_id, n = write_bomb_gzip(gz, size, digest=True)
        a = image_args(mk, "docker-archive", args.rootfs, args.out, args.tag,
                       ["--compress", "gzip", "--meta", os.path.join(work, "meta")])
        a.prebuilt_layer = mk.Layer.prebuilt(gz, diff_id, n, "gzip")
        mk.build(a, work)
    return 0


# ---- main --------------------------------------------------------------------

def check_target(target):
    if not target or not os.path.isabs(target):
        die("--target must be an absolute directory")
    if os.path.realpath(target) in ("/", "/etc", "/usr", "/bin", "/tmp", "/var", "/root"):
        die("--target must be a canary directory, not " + target)
    os.makedirs(target, exist_ok=True)


def main(argv):
    ap = argparse.ArgumentParser(description="Hostile archives for brig's import tests.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    for name in ("rootfs", "docker"):
        p = sub.add_parser(name)
        p.add_argument("case", choices=CASES)
        p.add_argument("--target", required=True)
        p.add_argument("--rootfs", required=(name == "docker"))
        p.add_argument("--tag", default="hostile:latest")
        p.add_argument("out")
    p = sub.add_parser("all")
    p.add_argument("--target", required=True)
    p.add_argument("--rootfs", required=True)
    p.add_argument("outdir")
    p = sub.add_parser("bad-digest")
    p.add_argument("case", choices=BAD_DIGEST)
    p.add_argument("--target", required=True)
    p.add_argument("--rootfs", required=True)
    p.add_argument("out")
    p = sub.add_parser("padding")
    p.add_argument("--format", choices=("rootfs", "docker"), default="docker")
    p.add_argument("--rootfs", required=True)
    p.add_argument("--tag", default="padded:latest")
    p.add_argument("--gib", type=int, default=8)
    p = sub.add_parser("bomb")
    p.add_argument("--format", choices=("rootfs", "docker"), default="rootfs")
    p.add_argument("--rootfs")
    p.add_argument("--tag", default="bomb:latest")
    p.add_argument("--gib", type=int, default=4)
    p.add_argument("out")
    a = ap.parse_args(argv)

    if a.cmd == "list":
        print("\n".join(CASES))
        print("\n".join("bad-digest " + c for c in BAD_DIGEST))
        return 0
    if a.cmd == "padding":
        return padding(a)
    if a.cmd == "bomb":
        if a.format == "docker" and not a.rootfs:
            die("bomb --format docker needs --rootfs")
        return bomb(a)
    check_target(a.target)
    target = os.path.realpath(a.target)
    if a.cmd == "bad-digest":
        bad_digest(a.case, target, a.rootfs, a.out)
    elif a.cmd == "all":
        os.makedirs(a.outdir, exist_ok=True)
        for case in CASES:
            one(case, "rootfs", target, a.rootfs, os.path.join(a.outdir, case + ".tar"), None)
            one(case, "docker", target, a.rootfs,
                os.path.join(a.outdir, case + ".docker.tar"), "hostile-%s:latest" % case)
    else:
        one(a.case, a.cmd, target, a.rootfs, a.out, a.tag)
    return 0


def one(case, how, target, rootfs, out, tag):
    if case == "docker-outer":
        if how == "docker":
            docker_outer(rootfs, target, out, tag)
        return
    data = case_bytes(case, target)
    if how == "rootfs":
        with open(out, "wb") as f:
            f.write(data)
    else:
        write_docker(rootfs, data, out, tag)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
