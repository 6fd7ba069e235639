#!/usr/bin/env python3
"""scale.py OUT N BRIG_ARGV... - start N detached containers one after the
other (run -d --net NET ... sleep 100000), NET switching to "bench2" past
1000 (the kernel allows 1024 ports per bridge), timing each start; then
measure the monitors' memory, remove them one `rm -f` each, timed.
Runs inside the sandbox."""
import json
import os
import subprocess
import sys
import time

out, n, brig = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
parent = os.environ["BENCH_CGROUP_PARENT"]
ids, times, errors = [], [], []
for i in range(n):
    net = "bridge" if i < 1000 else "bench2"
    t0 = time.perf_counter()
    p = subprocess.run(brig + ["run", "-d", "--net", net, "--cgroup-parent", parent,
                               "busybox", "sleep", "100000"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    dt = (time.perf_counter() - t0) * 1000
    if p.returncode != 0:
        errors.append({"i": i, "rc": p.returncode, "stderr": p.stderr.strip()[-300:]})
        if len(errors) >= 5:
            break
        continue
    ids.append(p.stdout.strip())
    times.append(round(dt, 3))

# Monitors: the parents of the containers' pids (the `sleep`s): brig or
# brig-monitor processes in this sandbox (same netns as us) with a child of
# another executable.  A monitor execs brig-monitor, found beside brig, once
# its container runs (src/engine/monitor.c); without one it stays brig.
brig_exe = os.path.realpath(brig[0])
monitor_exes = {brig_exe, os.path.join(os.path.dirname(brig_exe), "brig-monitor")}
self_net = os.stat("/proc/self/ns/net").st_ino


def monitors():
    exe, ppid = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            exe[pid] = os.path.realpath("/proc/%s/exe" % pid)
            with open("/proc/%s/stat" % pid) as f:
                ppid[pid] = f.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
    found = set()
    for pid, pp in ppid.items():
        if exe.get(pp) in monitor_exes and exe.get(pid) not in monitor_exes:
            try:
                if os.stat("/proc/%s/ns/net" % pp).st_ino == self_net:
                    found.add(pp)
            except OSError:
                pass
    return found


mon = {}
for pid in monitors():
    try:
        kv = {}
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                kv[k] = v.strip()
        pss = None
        with open("/proc/%s/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
        mon[pid] = (int(kv["VmRSS"].split()[0]), pss)
    except (OSError, KeyError, ValueError):
        continue
rss = [v[0] for v in mon.values()]
pss = [v[1] for v in mon.values() if v[1] is not None]

# Removal, one `rm -f` per container in start order: the first runs with
# N containers up, the last with one, so a flat curve means rm costs the
# same at any N.
rm_times, rm_errors = [], []
t0 = time.perf_counter()
for cid in ids:
    t1 = time.perf_counter()
    p = subprocess.run(brig + ["rm", "-f", cid], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    rm_times.append(round((time.perf_counter() - t1) * 1000, 3))
    if p.returncode != 0 and len(rm_errors) < 5:
        rm_errors.append({"id": cid[:12], "rc": p.returncode,
                          "stderr": p.stderr.strip()[-300:]})
rm_ms = (time.perf_counter() - t0) * 1000
def is_ours(pid):
    try:
        return (os.path.realpath("/proc/%s/exe" % pid) in monitor_exes
                and os.stat("/proc/%s/ns/net" % pid).st_ino == self_net)
    except OSError:
        return False


left_brig = sum(1 for pid in os.listdir("/proc") if pid.isdigit() and is_ours(pid))
json.dump({
    "brig_processes_left": left_brig,
    "n_requested": n, "n_started": len(ids), "start_ms": times, "errors": errors,
    "monitors": len(mon), "monitor_rss_kib_sum": sum(rss),
    "monitor_rss_kib_avg": round(sum(rss) / len(rss), 1) if rss else None,
    "monitor_pss_kib_avg": round(sum(pss) / len(pss), 1) if pss else None,
    "rm_all_ms": round(rm_ms, 1), "rm_ms": rm_times,
    "rm_rc": rm_errors[0]["rc"] if rm_errors else 0,
    "rm_stderr": "; ".join("%s: %s" % (x["id"], x["stderr"]) for x in rm_errors),
}, open(out, "w"), indent=1)
