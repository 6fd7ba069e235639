/* test_cgroup.c - the cgroup module on fake trees (pure v2, pure v1, hybrid)
 * built in a temp dir, plus one real run on this host when root.
 *
 * A fake tree is a plain directory: the test pre-creates the files the
 * kernel would already have (cgroup.controllers, the root's cpuset.cpus...),
 * and the driver creates the files it writes there (see cg_write()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "io.h"

struct fx {
	char dir[256]; /* the temp dir: fake root_prefix */
	char mi[300];  /* fake mountinfo */
	char pc[300];  /* fake /proc/self/cgroup */
};

/* ---- helpers ----------------------------------------------------------- */

static void put(const char *content, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(const char *content, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

/* Contents of a file with the trailing newline dropped; "<absent>" if none. */
static const char *get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *get(const char *fmt, ...)
{
	static char buf[4096];
	char path[1024];
	va_list ap;
	size_t n;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "re");
	if (!f)
		return "<absent>";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool exists(const char *fmt, ...)
{
	char path[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return access(path, F_OK) == 0;
}

static void mkdirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mkdirs(const char *fmt, ...)
{
	char path[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	(void)mkdir(path, 0755);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/brig-cgtest-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->mi, sizeof(fx->mi), "%s/mountinfo", fx->dir);
	snprintf(fx->pc, sizeof(fx->pc), "%s/proc-cgroup", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct brig_err e;

	remove_tree(fx->dir, &e);
	free(fx);
	return 0;
}

#define CG "%s/sys/fs/cgroup"

/* (a) pure v2, as on a systemd host with every controller. */
static void fake_v2(struct fx *fx, const char *controllers)
{
	put("22 1 0:21 / /sys rw - sysfs sysfs rw\n"
	    "30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
	    "cgroup2 "
	    "rw,nsdelegate,memory_recursiveprot\n",
	    "%s", fx->mi);
	put("0::/user.slice/user-0.slice/session-1.scope\n", "%s", fx->pc);
	mkdirs(CG, fx->dir);
	put(controllers, CG "/cgroup.controllers", fx->dir);
	put("", CG "/cgroup.subtree_control", fx->dir);
	put("", CG "/cgroup.procs", fx->dir);
}

/* (b) pure v1, cpu and cpuacct co-mounted, no cgroup2. */
static void fake_v1(struct fx *fx, bool memsw)
{
	put("30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
	    "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:7 - cgroup cgroup "
	    "rw,cpu,cpuacct\n"
	    "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	    "35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
	    "rw,xattr,name=systemd\n",
	    "%s", fx->mi);
	put("6:pids:/\n5:devices:/\n4:memory:/user.slice\n3:cpuset:/\n2:cpu,cpuacct:/\n"
	    "1:name=systemd:/\n",
	    "%s", fx->pc);
	mkdirs(CG "/cpu,cpuacct", fx->dir);
	mkdirs(CG "/memory", fx->dir);
	mkdirs(CG "/cpuset", fx->dir);
	mkdirs(CG "/pids", fx->dir);
	mkdirs(CG "/devices", fx->dir);
	put("0-3\n", CG "/cpuset/cpuset.cpus", fx->dir);
	put("0\n", CG "/cpuset/cpuset.mems", fx->dir);
	if (memsw)
		put("9223372036854771712\n", CG "/memory/memory.memsw.limit_in_bytes", fx->dir);
}

/* (c) this VM: every controller on v1, an empty cgroup2 at unified/. */
static void fake_hybrid(struct fx *fx)
{
	put("30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	    "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	    "35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
	    "%s", fx->mi);
	put("9:name=systemd:/\n8:pids:/\n4:memory:/process_api/14716da2aa2cddf0a41949104ac28c6c\n"
	    "3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n",
	    "%s", fx->pc);
	for (const char *const *c = (const char *const[]){"cpu", "cpuacct", "cpuset", "memory",
							  "pids", "devices", "unified", NULL};
	     *c; c++)
		mkdirs(CG "/%s", fx->dir, *c);
	put("0-1\n", CG "/cpuset/cpuset.cpus", fx->dir);
	put("0\n", CG "/cpuset/cpuset.mems", fx->dir);
	put("", CG "/unified/cgroup.controllers", fx->dir);
	put("", CG "/unified/cgroup.subtree_control", fx->dir);
}

static void detect(struct fx *fx)
{
	struct brig_err e = {0};
	int r = cgroup_detect(fx->mi, fx->pc, fx->dir, &e);

	if (r < 0)
		fail_msg("cgroup_detect: %s", e.msg);
}

static struct cgroup *create(const char *parent, const char *id, const struct cgroup_limits *l)
{
	struct brig_err e = {0};
	struct cgroup *cg = NULL;

	if (cgroup_create(parent, id, l, &cg, &e) < 0)
		fail_msg("cgroup_create: %s", e.msg);
	return cg;
}

/* ---- detection ---------------------------------------------------------- */

static void test_detect_v2(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg = NULL;
	char want[512];

	fake_v2(fx, "cpuset cpu io memory hugetlb pids rdma misc\n");
	detect(fx);
	assert_string_equal(cgroup_mode(), "v2");
	assert_int_equal(cgroup_open(NULL, "c1", &cg, &e), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/brig/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, NULL), want);
	for (const char *const *c = (const char *const[]){"memory", "cpu", "cpuset", "pids", NULL};
	     *c; c++)
		assert_string_equal(cgroup_path(cg, *c), want);
	cgroup_free(cg);
}

static void test_detect_v1(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg = NULL;
	char want[512];

	fake_v1(fx, true);
	detect(fx);
	assert_string_equal(cgroup_mode(), "v1");
	assert_int_equal(cgroup_open("/a/b", "c1", &cg, &e), 0);
	assert_null(cgroup_path(cg, NULL));
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/cpu,cpuacct/a/b/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, "cpu"), want);
	assert_string_equal(cgroup_path(cg, "cpuacct"), want);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/a/b/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, "memory"), want);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/pids/a/b/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, "pids"), want);
	cgroup_free(cg);
}

