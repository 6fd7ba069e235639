/* v2.c - the cgroup2 driver (unified hierarchy).
 *
 * Pure v2 hosts: one directory carries every controller.  Hybrid hosts: the
 * unified tree has no controllers (v1 holds them) and the directory only
 * tracks the container's processes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "driver.h"

/* Controllers to switch on in cgroup.subtree_control, in this order.  Only
 * what brig reads or limits, and cpuset only when asked for: it costs the
 * kernel work on every CPU hotplug. */
static unsigned wanted(const struct cg_dir *d, const struct cgroup_limits *l)
{
	unsigned m = CG_BIT(CG_MEMORY) | CG_BIT(CG_CPU) | CG_BIT(CG_PIDS);

	if (l && l->cpuset[0])
		m |= CG_BIT(CG_CPUSET);
	return m & d->ctrls;
}

/* Is every controller in mask already listed in dir's subtree_control? */
static bool enabled(const char *dir, unsigned mask)
{
	char buf[512];
	unsigned have = 0;
	char *save = NULL;

	if (cg_read(dir, "cgroup.subtree_control", buf, sizeof(buf), NULL) < 0)
		return false;
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		for (int c = 0; c < CG_NCTRL; c++)
			if (strcmp(t, cg_ctrl_names[c]) == 0)
				have |= CG_BIT(c);
	return (have & mask) == mask;
}

static int enable(struct cg_dir *d, const char *dir, struct brig_err *e)
{
	static const enum cg_ctrl order[] = {CG_MEMORY, CG_CPU, CG_PIDS, CG_CPUSET};
	char buf[128] = "";
	size_t n = 0;

	/* Nothing to do, or already done (by systemd, an operator, another
	 * container): skip the write, which would need a level without
	 * processes of its own. */
	if (!d->enable || enabled(dir, d->enable))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (d->enable & CG_BIT(order[i]))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s+%s", n ? " " : "",
					      cg_ctrl_names[order[i]]);
	/* One write: the kernel applies the whole list or none of it. */
	return cg_write(d, dir, "cgroup.subtree_control", buf, e);
}

static int enable_level(struct cg_dir *d, const char *dir, const char *up, bool made,
			struct brig_err *e)
{
	(void)up;
	(void)made;
	return enable(d, dir, e);
}

static int v2_create(struct cg_dir *d, const char *parent, const struct cgroup_limits *l,
		     struct brig_err *e)
{
	char pdir[PATH_MAX];
	int r;

	d->enable = wanted(d, l);
	/* Every ancestor, root down to the parent, hands the controllers on;
	 * the container's own directory holds processes, so never its own
	 * subtree_control ("no internal processes"). */
	r = enable(d, d->mount, e);
	if (r < 0)
		return r;
	r = cg_mkdir_levels(d, parent, enable_level, e);
	if (r < 0)
		return r;
	if ((d->ctrls & CG_BIT(CG_MEMORY)) && l && l->memory_swap != 0) {
		if ((size_t)snprintf(pdir, sizeof(pdir), "%s/%s/memory.swap.max", d->mount,
				     parent) >= sizeof(pdir))
			return brig_errf(e, ENAMETOOLONG, "cgroup path too long");
		if (access(pdir, F_OK) < 0)
			return brig_errf(e, EINVAL,
					 "memory+swap limit: swap accounting is not enabled on "
					 "this host (no %s)",
					 pdir);
	}
	if (mkdir(d->path, 0755) < 0 && errno != EEXIST)
		return brig_errno(e, "mkdir %s", d->path);
	return 0;
}

