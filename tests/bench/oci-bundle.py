#!/usr/bin/env python3
"""oci-bundle.py CONFIG ROOTFS ARG... - adapt a `crun spec`/`runc spec`
config.json in place: rootfs path, terminal off, args, rootless off (no user
namespace), a new network namespace, no cgroup namespace quirks."""
import json
import sys

path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(path) as f:
    c = json.load(f)
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = args
lin = c.setdefault("linux", {})
ns = [n for n in lin.get("namespaces", []) if n["type"] != "user"]
if not any(n["type"] == "network" for n in ns):
    ns.append({"type": "network"})
lin["namespaces"] = ns
lin.pop("uidMappings", None)
lin.pop("gidMappings", None)
with open(path, "w") as f:
    json.dump(c, f, indent=1)