static void test_detect_hybrid(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg = NULL;
	char want[512];

	fake_hybrid(fx);
	detect(fx);
	assert_string_equal(cgroup_mode(), "hybrid");
	assert_int_equal(cgroup_open(NULL, "c1", &cg, &e), 0);
	/* Not under /process_api/...: brig's tree hangs off each root. */
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/brig/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, "memory"), want);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/cpuacct/brig/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, "cpuacct"), want);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/unified/brig/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, NULL), want);
	cgroup_free(cg);
}

static void test_detect_none(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};

	put("22 1 0:21 / /sys rw - sysfs sysfs rw\n", "%s", fx->mi);
	put("", "%s", fx->pc);
	assert_int_equal(cgroup_detect(fx->mi, fx->pc, fx->dir, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "no cgroup hierarchy"));
	assert_true(cgroup_detect("/nonexistent/mountinfo", fx->pc, NULL, &e) < 0);
	assert_non_null(strstr(e.msg, "/nonexistent/mountinfo"));
}

static void test_bad_names(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg = NULL;

	fake_v2(fx, "memory pids\n");
	detect(fx);
	assert_int_equal(cgroup_open("../etc", "c1", &cg, &e), -EINVAL);
	assert_int_equal(cgroup_open("a/./b", "c1", &cg, &e), -EINVAL);
	assert_int_equal(cgroup_open("brig", "x/y", &cg, &e), -EINVAL);
	assert_int_equal(cgroup_open("brig", "..", &cg, &e), -EINVAL);
	assert_int_equal(cgroup_open("brig", "", &cg, &e), -EINVAL);
}

/* ---- v2 ------------------------------------------------------------------ */

