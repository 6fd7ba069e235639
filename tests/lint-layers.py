#!/usr/bin/env python3
"""lint-layers.py REPO [DIR...] - the layers point one way (DESIGN.md).

src/base includes nothing of brig's but itself; net/ and cgroup/ include
only src/base and themselves.  Prints "file:line: #include ..." for each
include that crosses a boundary and exits 1 when there is any.  With DIRs
(tests), checks those trees as if they were net/ (their own files and
src/base allowed)."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def headers(d):
    return {f for f in os.listdir(d) if f.endswith(".h")} if os.path.isdir(d) else set()


def check(repo, d, allowed):
    hits = []
    for root, _, files in os.walk(d):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            p = os.path.join(root, f)
            text = open(p, encoding="utf-8", errors="replace").read()
            for m in INCLUDE.finditer(text):
                if os.path.basename(m.group(1)) != m.group(1) or m.group(1) not in allowed:
                    line = text[: m.start()].count("\n") + 1
                    hits.append(f"{os.path.relpath(p, repo)}:{line}: #include \"{m.group(1)}\"")
    return hits


def main():
    repo = sys.argv[1]
    base = headers(os.path.join(repo, "src/base"))
    dirs = sys.argv[2:] or ["src/base", "net", "cgroup"]
    hits = []
    for d in dirs:
        path = d if os.path.isabs(d) else os.path.join(repo, d)
        own = headers(path)
        hits += check(repo, path, base | own if d != "src/base" else base)
    print("\n".join(hits))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
