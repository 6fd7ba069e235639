#!/usr/bin/env python3
"""machine.py PEERS BRIG - the machine the numbers came from, as JSON."""
import datetime
import json
import os
import platform
import subprocess
import sys


def first(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              cwd=os.path.dirname(os.path.abspath(sys.argv[2]))
                              ).stdout.strip()
    except OSError:
        return "?"


mem_kb = int(first("/proc/meminfo", "MemTotal").split()[0])
distro = "?"
try:
    with open("/etc/os-release") as f:
        for line in f:
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip().strip('"')
except OSError:
    pass
peers = {}
with open(sys.argv[1]) as f:
    for line in f:
        p = line.split(None, 2)
        if len(p) == 3:
            peers[p[0]] = p[2].strip() if p[1] == "installed" else "MISSING: " + p[2].strip()
cg = "v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1"
print(json.dumps({
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "nproc": os.cpu_count(),
    "model_name": first("/proc/cpuinfo", "model name"),
    "kernel": platform.release(),
    "memory_gib": round(mem_kb / 1048576, 1),
    "distro": distro,
    "cgroup": cg,
    "brig_commit": git("rev-parse", "--short", "HEAD") +
    (" (dirty tree)" if git("status", "--porcelain", "--untracked-files=no") else ""),
    "peers": peers,
}, indent=1))