static void test_v2_create(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_limits l = {.memory = 64 << 20,
				  .cpu_quota = 50000,
				  .cpu_period = 100000,
				  .cpu_shares = 1024,
				  .pids = 10,
				  .cpuset = "0-1"};
	struct cgroup *cg;

	fake_v2(fx, "cpuset cpu io memory hugetlb pids rdma misc\n");
	detect(fx);
	cg = create("a/b", "c1", &l);
	/* Every ancestor from the root down to the parent, not the leaf. */
	assert_string_equal(get(CG "/cgroup.subtree_control", fx->dir),
			    "+memory +cpu +pids +cpuset");
	assert_string_equal(get(CG "/a/cgroup.subtree_control", fx->dir),
			    "+memory +cpu +pids +cpuset");
	assert_string_equal(get(CG "/a/b/cgroup.subtree_control", fx->dir),
			    "+memory +cpu +pids +cpuset");
	assert_false(exists(CG "/a/b/c1/cgroup.subtree_control", fx->dir));
	assert_string_equal(get(CG "/a/b/c1/memory.max", fx->dir), "67108864");
	assert_false(exists(CG "/a/b/c1/memory.swap.max", fx->dir));
	assert_string_equal(get(CG "/a/b/c1/cpu.max", fx->dir), "50000 100000");
	assert_string_equal(get(CG "/a/b/c1/cpu.weight", fx->dir), "39");
	assert_string_equal(get(CG "/a/b/c1/pids.max", fx->dir), "10");
	assert_string_equal(get(CG "/a/b/c1/cpuset.cpus", fx->dir), "0-1");

	assert_int_equal(cgroup_enter(cg, 4242, &e), 0);
	assert_string_equal(get(CG "/a/b/c1/cgroup.procs", fx->dir), "4242");

	assert_int_equal(cgroup_destroy(cg, &e), 0);
	assert_false(exists(CG "/a/b/c1", fx->dir));
	assert_true(exists(CG "/a/b", fx->dir));     /* shared parent stays */
	assert_int_equal(cgroup_destroy(cg, &e), 0); /* absent is success */
	cgroup_free(cg);
	assert_int_equal(cgroup_remove_parent("a/b", &e), 2);
	assert_false(exists(CG "/a", fx->dir));
	assert_true(exists(CG "/cgroup.controllers", fx->dir)); /* root untouched */
}

static void test_v2_only_available(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_limits l = {.memory = 1 << 20};
	struct cgroup *cg = NULL;

	fake_v2(fx, "io memory pids\n");
	detect(fx);
	cg = create(NULL, "c1", &l);
	/* cpu is not offered; cpuset is not needed. */
	assert_string_equal(get(CG "/cgroup.subtree_control", fx->dir), "+memory +pids");
	assert_string_equal(get(CG "/brig/cgroup.subtree_control", fx->dir), "+memory +pids");
	assert_false(exists(CG "/brig/c1/cpu.max", fx->dir));
	assert_false(exists(CG "/brig/c1/pids.max", fx->dir)); /* not requested */
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);

	/* A limit for a controller the host lacks is refused up front. */
	cg = NULL;
	l = (struct cgroup_limits){.cpu_quota = 50000};
	assert_int_equal(cgroup_create(NULL, "c2", &l, &cg, &e), -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "cpu"));
	assert_null(cg);
	assert_false(exists(CG "/brig/c2", fx->dir));
	assert_int_equal(cgroup_remove_parent(NULL, &e), 1);
}

/* Levels already handing the controllers on are left alone (systemd's
 * slices, or a --cgroup-parent with processes of its own). */
static void test_v2_already_enabled(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg;

	fake_v2(fx, "cpuset cpu io memory pids\n");
	put("cpuset cpu io memory pids\n", CG "/cgroup.subtree_control", fx->dir);
	mkdirs(CG "/brig", fx->dir);
	put("memory pids\n", CG "/brig/cgroup.subtree_control", fx->dir);
	detect(fx);
	cg = create(NULL, "c1", NULL);
	assert_string_equal(get(CG "/cgroup.subtree_control", fx->dir),
			    "cpuset cpu io memory pids");
	assert_string_equal(get(CG "/brig/cgroup.subtree_control", fx->dir), "+memory +cpu +pids");
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);
}