static int v2_set_limits(struct cg_dir *d, const struct cgroup_limits *l, struct brig_err *e)
{
	char v[64];
	int r;

	if (d->ctrls & CG_BIT(CG_MEMORY)) {
		if (l->memory > 0) {
			snprintf(v, sizeof(v), "%" PRId64, l->memory);
			r = cg_write(d, d->path, "memory.max", v, e);
			if (r < 0)
				return r;
		}
		/* Docker's --memory-swap is memory+swap; v2 limits swap alone. */
		if (l->memory_swap > 0 || l->memory_swap == -1) {
			if (l->memory_swap > 0)
				snprintf(v, sizeof(v), "%" PRId64, l->memory_swap - l->memory);
			else
				snprintf(v, sizeof(v), "max");
			r = cg_write(d, d->path, "memory.swap.max", v, e);
			if (r < 0)
				return r;
		}
	}
	if (d->ctrls & CG_BIT(CG_CPU)) {
		if (l->cpu_quota) {
			snprintf(v, sizeof(v), "%" PRIu64 " %" PRIu64, l->cpu_quota,
				 l->cpu_period ? l->cpu_period : 100000);
			r = cg_write(d, d->path, "cpu.max", v, e);
			if (r < 0)
				return r;
		}
		if (l->cpu_shares) {
			/* The mapping runc and crun use: shares 2..262144 onto
			 * weight 1..10000. */
			snprintf(v, sizeof(v), "%" PRIu64,
				 1 + ((l->cpu_shares - 2) * 9999) / 262142);
			r = cg_write(d, d->path, "cpu.weight", v, e);
			if (r < 0)
				return r;
		}
	}
	if ((d->ctrls & CG_BIT(CG_DEVICES)) && (r = cg_v2_devices(d, l->all_devices, e)) < 0)
		return r;
	return cg_write_pids_cpuset(d, l, e);
}

static int v2_enter(struct cg_dir *d, pid_t pid, struct brig_err *e)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	return cg_write(d, d->path, "cgroup.procs", v, e);
}

/* cgroup2 moves single threads only within a threaded subtree: the whole
 * process moves, under the global lock.  spawn.c avoids this with
 * clone3(CLONE_INTO_CGROUP) where the kernel has it (cgroup_clone_fd). */
static int v2_enter_self(struct cg_dir *d, struct brig_err *e)
{
	return cg_write(d, d->path, "cgroup.procs", "0", e);
}

/* A missing file means the controller is off here: report zero. */
static int soft(int r) { return r == -ENOENT ? 0 : r; }

static int v2_stats(struct cg_dir *d, struct cgroup_stats *st, struct brig_err *e)
{
	char buf[4096];
	uint64_t v;
	int r;

	if (d->ctrls & CG_BIT(CG_CPUACCT)) {
		r = cg_read(d->path, "cpu.stat", buf, sizeof(buf), e);
		if (r >= 0 && cg_parse_keyed(buf, "usage_usec", &v) == 0)
			st->cpu_usage_ns = v * 1000;
		else if (soft(r) < 0)
			return r;
	}
	if (d->ctrls & CG_BIT(CG_MEMORY)) {
		r = cg_read_u64(d->path, "memory.current", &v, e);
		if (r == 0)
			st->memory_usage = v;
		else if (soft(r) < 0)
			return r;
		r = cg_read_u64(d->path, "memory.max", &v, e);
		if (r == 0)
			st->memory_limit = v == UINT64_MAX ? 0 : v;
		else if (soft(r) < 0)
			return r;
		r = cg_read(d->path, "memory.events", buf, sizeof(buf), e);
		if (r >= 0 && cg_parse_keyed(buf, "oom_kill", &v) == 0)
			st->oom_killed = v > 0;
		else if (soft(r) < 0)
			return r;
	}
	if (d->ctrls & CG_BIT(CG_PIDS)) {
		r = cg_read_u64(d->path, "pids.current", &v, e);
		if (r == 0)
			st->pids = v;
		else if (soft(r) < 0)
			return r;
	}
	return 0;
}

static int v2_destroy(struct cg_dir *d, struct brig_err *e) { return cg_rmdir(d, d->path, e); }

const struct cgroup_ops cg_v2_ops = {
    .create = v2_create,
    .enter = v2_enter,
    .enter_self = v2_enter_self,
    .set_limits = v2_set_limits,
    .stats = v2_stats,
    .destroy = v2_destroy,
};
