#!/usr/bin/env python3
"""timeit.py - interleaved wall-clock timing of commands (no shell).

usage: timeit.py --runs N [--warmup W] [--shuffle] --out FILE SPEC...

SPEC is NAME=COMMAND (timed) or -NAME=COMMAND (run, not timed: setup or
teardown for the next timed step).  COMMAND is split with shlex; a last token <FILE is its stdin; the token
{i} is replaced by the iteration number (warm-up iterations are negative).
Every iteration runs all SPECs in the order given, so timed commands are
interleaved A B A B ... and share the machine's drift.  With --shuffle
(SPECs independent of each other) the order is shuffled per iteration,
with a fixed seed: a command pays for the asynchronous teardown the one
before it left (a network namespace's cleanup costs the kernel
milliseconds), and in a fixed order that cost always lands on the same
neighbour (measured: the same brig binary timed 7 ms in one row and 16 ms
in the row after `unshare --net true`).  A command that
fails is recorded with its exit status and the tail of its stderr; the
SPEC is then skipped for the rest of the run (its untimed neighbours still
run).  Output: JSON {NAME: {"samples_ms": [...], "median_ms", "min_ms",
"max_ms", "n", "error"}} for the timed SPECs.
"""
import argparse
import json
import random
import shlex
import statistics
import subprocess
import sys
import time


def stats(samples):
    if not samples:
        return {}
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 3),
        "min_ms": round(min(samples), 3),
        "max_ms": round(max(samples), 3),
        "mean_ms": round(statistics.fmean(samples), 3),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--shuffle", action="store_true")
    ap.add_argument("--out", required=True)
    ap.add_argument("specs", nargs="+")
    a = ap.parse_args()

    specs = []
    for s in a.specs:
        name, _, cmd = s.partition("=")
        timed = not name.startswith("-")
        specs.append((name.lstrip("-"), timed, cmd))
    res = {n: {"samples_ms": [], "error": None} for n, t, _ in specs if t}
    failed = set()
    rng = random.Random(1)

    for i in range(-a.warmup, a.runs):
        order = specs[:]
        if a.shuffle:
            rng.shuffle(order)
        for name, timed, cmd in order:
            if name in failed:
                continue
            argv = [w.replace("{i}", str(i)) for w in shlex.split(cmd)]
            stdin = subprocess.DEVNULL
            if argv[-1].startswith("<"):
                stdin = open(argv.pop()[1:], "rb")
            t0 = time.perf_counter()
            p = subprocess.run(argv, stdin=stdin,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            dt = (time.perf_counter() - t0) * 1000.0
            if p.returncode != 0:
                err = p.stderr.decode(errors="replace").strip()[-400:]
                msg = "exit %d: %s: %s" % (p.returncode, " ".join(argv), err)
                print("timeit: %s failed: %s" % (name, msg), file=sys.stderr)
                if timed:
                    res[name]["error"] = msg
                    failed.add(name)
                continue
            if timed and i >= 0:
                res[name]["samples_ms"].append(round(dt, 3))

    for name, r in res.items():
        r.update(stats(r["samples_ms"]))
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