static void test_v2_swap(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_limits l = {.memory = 64 << 20, .memory_swap = 128 << 20};
	struct cgroup *cg = NULL;

	fake_v2(fx, "memory pids cpu\n");
	detect(fx);
	/* No swap accounting: the parent has no memory.swap.max. */
	assert_int_equal(cgroup_create(NULL, "c1", &l, &cg, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "swap accounting is not enabled on this host"));
	assert_false(exists(CG "/brig/c1", fx->dir));

	put("max\n", CG "/brig/memory.swap.max", fx->dir);
	cg = create(NULL, "c1", &l);
	assert_string_equal(get(CG "/brig/c1/memory.max", fx->dir), "67108864");
	assert_string_equal(get(CG "/brig/c1/memory.swap.max", fx->dir), "67108864");
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);

	l.memory_swap = -1;
	cg = create(NULL, "c2", &l);
	assert_string_equal(get(CG "/brig/c2/memory.swap.max", fx->dir), "max");
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);

	/* memory+swap below memory is nonsense. */
	l.memory_swap = 1 << 20;
	assert_int_equal(cgroup_create(NULL, "c3", &l, &cg, &e), -EINVAL);
	assert_false(exists(CG "/brig/c3", fx->dir));
}

static void test_v2_stats(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_stats st;
	struct cgroup *cg;

	fake_v2(fx, "cpu memory pids\n");
	detect(fx);
	cg = create(NULL, "c1", NULL);
	put("usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n", CG "/brig/c1/cpu.stat", fx->dir);
	put("1000\n", CG "/brig/c1/memory.current", fx->dir);
	put("max\n", CG "/brig/c1/memory.max", fx->dir);
	put("3\n", CG "/brig/c1/pids.current", fx->dir);
	put("low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n",
	    CG "/brig/c1/memory.events", fx->dir);
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_int_equal(st.cpu_usage_ns, 1500000);
	assert_int_equal(st.memory_usage, 1000);
	assert_int_equal(st.memory_limit, 0);
	assert_int_equal(st.pids, 3);
	assert_true(st.oom_killed);

	put("67108864\n", CG "/brig/c1/memory.max", fx->dir);
	put("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n", CG "/brig/c1/memory.events", fx->dir);
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_int_equal(st.memory_limit, 67108864);
	assert_false(st.oom_killed);

	put("garbage\n", CG "/brig/c1/memory.current", fx->dir);
	assert_true(cgroup_stats(cg, &st, &e) < 0);
	assert_non_null(strstr(e.msg, "memory.current"));
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	/* Gone: an error, not zeros. */
	assert_int_equal(cgroup_stats(cg, &st, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/brig/c1"));
	cgroup_free(cg);
}

/* ---- v1 ------------------------------------------------------------------ */

static void test_v1_create(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_limits l = {.memory = 64 << 20,
				  .memory_swap = 128 << 20,
				  .cpu_quota = 50000,
				  .cpu_shares = 512,
				  .pids = 10,
				  .cpuset = "1"};
	struct cgroup *cg;

	fake_v1(fx, true);
	detect(fx);
	cg = create("a/b", "c1", &l);
#define M CG "/memory/a/b/c1"
	assert_string_equal(get(M "/memory.limit_in_bytes", fx->dir), "67108864");
	assert_string_equal(get(M "/memory.memsw.limit_in_bytes", fx->dir), "134217728");
#define C CG "/cpu,cpuacct/a/b/c1"
	assert_string_equal(get(C "/cpu.cfs_period_us", fx->dir), "100000");
	assert_string_equal(get(C "/cpu.cfs_quota_us", fx->dir), "50000");
	assert_string_equal(get(C "/cpu.shares", fx->dir), "512");
	assert_string_equal(get(CG "/pids/a/b/c1/pids.max", fx->dir), "10");
	/* the device policy: everything denied, the last allow rule written
	 * (a fake file keeps only the last write) is the ptys' */
	assert_string_equal(get(CG "/devices/a/b/c1/devices.deny", fx->dir), "a");
	assert_string_equal(get(CG "/devices/a/b/c1/devices.allow", fx->dir), "c 136:* rwm");
	/* cpusets seeded level by level from the root, then the container's. */
	assert_string_equal(get(CG "/cpuset/a/cpuset.cpus", fx->dir), "0-3");
	assert_string_equal(get(CG "/cpuset/a/cpuset.mems", fx->dir), "0");
	assert_string_equal(get(CG "/cpuset/a/b/cpuset.cpus", fx->dir), "0-3");
	assert_string_equal(get(CG "/cpuset/a/b/cpuset.mems", fx->dir), "0");
	assert_string_equal(get(CG "/cpuset/a/b/c1/cpuset.cpus", fx->dir), "1");
	assert_string_equal(get(CG "/cpuset/a/b/c1/cpuset.mems", fx->dir), "0");
	/* v1 has no subtree_control. */
	assert_false(exists(CG "/memory/cgroup.subtree_control", fx->dir));

	assert_int_equal(cgroup_enter(cg, 4242, &e), 0);
	assert_string_equal(get(M "/cgroup.procs", fx->dir), "4242");
	assert_string_equal(get(C "/cgroup.procs", fx->dir), "4242");
	assert_string_equal(get(CG "/cpuset/a/b/c1/cgroup.procs", fx->dir), "4242");
	assert_string_equal(get(CG "/pids/a/b/c1/cgroup.procs", fx->dir), "4242");

	assert_int_equal(cgroup_destroy(cg, &e), 0);
	assert_false(exists(M, fx->dir));
	assert_false(exists(C, fx->dir));
	assert_false(exists(CG "/cpuset/a/b/c1", fx->dir));
	assert_false(exists(CG "/pids/a/b/c1", fx->dir));
	cgroup_free(cg);
	/* a and a/b in memory, cpu,cpuacct, cpuset, pids and devices */
	assert_int_equal(cgroup_remove_parent("a/b", &e), 10);
	assert_false(exists(CG "/memory/a", fx->dir));
	assert_true(exists(CG "/cpuset/cpuset.cpus", fx->dir));
#undef M
#undef C
}

static void test_v1_existing_cpuset_kept(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg;

	fake_v1(fx, true);
	/* An operator narrowed brig's parent: keep it, and inherit it. */
	mkdirs(CG "/cpuset/brig", fx->dir);
	put("2-3\n", CG "/cpuset/brig/cpuset.cpus", fx->dir);
	put("\n", CG "/cpuset/brig/cpuset.mems", fx->dir); /* empty, as a new v1 cpuset */
	detect(fx);
	cg = create(NULL, "c1", NULL);
	assert_string_equal(get(CG "/cpuset/brig/cpuset.cpus", fx->dir), "2-3");
	assert_string_equal(get(CG "/cpuset/brig/cpuset.mems", fx->dir), "0");
	assert_string_equal(get(CG "/cpuset/brig/c1/cpuset.cpus", fx->dir), "2-3");
	assert_false(exists(CG "/memory/brig/c1/memory.limit_in_bytes", fx->dir));
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);
}

static void test_v1_no_swap_accounting(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_limits l = {.memory = 64 << 20, .memory_swap = 128 << 20};
	struct cgroup *cg = NULL;

	fake_v1(fx, false);
	detect(fx);
	assert_int_equal(cgroup_create(NULL, "c1", &l, &cg, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "swap accounting is not enabled on this host"));
	assert_null(cg);
	/* Nothing left behind in any hierarchy. */
	assert_false(exists(CG "/memory/brig/c1", fx->dir));
	assert_false(exists(CG "/cpu,cpuacct/brig/c1", fx->dir));
	assert_false(exists(CG "/cpuset/brig/c1", fx->dir));
	assert_false(exists(CG "/pids/brig/c1", fx->dir));
	(void)cgroup_remove_parent(NULL, &e);
}

static void test_v1_stats(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_stats st;
	struct cgroup *cg;

	fake_v1(fx, true);
	detect(fx);
	cg = create(NULL, "c1", NULL);
	put("123456789\n", CG "/cpu,cpuacct/brig/c1/cpuacct.usage", fx->dir);
	put("4096\n", CG "/memory/brig/c1/memory.usage_in_bytes", fx->dir);
	put("9223372036854771712\n", CG "/memory/brig/c1/memory.limit_in_bytes", fx->dir);
	put("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
	    CG "/memory/brig/c1/memory.oom_control", fx->dir);
	put("7\n", CG "/pids/brig/c1/pids.current", fx->dir);
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_int_equal(st.cpu_usage_ns, 123456789);
	assert_int_equal(st.memory_usage, 4096);
	assert_int_equal(st.memory_limit, 0); /* "unlimited" */
	assert_int_equal(st.pids, 7);
	assert_true(st.oom_killed);

	put("67108864\n", CG "/memory/brig/c1/memory.limit_in_bytes", fx->dir);
	put("oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
	    CG "/memory/brig/c1/memory.oom_control", fx->dir);
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_int_equal(st.memory_limit, 67108864);
	assert_false(st.oom_killed);

	/* Old kernels: no oom_kill line, failcnt is the fallback. */
	put("oom_kill_disable 0\nunder_oom 0\n", CG "/memory/brig/c1/memory.oom_control", fx->dir);
	put("3\n", CG "/memory/brig/c1/memory.failcnt", fx->dir);
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_true(st.oom_killed);
	put("0\n", CG "/memory/brig/c1/memory.failcnt", fx->dir);
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_false(st.oom_killed);
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);
}

