/* v1.c - the legacy cgroup driver: one hierarchy per controller (or per
 * co-mounted group, e.g. cpu,cpuacct), each with its own directory.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "driver.h"

/* memory.limit_in_bytes reads back as PAGE_COUNTER_MAX pages (about 2^63)
 * when unlimited; anything that large means "no limit". */
#define V1_UNLIMITED (UINT64_C(1) << 62)

static bool blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems and
 * refuses tasks until both are set: copy them down from the level above
 * into every level that has none yet (brig's parent included). */
/* brig's own level (mount/brig) hands its cpus and mems to every new
 * child itself (cpuset's cgroup.clone_children): a container's directory
 * is born seeded, without two reads and two writes per start (the
 * cpuset.cpus write alone took 0.25-0.7 ms).  Never set on the host's
 * root or on a --cgroup-parent someone else owns. */
static void clone_down(struct cg_dir *d, const char *up)
{
	char own[PATH_MAX];
	struct brig_err ignore;

	if ((size_t)snprintf(own, sizeof(own), "%s/brig", d->mount) < sizeof(own) &&
	    strcmp(up, own) == 0)
		cg_write(d, up, "cgroup.clone_children", "1", &ignore);
}

static int seed_cpuset(struct cg_dir *d, const char *dir, const char *up, bool made,
		       struct brig_err *e)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	char cur[4096], val[4096];
	int r;

	(void)made;
	if (!(d->ctrls & CG_BIT(CG_CPUSET)))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		r = cg_read(dir, files[i], cur, sizeof(cur), e);
		if (r >= 0 && !blank(cur))
			continue;
		if (i == 0)
			clone_down(d, up);
		if (r < 0 && r != -ENOENT)
			return r;
		r = cg_read(up, files[i], val, sizeof(val), e);
		if (r < 0)
			return r;
		val[strcspn(val, "\n")] = '\0';
		if (blank(val))
			return brig_errf(e, EINVAL, "%s/%s is empty: cannot seed %s", up, files[i],
					 dir);
		r = cg_write(d, dir, files[i], val, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int v1_create(struct cg_dir *d, const char *parent, const struct cgroup_limits *l,
		     struct brig_err *e)
{
	char rel[PATH_MAX], memsw[PATH_MAX];

	if ((d->ctrls & CG_BIT(CG_MEMORY)) && l && l->memory_swap != 0) {
		/* The memsw files exist only with swap accounting on
		 * (CONFIG_MEMCG_SWAP, swapaccount=1); look at the root. */
		if ((size_t)snprintf(memsw, sizeof(memsw), "%s/memory.memsw.limit_in_bytes",
				     d->mount) >= sizeof(memsw))
			return brig_errf(e, ENAMETOOLONG, "cgroup path too long");
		if (access(memsw, F_OK) < 0)
			return brig_errf(e, EINVAL,
					 "memory+swap limit: swap accounting is not enabled on "
					 "this host (no %s)",
					 memsw);
	}
	/* d->path is mount/parent/id: make every level, seeding cpusets. */
	if ((size_t)snprintf(rel, sizeof(rel), "%s", d->path + strlen(d->mount)) >= sizeof(rel))
		return brig_errf(e, ENAMETOOLONG, "cgroup path too long");
	(void)parent;
	return cg_mkdir_levels(d, rel, seed_cpuset, e);
}

static int write_i64(struct cg_dir *d, const char *name, int64_t x, struct brig_err *e)
{
	char v[32];

	snprintf(v, sizeof(v), "%" PRId64, x);
	return cg_write(d, d->path, name, v, e);
}

static int v1_set_limits(struct cg_dir *d, const struct cgroup_limits *l, struct brig_err *e)
{
	int r;

	if (d->ctrls & CG_BIT(CG_MEMORY)) {
		/* limit before memsw: the kernel wants memsw >= limit. */
		if (l->memory > 0) {
			r = write_i64(d, "memory.limit_in_bytes", l->memory, e);
			if (r < 0)
				return r;
		}
		if (l->memory_swap > 0 || l->memory_swap == -1) {
			r = write_i64(d, "memory.memsw.limit_in_bytes", l->memory_swap, e);
			if (r < 0)
				return r;
		}
	}
	if (d->ctrls & CG_BIT(CG_CPU)) {
		/* Period first: the quota is checked against it. */
		if (l->cpu_quota) {
			r = write_i64(d, "cpu.cfs_period_us",
				      (int64_t)(l->cpu_period ? l->cpu_period : 100000), e);
			if (r < 0)
				return r;
			r = write_i64(d, "cpu.cfs_quota_us", (int64_t)l->cpu_quota, e);
			if (r < 0)
				return r;
		}
		if (l->cpu_shares) {
			r = write_i64(d, "cpu.shares", (int64_t)l->cpu_shares, e);
			if (r < 0)
				return r;
		}
	}
	if ((d->ctrls & CG_BIT(CG_DEVICES)) && (r = cg_v1_devices(d, l->all_devices, e)) < 0)
		return r;
	return cg_write_pids_cpuset(d, l, e);
}

static int v1_enter(struct cg_dir *d, pid_t pid, struct brig_err *e)
{
	return write_i64(d, "cgroup.procs", pid, e);
}

/* "0" in tasks moves the calling thread alone, which the kernel does
 * without its global threadgroup lock: the write side of that lock waits for
 * an RCU grace period (4-12 ms measured here), "PID" in cgroup.procs takes
 * it.  The caller is single-threaded, so its thread is the process. */
static int v1_enter_self(struct cg_dir *d, struct brig_err *e)
{
	return cg_write(d, d->path, "tasks", "0", e);
}

static int v1_stats(struct cg_dir *d, struct cgroup_stats *st, struct brig_err *e)
{
	char buf[4096];
	uint64_t v;
	int r;

	if (d->ctrls & CG_BIT(CG_CPUACCT)) {
		r = cg_read_u64(d->path, "cpuacct.usage", &v, e);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0)
			st->cpu_usage_ns = v;
	}
	if (d->ctrls & CG_BIT(CG_MEMORY)) {
		r = cg_read_u64(d->path, "memory.usage_in_bytes", &v, e);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0)
			st->memory_usage = v;
		r = cg_read_u64(d->path, "memory.limit_in_bytes", &v, e);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0)
			st->memory_limit = v >= V1_UNLIMITED ? 0 : v;
		/* oom_kill is in memory.oom_control since Linux 4.13; before,
		 * a hit limit (failcnt) is the best sign there is. */
		r = cg_read(d->path, "memory.oom_control", buf, sizeof(buf), e);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r >= 0 && cg_parse_keyed(buf, "oom_kill", &v) == 0) {
			st->oom_killed = v > 0;
		} else {
			r = cg_read_u64(d->path, "memory.failcnt", &v, e);
			if (r < 0 && r != -ENOENT)
				return r;
			st->oom_killed = r == 0 && v > 0;
		}
	}
	if (d->ctrls & CG_BIT(CG_PIDS)) {
		r = cg_read_u64(d->path, "pids.current", &v, e);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0)
			st->pids = v;
	}
	return 0;
}

static int v1_destroy(struct cg_dir *d, struct brig_err *e) { return cg_rmdir(d, d->path, e); }

const struct cgroup_ops cg_v1_ops = {
    .create = v1_create,
    .enter = v1_enter,
    .enter_self = v1_enter_self,
    .set_limits = v1_set_limits,
    .stats = v1_stats,
    .destroy = v1_destroy,
};
