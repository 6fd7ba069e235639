#!/usr/bin/env python3
"""report.py OUTDIR JSON MD - merge the benches' JSON fragments into one
JSON document and a Markdown report (machine first, then each bench, then
the issue's targets as met / missed)."""
import json
import os
import statistics
import sys

outdir, jpath, mpath = sys.argv[1:4]


def load(name):
    p = os.path.join(outdir, name + ".json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


doc = {k: load(k) for k in ("machine", "start", "net", "exec", "data", "import", "scale", "lab",
                            "relay", "perf", "ports", "api")}
notes = [l.strip() for l in open(os.path.join(outdir, "notes.txt"))] \
    if os.path.exists(os.path.join(outdir, "notes.txt")) else []
doc["notes"] = notes
md = []
targets = []


def ms(x):
    return "—" if x is None else ("%.1f" % x)


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def fr(x):
    return "—" if x is None else "%.2f" % x


def med(times, k):
    t = (times or {}).get(k) or {}
    return t.get("median_ms")


def timing_table(sec, names, labels, ref_keys):
    times = sec.get("times", {})
    hdr = "| command | median ms | min ms | max ms | n |" + \
        "".join(" %s / this |" % r for r in ref_keys)
    md.append(hdr)
    md.append("|" + " --- |" * (5 + len(ref_keys)))
    for k in names:
        label = labels.get(k, k)
        t = times.get(k)
        peer = k.split("_")[0]
        if t is None:
            why = sec.get("not_run", {}).get(k) or sec.get("not_run", {}).get(peer)
            if why:
                md.append("| %s | not run: %s |||||%s" % (label, why, "|" * len(ref_keys)))
            continue
        if t.get("error"):
            md.append("| %s | FAILED: %s |||||%s" % (label, t["error"].replace("|", "/")[:200],
                                                    "|" * len(ref_keys)))
            continue
        row = "| %s | %s | %s | %s | %d |" % (label, ms(t["median_ms"]), ms(t["min_ms"]),
                                               ms(t["max_ms"]), t["n"])
        for r in ref_keys:
            row += " %s |" % fr(ratio(med(times, r), t["median_ms"]))
        md.append(row)
    for k, why in sec.get("not_run", {}).items():
        if not any(n.split("_")[0] == k or n == k for n in names if n in times):
            if not any(n.split("_")[0] == k for n in names):
                md.append("| %s | not run: %s |||||%s" % (k, why, "|" * len(ref_keys)))
    md.append("")


def target(what, ok, value):
    targets.append("| %s | %s | %s |" % (what, value,
                                         "—" if ok is None else ("met" if ok else "**missed**")))


m = doc["machine"] or {}
md.append("# brig benchmarks — latest results")
md.append("")
md.append("Machine: %s, %s CPUs (`nproc`), %s GiB RAM, kernel %s, %s, cgroup %s; "
          "brig %s; run %s." % (m.get("model_name"), m.get("nproc"), m.get("memory_gib"),
                                m.get("kernel"), m.get("distro"), m.get("cgroup"),
                                m.get("brig_commit"), m.get("date")))
md.append("")
md.append("Peers: " + ", ".join("%s %s" % kv for kv in sorted((m.get("peers") or {}).items())))
md.append("")
if notes:
    md.append("Notes from this run:")
    md.append("")
    md.extend("- " + n for n in notes)
    md.append("")

# --- start
s = doc["start"]
md.append("## Start latency (`run --rm IMAGE true`, wall clock)")
md.append("")
if s and "times" in s:
    names = ["floor", "brig_none", "brig_nosec", "brig_bridge", "brig_v4", "brig_v6", "base_none", "base_bridge", "nsenter_true",
             "crun", "runc", "podman_none", "podman_bridge"]
    labels = {"floor": "floor: unshare -p -f -m -u -i -n true",
              "brig_none": "brig run --rm --net none", "brig_bridge": "brig run --rm --net bridge",
              "brig_nosec": "brig run --rm --net none, seccomp=unconfined, no-new-privileges=false",
              "brig_v4": "brig run --rm on a v4-only network",
              "brig_v6": "brig run --rm on a dual-stack network (v4 + v6)",
              "base_none": "baseline brig (BENCH_BASELINE) --net none",
              "base_bridge": "baseline brig (BENCH_BASELINE) --net bridge",
              "nsenter_true": "(nsenter into crun's mount ns + true: wrapper cost)",
              "crun": "crun run (bundle, new netns)", "runc": "runc run (bundle, new netns)",
              "podman_none": "podman run --rm --network none",
              "podman_bridge": "podman run --rm --network bridge (netavark)"}
    timing_table(s, names, labels, ["brig_none", "brig_bridge"])
    t = s["times"]
    bn, bb = med(t, "brig_none"), med(t, "brig_bridge")
    cr = med(t, "crun")
    ns = med(t, "nsenter_true") or 0
    crun = (cr - ns) if cr else None
    target("brig none / crun run <= 0.6 (crun minus its nsenter wrapper)",
           None if crun is None or bn is None else bn / crun <= 0.6, fr(ratio(bn, crun)))
    target("brig bridge / crun run (no network) <= 0.85 (crun minus its nsenter wrapper)",
           None if crun is None or bb is None else bb / crun <= 0.85, fr(ratio(bb, crun)))
    target("podman none / brig none >= 10", None if med(t, "podman_none") is None else
           ratio(med(t, "podman_none"), bn) >= 10, fr(ratio(med(t, "podman_none"), bn)))
    bs = med(t, "brig_nosec")
    target("seccomp + no_new_privs add < 2 ms to none", None if bs is None or bn is None
           else bn - bs < 2, ms(None if bs is None or bn is None else bn - bs) + " ms")
    b4, b6 = med(t, "brig_v4"), med(t, "brig_v6")
    target("dual-stack start − v4 start <= 2 ms", None if b4 is None or b6 is None
           else b6 - b4 <= 2, ms(None if b4 is None or b6 is None else b6 - b4) + " ms")
    target("bridge − none <= 3 ms", None if bb is None or bn is None else bb - bn <= 3,
           ms(None if bb is None or bn is None else bb - bn) + " ms")
    target("podman bridge / brig bridge >= 20", None if med(t, "podman_bridge") is None else
           ratio(med(t, "podman_bridge"), bb) >= 20, fr(ratio(med(t, "podman_bridge"), bb)))
else:
    md.append("start bench failed: %s" % (s or {}).get("failed", "no output"))
    md.append("")

# --- net
n = doc["net"]
md.append("## Network setup cost (netns exists → eth0 addressed, default route)")
md.append("")
if n and "times" in n:
    t = n["times"]
    names = ["brig_none", "brig_bridge", "cni_add", "cni_del", "ip_script"]
    labels = {"brig_none": "brig run --rm --net none", "brig_bridge": "brig run --rm --net bridge",
              "cni_add": "CNI bridge + host-local: ADD", "cni_del": "CNI bridge + host-local: DEL",
              "ip_script": "ip script (netns add, veth, addr, route)"}
    timing_table(n, names, labels, [])
    delta = None
    if med(t, "brig_bridge") is not None and med(t, "brig_none") is not None:
        delta = med(t, "brig_bridge") - med(t, "brig_none")
    md.append("brig's network setup + teardown (bridge − none medians): **%s ms**; "
              "CNI ADD / brig = %s, CNI ADD+DEL / brig = %s, ip script / brig = %s." % (
                  ms(delta), fr(ratio(med(t, "cni_add"), delta)),
                  fr(ratio((med(t, "cni_add") or 0) + (med(t, "cni_del") or 0), delta)
                     if med(t, "cni_add") else None),
                  fr(ratio(med(t, "ip_script"), delta))))
    md.append("")
    st = n.get("strace") or {}
    if st.get("none", {}).get("total") and st.get("bridge", {}).get("total"):
        md.append("strace -f -c of one run: --net none %d syscalls, bridge %d syscalls "
                  "(top in bridge mode: %s)." % (
                      st["none"]["total"]["calls"], st["bridge"]["total"]["calls"],
                      ", ".join("%s %d" % (r["syscall"], r["calls"])
                                for r in st["bridge"]["top"][:5])))
        md.append("")
    target("brig net setup < 1/10 of a CNI ADD",
           None if delta is None or med(t, "cni_add") is None else delta * 10 < med(t, "cni_add"),
           ms(delta) + " ms vs " + ms(med(t, "cni_add")) + " ms")
else:
    md.append("net bench failed: %s" % (n or {}).get("failed", "no output"))
    md.append("")

# --- exec
e = doc["exec"]
md.append("## Exec latency (`exec C true` in a running container)")
md.append("")
if e and "times" in e:
    names = ["brig_exec", "base_exec", "crun_exec", "runc_exec", "podman_exec"]
    labels = {"brig_exec": "brig exec", "base_exec": "baseline brig (BENCH_BASELINE) exec",
              "crun_exec": "crun exec (via nsenter wrapper)",
              "runc_exec": "runc exec", "podman_exec": "podman exec (via nsenter wrapper)"}
    timing_table(e, names, labels, ["brig_exec"])
else:
    md.append("exec bench failed: %s" % (e or {}).get("failed", "no output"))
    md.append("")

# --- data
d = doc["data"]
md.append("## Data plane (iperf3 TCP, ping RTT)")
md.append("")
if d and d.get("results"):
    r = d["results"]
    md.append("| path | Gbit/s (median) | runs | ping RTT µs (median of avg) | brig / this (Gbit/s) |")
    md.append("| --- | --- | --- | --- | --- |")
    lab = {"brig": "brig container → brig container (br0)",
           "bare": "bare netns → bare netns (ip-built bridge)",
           "loopback": "loopback in one netns"}
    for k in ("brig", "bare", "loopback"):
        if k in r:
            md.append("| %s | %.2f | %s | %.1f | %s |" % (
                lab[k], r[k]["gbit_s_median"], ", ".join("%.2f" % x for x in r[k]["gbit_s"]),
                r[k]["rtt_us_median"], fr(ratio(r["brig"]["gbit_s_median"], r[k]["gbit_s_median"]))))
    md.append("")
    if "brig" in r and "bare" in r:
        rr = r["brig"]["gbit_s_median"] / r["bare"]["gbit_s_median"]
        target("brig throughput within 5% of bare bridge", rr >= 0.95, fr(rr))
else:
    md.append("data bench: %s" % ((d or {}).get("failed") or (d or {}).get("not_run") or "no output"))
    md.append("")

# --- import
im = doc["import"]
md.append("## Image import (`image load -i` of a docker-archive, against `tar -x` of its layers)")
md.append("")
if im and "times" in im:
    t = im["times"]
    sz = im.get("sizes") or {}
    md.append("Archive %s MiB (layers %s MiB); the second image's archive %s MiB, sharing the "
              "base layer. Each row starts from an empty directory or root." % (
                  sz.get("archive_mib", "?"), " + ".join(str(x) for x in sz.get("layer_mib", [])),
                  sz.get("second_archive_mib", "?")))
    md.append("")
    names = ["tar_x", "brig_load", "brig_second", "umoci_unpack", "skopeo_copy"]
    labels = {"tar_x": "tar -x of the layers, in order (no digests, no whiteouts)",
              "brig_load": "brig image load -i (fresh root)",
              "brig_second": "brig image load -i of the second image (base present)",
              "umoci_unpack": "umoci unpack of the same image as an OCI layout",
              "skopeo_copy": "skopeo copy docker-archive: → oci: (digests, no extraction)"}
    timing_table(im, names, labels, ["brig_load"])
    bl, tx, bs = med(t, "brig_load"), med(t, "tar_x"), med(t, "brig_second")
    md.append("brig load / tar -x = **%s**; second image / first = %s." % (
        fr(ratio(bl, tx)), fr(ratio(bs, bl))))
    md.append("")
    st = im.get("store") or {}
    if st:
        md.append("Store after the first image: %s layers, %s KiB; after the second: %s layers, "
                  "%s KiB." % (st.get("layers_after_a"), st.get("kib_after_a"),
                               st.get("layers_after_b"), st.get("kib_after_b")))
        md.append("")
    target("import within 1.5x of tar -x of the same layers",
           None if bl is None or tx is None else bl <= 1.5 * tx, fr(ratio(bl, tx)))
    if st:
        grew = st["kib_after_b"] - st["kib_after_a"]
        target("a second image sharing the base stores only its new layer",
               st["layers_after_b"] - st["layers_after_a"] == 1 and grew * 100 < st["kib_after_a"],
               "+%d layer, +%d KiB" % (st["layers_after_b"] - st["layers_after_a"], grew))
else:
    md.append("import bench failed: %s" % (im or {}).get("failed", "no output"))
    md.append("")

# --- scale
c = doc["scale"]
md.append("## Scale (`run -d --net bridge busybox sleep`, one after another)")
md.append("")
if c and c.get("run"):
    run = c["run"]
    st = run["start_ms"]
    md.append("Started %d of %d (bridge br0%s)." % (
        run["n_started"], run["n_requested"],
        "; past 1000 on a second network" if run["n_requested"] > 1000 else
        ", one bridge: under the kernel's 1024 ports"))
    md.append("")
    if run.get("errors"):
        md.append("Start errors: " + "; ".join("#%d rc %d: %s" % (x["i"], x["rc"], x["stderr"])
                                               for x in run["errors"]))
        md.append("")

    def window(center, half=5):
        lo, hi = max(0, center - half), min(len(st), center + half)
        return statistics.median(st[lo:hi]) if st[lo:hi] else None

    md.append("| start # | per-start median ms (±5 starts) |")
    md.append("| --- | --- |")
    points = [p for p in (1, 100, 500, 1000) if p <= len(st)]
    if len(st) not in points and st:
        points.append(len(st))
    vals = {}
    for p in points:
        vals[p] = st[0] if p == 1 else window(p - 1)
        md.append("| %d | %s |" % (p, ms(vals[p])))
    md.append("")
    if st:
        md.append("All starts: median %s ms, min %s, max %s." % (
            ms(statistics.median(st)), ms(min(st)), ms(max(st))))
        md.append("")
    md.append("Monitors alive at N=%d: %d, VmRSS avg %s KiB (sum %s KiB), PSS avg %s KiB." % (
        run["n_started"], run["monitors"], run["monitor_rss_kib_avg"],
        run["monitor_rss_kib_sum"], run["monitor_pss_kib_avg"]))
    md.append("")
    rt = run.get("rm_ms") or []
    md.append("`brig rm -f` of each of the %d, one after another: %s ms in all (%s ms per "
              "container; the first 10 median %s ms, the last 10 %s ms), exit %s%s." % (
                  run["n_started"], ms(run["rm_all_ms"]),
                  ms(run["rm_all_ms"] / run["n_started"]) if run["n_started"] else "—",
                  ms(statistics.median(rt[:10])) if rt else "—",
                  ms(statistics.median(rt[-10:])) if rt else "—", run["rm_rc"],
                  (": " + run["rm_stderr"]) if run["rm_stderr"] else ""))
    md.append("")
    left = c.get("leftover", {})
    md.append("Left behind after removal: %s." % ", ".join(
        "%s %s" % (k, v) for k, v in left.items()))
    md.append("")
    if len(st) > 1:
        first = statistics.median(st[:10])
        last = statistics.median(st[-10:])
        target("the last starts within 1.2x of the first (median of 10 each, N=%d)" % len(st),
               last <= first * 1.2, "%s → %s ms (%s)" % (ms(first), ms(last), fr(last / first)))
    rt = run.get("rm_ms") or []
    if len(rt) > 1:
        first = statistics.median(rt[:10])
        last = statistics.median(rt[-10:])
        # the first removals run with N containers up, the last with one:
        # flat means the first cost no more than 1.2x the last
        target("rm -f flat: a removal with N up within 1.2x of one with 1 up (median of 10 each)",
               first <= last * 1.2, "%s (N up) vs %s ms (1 up): %s" % (ms(first), ms(last),
                                                                    fr(first / last)))
    target("removing all leaves nothing", all(
        left.get(k) == 0 for k in ("vb_links", "leases", "state_dirs", "cgroup_dirs",
                                   "brig_processes")), "see above")
    avg = run["monitor_rss_kib_avg"]
    pss = run["monitor_pss_kib_avg"]
    target("monitor RSS < 1 MiB and PSS < 300 KiB",
           None if avg is None or pss is None else avg < 1024 and pss < 300,
           "%s KiB RSS, %s KiB PSS" % (avg, pss))
else:
    md.append("scale bench failed: %s" % (c or {}).get("failed", "no output"))
    md.append("")

# --- lab
lb = doc["lab"]
md.append("## A lab at scale (`brig lab up` / `lab down` of a chain, against Mininet)")
md.append("")
if lb and "times" in lb:
    t = lb["times"]
    b, m = t["brig"], t["mininet"]
    med_ = lambda v: statistics.median(v) if v else None
    s_ = lambda x: "-" if x is None else "%.2f s" % x
    bu, bd, mu, mdn = med_(b["up_s"]), med_(b["down_s"]), med_(m["up_s"]), med_(m["down_s"])
    md.append("%d linux nodes (busybox) in a chain of %d links plus the management network; "
              "Mininet: `mn --topo linear,%d --switch lxbr` (%d hosts, %d Linux bridges, %d links). "
              "Median of %d runs each." % (t["nodes"], t["links"], t["nodes"], t["nodes"],
                                           t["nodes"], 2 * t["nodes"] - 1, len(b["up_s"])))
    md.append("")
    md.append("| | up | down |")
    md.append("| --- | --- | --- |")
    md.append("| brig lab up / down | %s | %s |" % (s_(bu), s_(bd)))
    if mu is not None:
        md.append("| Mininet linear,%d (Linux bridges) | %s | %s |" % (t["nodes"], s_(mu), s_(mdn)))
    else:
        md.append("| Mininet | not run: %s | |" % lb.get("not_run", {}).get("mininet", "?"))
    md.append("| containerlab, 306 nodes on 16 cores (its published figure, not run here) "
              "| 39 s | 37 s |")
    md.append("")
    if mu is not None:
        md.append("brig / Mininet: up **%s**, down **%s**." % (fr(ratio(bu, mu)), fr(ratio(bd, mdn))))
        md.append("")
    md.append("Left after each down: %s." % "; ".join(b["left"]))
    md.append("")
    target("%d-node lab up in under 10 s" % t["nodes"], None if bu is None else bu < 10, s_(bu))
    target("%d-node lab down in under 5 s" % t["nodes"], None if bd is None else bd < 5, s_(bd))
    target("lab down leaves nothing", all(x.startswith("0 links, 0 containers, 0 labs")
                                          for x in b["left"]), "; ".join(b["left"]))
else:
    md.append("lab bench failed: %s" % (lb or {}).get("failed", "no output"))
    md.append("")

# --- relay (issue 13's user engine; only when BENCH_ONLY names it)
rl = doc["relay"]
if rl and "relay_median" in rl:
    md.append("## Impairment relay, no impairment (iperf3 TCP, bench-relay.sh)")
    md.append("")
    md.append("| path | Gbit/s (median) | runs |")
    md.append("| --- | --- | --- |")
    md.append("| plain veth pair | %.2f | %s |" % (rl["plain_median"], ", ".join("%.2f" % x for x in rl["plain_gbps"])))
    md.append("| through the relay | %.2f | %s |" % (rl["relay_median"], ", ".join("%.2f" % x for x in rl["relay_gbps"])))
    md.append("")
    target("relay passes >= 1 Gbit/s of TCP with no impairment", rl["relay_median"] >= 1.0,
           "%.2f Gbit/s (%.2f of plain)" % (rl["relay_median"], rl["ratio"] or 0))
elif rl:
    md.append("relay bench failed: %s" % rl.get("failed", "no output"))
# --- perf (bench-perf.sh)
pf = doc["perf"]
if pf and pf.get("results"):
    r = pf["results"]
    md.append("## `brig lab perf` against iperf3 (TCP, two containers on one bridge)")
    md.append("")
    md.append("| tool | Gbit/s (median) | runs |")
    md.append("| --- | --- | --- |")
    for k in ("brig", "iperf3"):
        if k in r:
            md.append("| %s | %.2f | %s |" % (k, r[k]["gbit_s_median"],
                                          ", ".join("%.2f" % x for x in r[k]["gbit_s"])))
    md.append("")
    if "ratio" in r:
        target("brig lab perf within 20% of iperf3", abs(r["ratio"] - 1) <= 0.2, fr(r["ratio"]))
elif pf:
    md.append("perf bench: %s" % (pf.get("failed") or pf.get("not_run") or "no output"))
    md.append("")

# --- ports (bench-ports.sh, issue 15)
po = (doc["ports"] or {}).get("run")
if po:
    md.append("## Published ports at scale (`run -d -p`, one after another)")
    md.append("")
    md.append("| containers | first start | median | last start | max | rules before -> after | elements | after rm -f |")
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    md.append("| %d | %d ms | %s ms | %d ms | %d ms | %d -> %d | %d | %d |" % (
        po["containers"], po["first_ms"], po["median_ms"], po["last_ms"], po["max_ms"],
        po["rules_before"], po["rules_after"], po["elements"], po["elements_after_rm"]))
    md.append("")
    target("publishing: the last start within 1.5x of the first, no rule added",
           po["last_ms"] <= 1.5 * po["first_ms"] and po["rules_before"] == po["rules_after"],
           "%d -> %d ms, rules %d -> %d" % (po["first_ms"], po["last_ms"], po["rules_before"],
                                            po["rules_after"]))
elif doc["ports"]:
    md.append("ports bench: %s" % (doc["ports"].get("failed") or doc["ports"].get("not_run") or "no output"))
    md.append("")

# --- api (bench-api.sh, issues 16 and 18: brig serve)
ap = doc["api"]
if ap and "times" in ap:
    info = ap.get("info") or {}
    net = info.get("network", "default")
    md.append("## Daemon: Docker Engine API (`run --rm busybox true`, wall clock)")
    md.append("")
    md.append("Network mode of all rows: %s." % ("the default bridge" if net == "default" else net))
    md.append("")
    names = ["docker_floor", "brig_direct", "brig_detached", "brig_api_raw", "brig_api_docker",
             "baseline_api_raw", "baseline_api_docker", "podman_api_raw", "podman_api_docker"]
    names = [n_ for n_ in names if not n_.startswith("baseline") or n_ in ap["times"]]
    labels = {"docker_floor": "docker --version (the docker CLI's own start, no request)",
              "brig_direct": "brig run --rm (direct, no daemon)",
              "brig_detached": "sh: brig run -d; brig wait; brig rm (the daemon's detached path, no HTTP)",
              "brig_api_raw": "API client -> brig serve (create --rm, wait removed, start)",
              "brig_api_docker": "docker run --rm -> brig serve",
              "podman_api_raw": "API client -> podman system service (create --rm, wait removed, start)",
              "podman_api_docker": "docker run --rm -> podman system service",
              "baseline_api_raw": "API client -> baseline brig serve (BENCH_BASELINE)",
              "baseline_api_docker": "docker run --rm -> baseline brig serve (BENCH_BASELINE)",
              "docker": "docker CLI", "podman": "podman system service"}
    timing_table(ap, names, labels, ["brig_direct", "brig_api_docker"])
    t = ap["times"]
    bd, br, bk = med(t, "brig_direct"), med(t, "brig_api_raw"), med(t, "brig_api_docker")
    pr, pk = med(t, "podman_api_raw"), med(t, "podman_api_docker")

    def diff(a, b):
        return None if a is None or b is None else a - b
    md.append("API overhead (API client via brig serve − brig run direct): **%s ms**; "
              "docker CLI via brig serve − brig run direct: %s ms (of which the docker CLI "
              "itself, docker − API client: %s ms).  podman / brig: docker CLI **%s**, "
              "API client %s." % (ms(diff(br, bd)), ms(diff(bk, bd)), ms(diff(bk, br)),
                                  fr(ratio(pk, bk)), fr(ratio(pr, br))))
    md.append("")
    if "baseline_api_docker" in t:
        md.append("Baseline (BENCH_BASELINE's daemon, same root, interleaved): docker CLI %s ms "
                  "(podman / baseline %s), API client %s ms." % (
                      ms(med(t, "baseline_api_docker")), fr(ratio(pk, med(t, "baseline_api_docker"))),
                      ms(med(t, "baseline_api_raw"))))
        md.append("")
    bt = med(t, "brig_detached")
    md.append("Of the API overhead, the detached path (brig run -d, wait, rm through the CLI − "
              "brig run --rm): %s ms; the HTTP layer (API client − that path, which also pays a "
              "shell and three brig starts): %s ms." % (ms(diff(bt, bd)), ms(diff(br, bt))))
    md.append("")
    st = info.get("strace_top") or []
    if st:
        tot = info.get("strace_total") or {}
        md.append("`strace -f -c` of brig serve and the monitors it forks over %d API-client "
                  "runs (%s syscalls, %s s in syscalls); top by time: %s." % (
                      info.get("strace_runs", 0), tot.get("calls", "?"), tot.get("seconds", "?"),
                      ", ".join("%s %d× %.3f s" % (x["syscall"], x["calls"], x["seconds"])
                                for x in st[:6])))
        md.append("")
    if info.get("events_bytes") is not None:
        md.append("Events history at the end (what each wait replays from its start): %.0f KiB."
                  % (info["events_bytes"] / 1024))
        md.append("")
    for n_ in info.get("notes") or []:
        md.append("Note: " + n_)
        md.append("")
    target("API overhead <= 3 ms (API client via brig serve − brig run direct)",
           None if diff(br, bd) is None else diff(br, bd) <= 3, ms(diff(br, bd)) + " ms")
    target("podman / brig >= 10 through the API (docker run --rm)",
           None if ratio(pk, bk) is None else ratio(pk, bk) >= 10,
           "%s (API client: %s)" % (fr(ratio(pk, bk)), fr(ratio(pr, br))))
elif ap:
    md.append("api bench: %s" % (ap.get("failed") or ap.get("not_run") or "no output"))
    md.append("")

md.append("## Targets")
md.append("")
md.append("| target | measured | |")
md.append("| --- | --- | --- |")
md.extend(targets)
md.append("")

with open(jpath, "w") as f:
    json.dump(doc, f, indent=1)
with open(mpath, "w") as f:
    f.write("\n".join(md))
