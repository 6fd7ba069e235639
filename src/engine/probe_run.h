/* probe_run.h - brig's own probes (net/probe.h) run in a container's
 * network namespace through a helper (nsexec.h): the shared pieces of `lab
 * pingall`, `lab perf` and `compare`, so no image needs ping or iperf3. */
#ifndef BRIG_PROBE_RUN_H
#define BRIG_PROBE_RUN_H

#include <stddef.h>

#include "ctx.h"
#include "err.h"
#include "nsexec.h"
#include "probe.h"

/* The helper function that lists the namespace's IPv4 addresses (one
 * frame of struct probe_addr), for callers that start many at once. */
int probe_run_list_addrs(void *arg, struct nsexec_reply *r, struct brig_err *e);

/* The IPv4 addresses of container ref's interfaces but the loopback's;
 * *v malloc'd (NULL when *n is 0). */
int probe_run_addrs(const struct brig_ctx *c, const char *ref, struct probe_addr **v, size_t *n,
		    struct brig_err *e);

/* Throughput from container tx to container rx (refs; names say them in
 * errors): a receiver in rx's namespace on o->addr (o->port is set to the
 * port it bound), then a sender in tx's.  *rxr gets what the receiver
 * counted, *txr what the sender saw (TCP: retransmits, RTT). */
int probe_run_perf(const struct brig_ctx *c, const char *rx, const char *tx,
		   struct probe_perf_opts *o, struct probe_perf_result *rxr,
		   struct probe_perf_result *txr, struct brig_err *e);

#endif
