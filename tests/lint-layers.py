#!/usr/bin/env python3
"""lint-layers.py REPO [--as LAYER DIR...] - the layers point one way.

    cli -> engine -> runtime, image, lab -> net, cgroup -> base

(docs/architecture.md).  Each directory may include its own headers and
the public headers of the layers it sits on, nothing else of brig's (a
module's private headers, PRIVATE below, stay inside it).  The engine, which
any front end calls (CLI, lab runner, API server), never prints, exits or
parses argv: no printf, puts, fprintf/fputs to stdout or stderr, exit or
getopt in src/engine.

Prints "file:line: what" for each breach and exits 1 when there is any.
With --as LAYER DIR (tests), checks the trees DIR as if they were LAYER."""
import os
import re
import sys

# directory -> the directories whose headers it may include (besides its own)
LAYERS = {
    "src/base": [],
    "net": ["src/base"],
    "cgroup": ["src/base"],
    "src/runtime": ["src/base", "net", "cgroup"],
    "src/image": ["src/base"],
    "src/lab": ["src/base", "net", "cgroup"],
    "src/engine": ["src/base", "net", "cgroup", "src/runtime", "src/image", "src/lab"],
    "src/cli": ["src/base", "src/engine"],
    # the API server is a front end beside the CLI: the CLI includes only its entry point (ENTRY)
    "src/api": ["src/base", "net", "cgroup", "src/runtime", "src/image", "src/lab", "src/engine"],
    # brig-monitor (its own static executable): the engine's relay, slirp_stop
    "src/monitor": ["src/base", "src/runtime", "src/engine"],
}
# headers a module keeps to itself: only its own directory (and tests/, which
# this lint does not read) may include them; the layers above see the rest
PRIVATE = {"net": {"nl.h", "nat_batch.h", "qdisc_msg.h", "pcap_lazy.h"}, "cgroup": {"driver.h"},
           "src/engine": {"container_int.h", "lab_record.h", "lab_int.h"},
           "src/image": {"registry_http.h"},
           "src/lab": {"topo_int.h", "ydoc.h"}}
# single headers a layer may use beside its lower layers': the CLI starts
# the API server through its one entry point
ENTRY = {"src/cli": {"serve.h"}}
# directories whose code must not print, exit or parse argv
QUIET = {"src/monitor", "src/engine", "src/image", "src/lab", "src/runtime", "net", "cgroup", "src/base"}
# the one place that prints on the quiet side: the default warning sink
SINK = {"src/base/warn.c"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LOUD = re.compile(
    r'\b(?:printf|puts|putchar|perror|exit|getopt|getopt_long)\s*\('
    r'|\bf(?:printf|puts|putc|write)\s*\([^;]*\b(?:stdout|stderr)\b'
    r'|\b(?:v?dprintf)\s*\(\s*(?:1|2|STDOUT_FILENO|STDERR_FILENO)\b')
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', re.S)


def headers(d):
    return {f for f in os.listdir(d) if f.endswith(".h")} if os.path.isdir(d) else set()


def blank(m):
    """Keep a comment's or string's newlines, drop its words."""
    return re.sub(r"[^\n]", " ", m.group(0))


def sources(d):
    for root, _, files in os.walk(d):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                p = os.path.join(root, f)
                yield p, open(p, encoding="utf-8", errors="replace").read()


def line_of(text, pos):
    return text[:pos].count("\n") + 1


def check(repo, d, layer):
    allowed = headers(d) | ENTRY.get(layer, set())
    private = {}
    for below in LAYERS[layer]:
        hidden = PRIVATE.get(below, set())
        allowed |= headers(os.path.join(repo, below)) - hidden
        private.update((h, below) for h in hidden)
    hits = []
    for p, text in sources(d):
        rel = os.path.relpath(p, repo)
        for m in INCLUDE.finditer(text):
            if os.path.basename(m.group(1)) != m.group(1) or m.group(1) not in allowed:
                why = f" (private to {private[m.group(1)]}/)" if m.group(1) in private else ""
                hits.append(f"{rel}:{line_of(text, m.start())}: #include \"{m.group(1)}\"{why}")
        if layer in QUIET and rel not in SINK:
            code = COMMENT.sub(blank, text)
            for m in LOUD.finditer(code):
                hits.append(f"{rel}:{line_of(code, m.start())}: {m.group(0).split('(')[0].strip()}() in {layer}")
    return hits


def main():
    repo, args = sys.argv[1], sys.argv[2:]
    if args[:1] == ["--as"]:
        jobs = [(args[1], d) for d in args[2:]]
    else:
        jobs = [(layer, os.path.join(repo, layer)) for layer in LAYERS]
    hits = []
    for layer, d in jobs:
        hits += check(repo, d, layer)
    if hits:
        print("\n".join(hits))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