/* ---- hybrid -------------------------------------------------------------- */

static void test_hybrid_create(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup_limits l = {
	    .memory = 64 << 20, .pids = 10, .cpu_quota = 150000, .cpuset = "0"};
	struct cgroup *cg;

	fake_hybrid(fx);
	detect(fx);
	cg = create(NULL, "c1", &l);
	assert_string_equal(get(CG "/memory/brig/c1/memory.limit_in_bytes", fx->dir), "67108864");
	assert_string_equal(get(CG "/pids/brig/c1/pids.max", fx->dir), "10");
	assert_string_equal(get(CG "/cpu/brig/c1/cpu.cfs_quota_us", fx->dir), "150000");
	assert_string_equal(get(CG "/cpuset/brig/cpuset.cpus", fx->dir), "0-1");
	assert_string_equal(get(CG "/cpuset/brig/c1/cpuset.cpus", fx->dir), "0");
	/* The unified tree only tracks processes: no controllers enabled. */
	assert_true(exists(CG "/unified/brig/c1", fx->dir));
	assert_string_equal(get(CG "/unified/cgroup.subtree_control", fx->dir), "");
	assert_false(exists(CG "/unified/brig/cgroup.subtree_control", fx->dir));
	assert_false(exists(CG "/unified/brig/c1/memory.max", fx->dir));
	/* devices on v1: its lists, and no BPF program for the unified tree */
	assert_string_equal(get(CG "/devices/brig/c1/devices.deny", fx->dir), "a");

	assert_int_equal(cgroup_enter(cg, 77, &e), 0);
	assert_string_equal(get(CG "/unified/brig/c1/cgroup.procs", fx->dir), "77");
	assert_string_equal(get(CG "/memory/brig/c1/cgroup.procs", fx->dir), "77");
	assert_string_equal(get(CG "/cpuacct/brig/c1/cgroup.procs", fx->dir), "77");

	/* A process entering itself: "0" in each v1 tasks file (one thread,
	 * no global lock); the unified tree's cgroup.procs unless it was born
	 * there.  A fake tree has no clone fd. */
	assert_int_equal(cgroup_enter_self(cg, true, &e), 0);
	assert_string_equal(get(CG "/memory/brig/c1/tasks", fx->dir), "0");
	assert_string_equal(get(CG "/devices/brig/c1/tasks", fx->dir), "0");
	assert_string_equal(get(CG "/unified/brig/c1/cgroup.procs", fx->dir), "0");
	assert_int_equal(cgroup_clone_fd(cg, &e), -ENOENT);

	assert_int_equal(cgroup_destroy(cg, &e), 0);
	assert_false(exists(CG "/unified/brig/c1", fx->dir));
	assert_false(exists(CG "/memory/brig/c1", fx->dir));
	cgroup_free(cg);
	/* brig in cpu, cpuacct, cpuset, memory, pids, devices and unified */
	assert_int_equal(cgroup_remove_parent("brig", &e), 7);
	assert_false(exists(CG "/unified/brig", fx->dir));
}

