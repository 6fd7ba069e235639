/* stats.h - one sample of a container's resource use (`brig stats`, the
 * API's /containers/ID/stats).  Rates (CPU %) come from two samples: the
 * front end does the timing and the arithmetic. */
#ifndef BRIG_STATS_H
#define BRIG_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "util.h"

struct container_stats {
	char id[BRIG_ID_LEN + 1];
	char name[64];
	bool running;
	uint64_t cpu_ns;    /* CPU time used, all CPUs */
	uint64_t mem;       /* memory in use, bytes */
	uint64_t mem_limit; /* 0: no limit */
	uint64_t pids;
	uint64_t net_rx, net_tx; /* bytes the container received / sent */
	int64_t at_ns;           /* when taken, CLOCK_MONOTONIC */
};

/* Sample container id (a full id).  A container that is not running, or
 * whose cgroup is already gone, reads as zeros. */
int container_stats_sample(const struct brig_ctx *c, const char *id, struct container_stats *s,
			   struct brig_err *e);

/* MemTotal of a meminfo file (NULL: /proc/meminfo) in bytes; 0 if
 * unreadable. */
uint64_t stats_host_memory(const char *meminfo);

#endif
