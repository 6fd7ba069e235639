/* cgroup.h - one interface over cgroup v2, v1 and hybrid hosts.
 *
 * cgroup_detect() reads mountinfo and /proc/self/cgroup once and records,
 * per controller, which hierarchy holds it; the v1 and v2 drivers (v1.c,
 * v2.c) fill a struct cgroup_ops that cgroup.c dispatches through.  Nothing
 * here prints.  Every function returns >= 0 or a negative errno and fills *e.
 */
#ifndef BRIG_CGROUP_H
#define BRIG_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Limits requested on `brig run`; 0 / "" means "not set". */
struct cgroup_limits {
	int64_t memory;       /* bytes */
	int64_t memory_swap;  /* bytes, memory+swap as Docker's --memory-swap; -1 unlimited */
	uint64_t cpu_quota;   /* us per period (--cpus N => N*period) */
	uint64_t cpu_period;  /* us, default 100000 */
	uint64_t cpu_shares;  /* v1 shares 2..262144; v2 weight derived from it */
	int64_t pids;         /* max tasks */
	char cpuset[256];     /* validated list, e.g. "0-1,3" */
	bool all_devices;     /* every device (--privileged); else Docker's
			       * default: only the standard nodes open */
};

struct cgroup_stats {
	uint64_t cpu_usage_ns;
	uint64_t memory_usage;
	uint64_t memory_limit; /* 0 = unlimited */
	uint64_t pids;
	bool oom_killed;
};

struct cgroup; /* one container's cgroup, opaque */

/* Detect the host layout.  The paths are for tests (NULL = the real
 * /proc/self/mountinfo and /proc/self/cgroup); root_prefix is prepended to
 * every mount point found (NULL = none), so a fake tree in a temp dir works. */
int cgroup_detect(const char *mountinfo, const char *proc_cgroup, const char *root_prefix,
		  struct brig_err *e);

/* "v2", "v1" or "hybrid" after cgroup_detect(). */
const char *cgroup_mode(void);

/* Create the cgroup parent/id (parent default "brig") in every hierarchy
 * brig uses, enabling controllers on the way down (v2 subtree_control),
 * and write the limits.  On failure nothing is left behind. */
int cgroup_create(const char *parent, const char *id, const struct cgroup_limits *l,
		  struct cgroup **out, struct brig_err *e);

/* Open an existing container cgroup (for stats, exec, cleanup).  Only
 * computes the paths: a cgroup already gone still opens, so cleanup can
 * call cgroup_destroy() (absent is success); cgroup_stats() on it fails
 * with ENOENT. */
int cgroup_open(const char *parent, const char *id, struct cgroup **out, struct brig_err *e);

/* Move pid into the cgroup (every hierarchy). */
int cgroup_enter(struct cgroup *cg, pid_t pid, struct brig_err *e);

/* Move the calling process into the cgroup (every hierarchy, the cgroup2
 * directory skipped when v2_done: the caller was born there by
 * clone3(CLONE_INTO_CGROUP), see cgroup_clone_fd).  The caller must be
 * single-threaded and privileged over the cgroup files (not in a new user
 * namespace).  Unlike cgroup_enter() of a pid, it costs no RCU grace period
 * on v1 (v1.c). */
int cgroup_enter_self(struct cgroup *cg, bool v2_done, struct brig_err *e);

/* An O_DIRECTORY fd of the cgroup2 directory, for clone3's
 * CLONE_INTO_CGROUP (a child born there skips the cgroup.procs write and
 * the global lock it takes).  -ENOENT when cg has none (v1 host, a test's
 * fake tree). */
int cgroup_clone_fd(const struct cgroup *cg, struct brig_err *e);

/* Read usage and the OOM-kill flag. */
int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, struct brig_err *e);

/* Remove the cgroup directories (killing nothing; they must be empty).
 * Absent is success.  Retries briefly while the kernel drains tasks. */
int cgroup_destroy(struct cgroup *cg, struct brig_err *e);

void cgroup_free(struct cgroup *cg);

/* Parse and validate a cpuset list against the host's online CPUs
 * (ncpus); canonical form into out. */
int cgroup_parse_cpuset(const char *s, int ncpus, char *out, size_t outlen, struct brig_err *e);

/* Remove the shared parent directories (e.g. "brig", or "a/b" then "a") in
 * every hierarchy, deepest first, stopping quietly at the first one still
 * holding a child cgroup.  For `brig system reset` and tests; containers
 * never call it.  Returns the number of directories removed. */
int cgroup_remove_parent(const char *parent, struct brig_err *e);

/* The directory of cg in the hierarchy holding controller ("memory", "cpu",
 * "cpuacct", "cpuset", "pids"), or with NULL the cgroup2 directory (hybrid
 * and v2 hosts).  NULL when there is none.  Valid until cgroup_free(). */
const char *cgroup_path(const struct cgroup *cg, const char *controller);

#endif
