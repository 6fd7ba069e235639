/* driver.h - private to cgroup/: the host layout found by detect.c and the
 * operation table each driver (v1.c, v2.c) fills.  Not for src/.
 */
#ifndef BRIG_CGROUP_DRIVER_H
#define BRIG_CGROUP_DRIVER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "err.h"

/* The controllers brig uses, as bits of a mask. */
/* CG_DEVICES: the devices controller on v1; on v2 no controller but a BPF
 * program, which any cgroup2 directory takes (devices.c). */
enum cg_ctrl { CG_MEMORY, CG_CPU, CG_CPUACCT, CG_CPUSET, CG_PIDS, CG_DEVICES, CG_NCTRL };
#define CG_BIT(c) (1u << (c))

extern const char *const cg_ctrl_names[CG_NCTRL];

enum cg_mode { CG_MODE_NONE, CG_MODE_V1, CG_MODE_V2, CG_MODE_HYBRID };

/* What cgroup_detect() found.  Mount points already carry root_prefix. */
struct cg_host {
	bool detected;
	enum cg_mode mode;
	char v2_mount[PATH_MAX];	   /* "" when no cgroup2 mount */
	unsigned v2_ctrls;		   /* ours listed in the root cgroup.controllers */
	char v1_mount[CG_NCTRL][PATH_MAX]; /* "" when the controller is not on v1 */
	char self_v2[PATH_MAX];		   /* this process, from /proc/self/cgroup */
	char self_v1[CG_NCTRL][PATH_MAX];
};

extern struct cg_host cg_host;

/* One hierarchy's directory for one container. */
struct cg_dir {
	const struct cgroup_ops *ops;
	char mount[PATH_MAX]; /* hierarchy root */
	char path[PATH_MAX];  /* mount/parent/id */
	unsigned ctrls;	      /* controllers this directory serves (CG_BIT mask) */
	unsigned enable;      /* v2: controllers create() turns on down the tree */
	bool emulate;	      /* not a cgroupfs (a test's fake tree): see cg_write() */
};

/* A driver.  create() makes every missing level of mount/parent/id ready for
 * the limits l (v2: enable controllers; v1: seed cpuset) and fails before
 * any mkdir when l cannot be honoured; set_limits() writes the limits that
 * belong to d->ctrls; enter_self() moves the calling process (see
 * cgroup_enter_self); stats() adds what d->ctrls can tell to *st; destroy()
 * removes d->path (absent is success). */
struct cgroup_ops {
	int (*create)(struct cg_dir *d, const char *parent, const struct cgroup_limits *l,
		      struct brig_err *e);
	int (*enter)(struct cg_dir *d, pid_t pid, struct brig_err *e);
	int (*enter_self)(struct cg_dir *d, struct brig_err *e);
	int (*set_limits)(struct cg_dir *d, const struct cgroup_limits *l, struct brig_err *e);
	int (*stats)(struct cg_dir *d, struct cgroup_stats *st, struct brig_err *e);
	int (*destroy)(struct cg_dir *d, struct brig_err *e);
};

extern const struct cgroup_ops cg_v1_ops;
extern const struct cgroup_ops cg_v2_ops;

/* Shared helpers (cgroup.c). */

/* Write the string s to dir/name ("write <path>: <why>" on failure). */
int cg_write(const struct cg_dir *d, const char *dir, const char *name, const char *s,
	     struct brig_err *e);
/* pids.max and cpuset.cpus: the same files and values in v1 and v2. */
int cg_write_pids_cpuset(const struct cg_dir *d, const struct cgroup_limits *l,
			 struct brig_err *e);
/* Read dir/name into buf (NUL-terminated, trailing newline kept). Returns
 * the length, or -ENOENT quietly filled in e when absent. */
int cg_read(const char *dir, const char *name, char *buf, size_t len, struct brig_err *e);
/* Read one unsigned number; "max" reads as UINT64_MAX. */
int cg_read_u64(const char *dir, const char *name, uint64_t *v, struct brig_err *e);
/* Find "key N" in a flat-keyed file (memory.events, cpu.stat, oom_control). */
int cg_parse_keyed(const char *text, const char *key, uint64_t *v);
/* mkdir every missing level of mount/rel; calls fn(d, dir, parentdir) for
 * each level newly made or already there, root excluded, when fn != NULL. */
int cg_mkdir_levels(struct cg_dir *d, const char *rel,
		    int (*fn)(struct cg_dir *d, const char *dir, const char *up, bool made,
			      struct brig_err *e),
		    struct brig_err *e);
/* rmdir with a bounded retry on EBUSY; absent is success. */
int cg_rmdir(const struct cg_dir *d, const char *path, struct brig_err *e);

/* Device access (devices.c). */

/* One rule of a device policy, as the v1 devices.allow line
 * "TYPE MAJOR:MINOR ACCESS": type 'a' (all), 'b' or 'c'; major and minor
 * -1 for any ("*"); access a subset of "rwm". */
struct cg_dev_rule {
	char type;
	int major, minor;
	const char *access;
};

/* Docker's default: mknod of any node, read/write of the standard nodes. */
extern const struct cg_dev_rule cg_dev_default[];
extern const size_t cg_dev_ndefault;

/* r as a devices.allow line into buf; its length, or -ENAMETOOLONG. */
int cg_dev_rule_text(const struct cg_dev_rule *r, char *buf, size_t len);

/* At most this many instructions for a program of n rules (cg_dev_prog). */
#define CG_DEV_PROG_LEN(n) ((n) * 8 + 8)

struct bpf_insn;
/* The BPF_PROG_TYPE_CGROUP_DEVICE program allowing exactly rules[0..n)
 * (returns 1 for an access one rule allows, else 0) into out, which holds
 * CG_DEV_PROG_LEN(n) instructions; returns how many it wrote. */
size_t cg_dev_prog(const struct cg_dev_rule *rules, size_t n, struct bpf_insn *out);

/* v1: write the default policy (all: every device) into d's devices.deny
 * and devices.allow. */
int cg_v1_devices(struct cg_dir *d, bool all, struct brig_err *e);

/* v2: attach the default policy's program to d->path (all: nothing, which
 * is every device; nothing either on a test's fake tree). */
int cg_v2_devices(struct cg_dir *d, bool all, struct brig_err *e);

#endif