static void test_remove_parent_busy(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *a, *b;

	fake_v2(fx, "memory pids cpu\n");
	detect(fx);
	a = create("p", "a", NULL);
	b = create("p", "b", NULL);
	assert_int_equal(cgroup_destroy(a, &e), 0);
	/* b still lives under p: p stays, quietly. */
	assert_int_equal(cgroup_remove_parent("p", &e), 0);
	assert_true(exists(CG "/p/b", fx->dir));
	assert_int_equal(cgroup_destroy(b, &e), 0);
	assert_int_equal(cgroup_remove_parent("p", &e), 1);
	assert_int_equal(cgroup_remove_parent("p", &e), 0); /* absent */
	cgroup_free(a);
	cgroup_free(b);
}

/* ---- cpuset lists -------------------------------------------------------- */

static void test_parse_cpuset(void **state)
{
	static const struct {
		const char *in;
		int ncpus;
		const char *out; /* NULL: refused */
		const char *msg;
	} cases[] = {
	    {"0", 2, "0", NULL},
	    {"0-1", 2, "0-1", NULL},
	    {"0,2-3", 4, "0,2-3", NULL},
	    {"3,0-1,2", 8, "0-3", NULL},
	    {"1,1,1", 2, "1", NULL},
	    {"5-5", 8, "5", NULL},
	    {"", 2, NULL, "empty"},
	    {"abc", 2, NULL, "expected a CPU number"},
	    {"0,", 2, NULL, "expected a CPU number"},
	    {",0", 2, NULL, "expected a CPU number"},
	    {"0-", 2, NULL, "expected a CPU number"},
	    {"-1", 2, NULL, "expected a CPU number"},
	    {"1-0", 2, NULL, "reversed"},
	    {"0 1", 2, NULL, "unexpected"},
	    {"0-1x", 2, NULL, "unexpected"},
	    {"99", 2, NULL, "cpuset 99: host has only 2 CPUs"},
	    {"0-2", 2, NULL, "cpuset 2: host has only 2 CPUs"},
	    {"1", 1, NULL, "host has only 1 CPU"},
	    {"99999999999999999999", 2, NULL, "out of range"},
	    {"0-18446744073709551617", 2, NULL, "out of range"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct brig_err e = {0};
		char out[64] = "";
		int r = cgroup_parse_cpuset(cases[i].in, cases[i].ncpus, out, sizeof(out), &e);

		if (cases[i].out) {
			if (r < 0)
				fail_msg("\"%s\": %s", cases[i].in, e.msg);
			assert_string_equal(out, cases[i].out);
		} else {
			if (r >= 0)
				fail_msg("\"%s\" accepted as \"%s\"", cases[i].in, out);
			if (!strstr(e.msg, cases[i].msg))
				fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].in, e.msg,
					 cases[i].msg);
		}
	}
	{
		struct brig_err e = {0};
		char tiny[4];

		assert_true(cgroup_parse_cpuset("0,2,4,6", 8, tiny, sizeof(tiny), &e) < 0);
		assert_true(cgroup_parse_cpuset(NULL, 8, tiny, sizeof(tiny), &e) < 0);
	}
}

