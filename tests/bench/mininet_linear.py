#!/usr/bin/python3
"""mininet_linear.py N OUT.json - Mininet's `mn --topo linear,N` on Linux
bridges (--switch lxbr, no controller), timed in two parts: build and start
(hosts in their network namespaces, switches, links, addresses), then stop.
Run inside the bench sandbox: Mininet's bridges and veths stay there."""
import json
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import LinearTopo

n, out = int(sys.argv[1]), sys.argv[2]
setLogLevel("warning")
t0 = time.monotonic()
net = Mininet(topo=LinearTopo(k=n), switch=LinuxBridge, controller=None)
net.start()
t1 = time.monotonic()
net.stop()
t2 = time.monotonic()
with open(out, "w") as fh:
    json.dump({"up_s": t1 - t0, "down_s": t2 - t1, "hosts": n, "switches": n,
               "links": 2 * n - 1}, fh)
