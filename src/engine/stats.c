/* stats.c - a container's resource use from its cgroup and, for the
 * network, the host ends of its veths. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "container.h"
#include "link.h"
#include "state.h"
#include "rootless_ctl.h"
#include "stats.h"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t stats_host_memory(const char *meminfo)
{
	cleanup_fclose FILE *f = fopen(meminfo ? meminfo : "/proc/meminfo", "re");
	char line[256];
	unsigned long long kb;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			return (uint64_t)kb * 1024;
	return 0;
}

/* Sum the container's traffic over its veths.  The counters are read on
 * the host end, so what the host end receives the container sent. */
static void sample_net(const struct container_state *st, struct container_stats *s)
{
	struct brig_err ignore;

	for (size_t i = 0; i < st->n_nets; i++) {
		const char *ifname = st->nets[i].host_interface;
		uint64_t rx = 0, tx = 0;
		if (*ifname && net_link_stats(ifname, &rx, &tx, &ignore) == 0) {
			s->net_rx += tx;
			s->net_tx += rx;
		}
	}
}

/* A cgroup already gone (the container just exited) reads as zeros. */
static int sample_cgroup(const char *parent, const char *id, struct container_stats *s,
			 struct brig_err *e)
{
	struct cgroup_stats cs = { 0 };
	struct cgroup *cg = NULL;
	struct brig_err ignore;

	if (rootless_no_cgroup()) /* none of its own: no numbers */
		return 0;
	if (container_cgroups_ready(e) < 0 || cgroup_open(parent, id, &cg, e) < 0)
		return brig_err_ctx(e, "container %.12s", id);
	if (cgroup_stats(cg, &cs, &ignore) < 0)
		memset(&cs, 0, sizeof(cs));
	cgroup_free(cg);
	s->cpu_ns = cs.cpu_usage_ns;
	s->mem = cs.memory_usage;
	s->mem_limit = cs.memory_limit;
	s->pids = cs.pids;
	return 0;
}

int container_stats_sample(const struct brig_ctx *c, const char *id, struct container_stats *s,
			   struct brig_err *e)
{
	struct container_spec cfg;
	struct container_state st;
	int r = 0;

	memset(s, 0, sizeof(*s));
	if (state_load(c, id, &cfg, &st, e) < 0)
		return -e->code;
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->name, sizeof(s->name), "%s", cfg.name);
	s->running = strcmp(container_status(&st), "running") == 0;
	if (s->running)
		r = sample_cgroup(cfg.cgroup_parent, id, s, e);
	spec_free(&cfg);
	if (r < 0)
		return r;
	sample_net(&st, s);
	s->at_ns = mono_ns();
	return 0;
}