/* ---- the real thing ------------------------------------------------------ */

/* A child born in the cgroup2 directory (clone3 CLONE_INTO_CGROUP, as
 * spawn.c does) that enters the v1 hierarchies itself is in every one. */
static void enter_self_child(struct cgroup *cg)
{
	static const char *const ctrls[] = {"memory", "cpu", "cpuset", "pids", "devices", NULL};
	struct clone_args a = {0};
	struct brig_err e = {0};
	int fd = cgroup_clone_fd(cg, &e), p[2], status;
	char pid_s[32], ok = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	a.flags = fd >= 0 ? CLONE_INTO_CGROUP : 0;
	a.exit_signal = SIGCHLD;
	a.cgroup = fd >= 0 ? (uint64_t)fd : 0;
	pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	assert_true(pid >= 0);
	if (pid == 0) {
		ok = cgroup_enter_self(cg, fd >= 0, &e) == 0;
		if (write(p[1], &ok, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	assert_int_equal(read(p[0], &ok, 1), 1);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid); /* alone in it */
	for (int i = 0; ok && ctrls[i]; i++)
		if (cgroup_path(cg, ctrls[i]))
			ok = strcmp(get("%s/cgroup.procs", cgroup_path(cg, ctrls[i])), pid_s) == 0;
	if (ok && cgroup_path(cg, NULL))
		ok = strcmp(get("%s/cgroup.procs", cgroup_path(cg, NULL)), pid_s) == 0;
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(p[0]);
	close(p[1]);
	if (fd >= 0)
		close(fd);
	assert_true(ok);
}

static void test_real_host(void **state)
{
	struct brig_err e = {0};
	struct cgroup_limits l = {.memory = 64 << 20, .pids = 10};
	struct cgroup_stats st;
	struct cgroup *cg = NULL;
	static const char *const ctrls[] = {"memory", "cpu", "cpuacct", "cpuset", "pids", NULL};
	char parent[64], paths[6][512], buf[4096];
	int npaths = 0, status;
	const char *p;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		print_message("[ SKIPPED  ] real host test: needs root\n");
		skip();
	}
	if (access("/sys/fs/cgroup/memory", F_OK) != 0) {
		print_message("[ SKIPPED  ] real host test: no v1 /sys/fs/cgroup/memory here\n");
		skip();
	}
	snprintf(parent, sizeof(parent), "brig-unit-test-%d", (int)getpid());
	if (cgroup_detect(NULL, NULL, NULL, &e) < 0)
		fail_msg("detect: %s", e.msg);
	/* Exercise the real kernel's ordering rules too (period before
	 * quota, limit before memsw, cpuset.mems seeded before tasks). */
	l.cpu_quota = 50000;
	l.cpu_period = 100000;
	l.cpu_shares = 512;
	snprintf(l.cpuset, sizeof(l.cpuset), "0");
	if (access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0)
		l.memory_swap = 128 << 20;
	if (cgroup_create(parent, "c1", &l, &cg, &e) < 0)
		fail_msg("create: %s", e.msg);

	for (int i = 0; ctrls[i]; i++) {
		p = cgroup_path(cg, ctrls[i]);
		assert_non_null(p);
		snprintf(paths[npaths++], sizeof(paths[0]), "%s", p);
	}
	if ((p = cgroup_path(cg, NULL)))
		snprintf(paths[npaths++], sizeof(paths[0]), "%s", p);
	assert_string_equal(get("%s/memory.limit_in_bytes", cgroup_path(cg, "memory")), "67108864");
	assert_string_equal(get("%s/pids.max", cgroup_path(cg, "pids")), "10");
	assert_string_equal(get("%s/cpu.cfs_period_us", cgroup_path(cg, "cpu")), "100000");
	assert_string_equal(get("%s/cpu.cfs_quota_us", cgroup_path(cg, "cpu")), "50000");
	assert_string_equal(get("%s/cpu.shares", cgroup_path(cg, "cpu")), "512");
	assert_string_equal(get("%s/cpuset.cpus", cgroup_path(cg, "cpuset")), "0");
	if (l.memory_swap)
		assert_string_equal(
		    get("%s/memory.memsw.limit_in_bytes", cgroup_path(cg, "memory")), "134217728");

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (cgroup_enter(cg, pid, &e) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("enter: %s", e.msg);
	}
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	assert_string_equal(get("%s/cgroup.procs", cgroup_path(cg, "memory")), buf);
	assert_non_null(strstr(get("/proc/%d/cgroup", (int)pid), parent));
	assert_int_equal(cgroup_stats(cg, &st, &e), 0);
	assert_int_equal(st.pids, 1);
	assert_int_equal(st.memory_limit, 64 << 20);
	assert_false(st.oom_killed);

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	enter_self_child(cg);
	if (cgroup_destroy(cg, &e) < 0)
		fail_msg("destroy: %s", e.msg);
	cgroup_free(cg);
	if (cgroup_remove_parent(parent, &e) < 0)
		fail_msg("remove parent: %s", e.msg);
	for (int i = 0; i < npaths; i++) {
		char *slash;

		assert_false(exists("%s", paths[i]));
		slash = strrchr(paths[i], '/');
		*slash = '\0';
		if (exists("%s", paths[i]))
			fail_msg("left behind: %s", paths[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_detect_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_detect_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_detect_hybrid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_detect_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_create, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_only_available, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_already_enabled, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_swap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v2_stats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_create, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_existing_cpuset_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_no_swap_accounting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_v1_stats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hybrid_create, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remove_parent_busy, setup, teardown),
	    cmocka_unit_test(test_parse_cpuset),
	    cmocka_unit_test(test_real_host),
	};

	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
