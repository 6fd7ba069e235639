/* test_devices.c - the device policy of a container's cgroup
 * (cgroup/devices.c): the v1 rule lines, the v2 BPF program's decisions
 * (run by a small interpreter of the instructions it uses), the files on
 * fake trees, and where this host allows, the real thing: a process in a
 * cgroup with the policy makes nodes and tries to open them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "io.h"
#include "driver.h"

/* ---- the rules as devices.allow lines ---------------------------------- */

static void test_rule_text(void **state)
{
	static const char *const want[] = {
	    "c *:* m",	 "b *:* m",   "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",   "c 1:8 rwm",
	    "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
	};
	char buf[64];

	(void)state;
	assert_int_equal(cg_dev_ndefault, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < cg_dev_ndefault; i++) {
		assert_true(cg_dev_rule_text(&cg_dev_default[i], buf, sizeof(buf)) > 0);
		assert_string_equal(buf, want[i]);
	}
	assert_int_equal(cg_dev_rule_text(&cg_dev_default[0], buf, 4), -ENAMETOOLONG);
}

/* ---- the BPF program ---------------------------------------------------- */

/* The subset of eBPF the program may use: 32-bit loads from the context,
 * mov/and/rsh, jne, exit.  Anything else fails the test. */
static int interpret(const struct bpf_insn *p, size_t n, const uint32_t ctx[3])
{
	uint64_t r[MAX_BPF_REG] = {0};

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t src =
		    BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
		uint64_t v = r[i->dst_reg];

		switch (BPF_CLASS(i->code)) {
		case BPF_LDX:
			assert_int_equal(i->code, BPF_LDX | BPF_MEM | BPF_W);
			assert_int_equal(i->src_reg, BPF_REG_1);
			assert_true(i->off >= 0 && i->off <= 8 && i->off % 4 == 0);
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU:
		case BPF_ALU64:
			if (BPF_OP(i->code) == BPF_MOV)
				v = src;
			else if (BPF_OP(i->code) == BPF_AND)
				v &= src;
			else if (BPF_OP(i->code) == BPF_RSH)
				v >>= src;
			else
				fail_msg("instruction %zu: ALU op %#x", pc, BPF_OP(i->code));
			r[i->dst_reg] = BPF_CLASS(i->code) == BPF_ALU ? (uint32_t)v : v;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_EXIT)
				return (int)r[BPF_REG_0];
			assert_int_equal(BPF_OP(i->code), BPF_JNE);
			assert_true(i->off > 0); /* forward only: no loop */
			if (v != src)
				pc += (size_t)i->off;
			break;
		default:
			fail_msg("instruction %zu: class %#x", pc, BPF_CLASS(i->code));
		}
	}
	fail_msg("the program ran off its end");
	return -1;
}

static int decide(const struct bpf_insn *p, size_t n, char type, const char *access, uint32_t major,
		  uint32_t minor)
{
	uint32_t acc = 0, ctx[3];

	for (const char *a = access; *a; a++)
		acc |= *a == 'm'   ? BPF_DEVCG_ACC_MKNOD
		       : *a == 'r' ? BPF_DEVCG_ACC_READ
				   : BPF_DEVCG_ACC_WRITE;
	ctx[0] = acc << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	ctx[1] = major;
	ctx[2] = minor;
	return interpret(p, n, ctx);
}

static void test_prog_decisions(void **state)
{
	static const struct {
		char type;
		const char *access;
		uint32_t major, minor;
		int allow;
	} cases[] = {
	    /* the standard nodes, any access */
	    {'c', "rw", 1, 3, 1},
	    {'c', "rwm", 1, 3, 1},
	    {'c', "r", 1, 5, 1},
	    {'c', "w", 1, 7, 1},
	    {'c', "r", 1, 8, 1},
	    {'c', "r", 1, 9, 1},
	    {'c', "rw", 5, 0, 1},
	    {'c', "rw", 5, 1, 1},
	    {'c', "rw", 5, 2, 1},
	    {'c', "rw", 136, 0, 1},
	    {'c', "rw", 136, 77, 1},
	    /* mknod of anything */
	    {'c', "m", 10, 229, 1},
	    {'b', "m", 7, 0, 1},
	    {'b', "m", 254, 0, 1},
	    /* opening anything else */
	    {'b', "r", 7, 0, 0},
	    {'b', "rw", 254, 0, 0},
	    {'b', "r", 1, 3, 0},
	    {'c', "r", 10, 229, 0},
	    {'c', "rw", 1, 1, 0},
	    {'c', "r", 1, 11, 0},
	    {'c', "rw", 4, 1, 0},
	    {'c', "rw", 10, 200, 0},
	    {'c', "rw", 137, 0, 0},
	    {'c', "rw", 1, 4, 0},
	    {'c', "rw", 5, 3, 0},
	    /* mknod and read together: the "m" rules do not give the read */
	    {'c', "rm", 10, 229, 0},
	};
	struct bpf_insn p[CG_DEV_PROG_LEN(16)];
	size_t n;

	(void)state;
	assert_true(cg_dev_ndefault <= 16);
	n = cg_dev_prog(cg_dev_default, cg_dev_ndefault, p);
	assert_true(n <= CG_DEV_PROG_LEN(cg_dev_ndefault));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got =
		    decide(p, n, cases[i].type, cases[i].access, cases[i].major, cases[i].minor);
		if (got != cases[i].allow)
			fail_msg("%c %u:%u %s: %s", cases[i].type, cases[i].major, cases[i].minor,
				 cases[i].access, got ? "allowed" : "denied");
	}
}

/* A rule for every device and access is one "return 1"; none is "return 0". */
static void test_prog_edges(void **state)
{
	static const struct cg_dev_rule all = {'a', -1, -1, "rwm"};
	struct bpf_insn p[CG_DEV_PROG_LEN(1)];
	size_t n;

	(void)state;
	n = cg_dev_prog(&all, 1, p);
	assert_int_equal(decide(p, n, 'b', "rw", 254, 0), 1);
	assert_int_equal(decide(p, n, 'c', "m", 1, 1), 1);
	n = cg_dev_prog(NULL, 0, p);
	assert_int_equal(n, 8);
	assert_int_equal(decide(p, n, 'c', "r", 1, 3), 0);
}

/* ---- fake trees --------------------------------------------------------- */

struct fx {
	char dir[64];
	char path[256];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/brig-devtest-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
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

static void put(struct fx *fx, const char *name, const char *content)
{
	FILE *f;

	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	f = fopen(fx->path, "we");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static const char *get(struct fx *fx, const char *name)
{
	static char buf[256];
	FILE *f;
	size_t n;

	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	f = fopen(fx->path, "re");
	if (!f)
		return "<absent>";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static struct cgroup *create(struct fx *fx, const char *mountinfo, bool all)
{
	struct cgroup_limits l = {.all_devices = all};
	struct brig_err e = {0};
	struct cgroup *cg = NULL;

	put(fx, "mountinfo", mountinfo);
	put(fx, "cgroup", "0::/\n");
	snprintf(fx->path, sizeof(fx->path), "%s/mountinfo", fx->dir);
	char pc[128];
	snprintf(pc, sizeof(pc), "%s/cgroup", fx->dir);
	if (cgroup_detect(fx->path, pc, fx->dir, &e) < 0)
		fail_msg("detect: %s", e.msg);
	if (cgroup_create(NULL, "c1", &l, &cg, &e) < 0)
		fail_msg("create: %s", e.msg);
	return cg;
}

/* v2: the policy is a program, not a file; the directory serves "devices". */
static void test_fake_v2(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg;
	char want[128];

	mkdir(strcat(strcpy(want, fx->dir), "/cg"), 0755);
	put(fx, "cg/cgroup.controllers", "memory pids\n");
	put(fx, "cg/cgroup.subtree_control", "");
	cg = create(fx, "30 22 0:26 / /cg rw - cgroup2 cgroup2 rw\n", false);
	snprintf(want, sizeof(want), "%s/cg/brig/c1", fx->dir);
	assert_string_equal(cgroup_path(cg, "devices"), want);
	assert_string_equal(get(fx, "cg/brig/c1/devices.deny"), "<absent>");
	assert_string_equal(get(fx, "cg/brig/c1/devices.allow"), "<absent>");
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);
}

/* v1 --privileged: "a" allowed, nothing denied. */
static void test_fake_v1_all(void **state)
{
	struct fx *fx = *state;
	struct brig_err e = {0};
	struct cgroup *cg;
	char d[128];

	mkdir(strcat(strcpy(d, fx->dir), "/devices"), 0755);
	cg = create(fx, "35 30 0:32 / /devices rw - cgroup cgroup rw,devices\n", true);
	assert_string_equal(get(fx, "devices/brig/c1/devices.allow"), "a");
	assert_string_equal(get(fx, "devices/brig/c1/devices.deny"), "<absent>");
	assert_int_equal(cgroup_destroy(cg, &e), 0);
	cgroup_free(cg);
}

/* ---- the real thing ----------------------------------------------------- */

/* Results of try_nodes, one bit each. */
enum { MKNOD_FAILED = 1, NULL_DENIED = 2, LOOP_OPENED = 4, FUSE_OPENED = 8, MOVE_FAILED = 16 };

/* In a child: join the cgroup at dir, make three nodes in tmp and open
 * them (null: standard; loop0 and fuse: not), as a container's root would. */
static int try_nodes(const char *dir, const char *tmp)
{
	static const struct {
		const char *name;
		mode_t type;
		unsigned major, minor;
	} nodes[] = {{"null", S_IFCHR, 1, 3}, {"loop", S_IFBLK, 7, 0}, {"fuse", S_IFCHR, 10, 229}};
	char path[PATH_MAX + 32];
	int fd, res = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return MOVE_FAILED;
	close(fd);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmp, nodes[i].name);
		unlink(path); /* an earlier run's */
		if (mknod(path, nodes[i].type | 0600, makedev(nodes[i].major, nodes[i].minor)) < 0)
			res |= MKNOD_FAILED;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (i == 0 && fd < 0)
			res |= NULL_DENIED;
		if (i == 1 && fd >= 0)
			res |= LOOP_OPENED;
		if (i == 2 && fd >= 0)
			res |= FUSE_OPENED;
		if (fd >= 0)
			close(fd);
	}
	return res;
}

/* Make dir, apply the policy with fn, run try_nodes in a child, remove dir. */
static int run_in(struct fx *fx, struct cg_dir *d,
		  int (*fn)(struct cg_dir *, bool, struct brig_err *))
{
	struct brig_err e = {0};
	int status;
	pid_t pid;

	assert_int_equal(mkdir(d->path, 0755), 0);
	if (fn(d, false, &e) < 0) {
		rmdir(d->path);
		fail_msg("device policy: %s", e.msg);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(try_nodes(d->path, fx->dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(rmdir(d->path), 0);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The first mount of type ("cgroup2", or "cgroup" with option opt) at the
 * root of its hierarchy, from /proc/self/mountinfo. */
static bool find_mount(const char *type, const char *opt, char *out, size_t len)
{
	char line[1024], mnt[512], root[512], fstype[64], opts[512];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %511s %511s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2)
			continue;
		found = !strcmp(fstype, type) && !strcmp(root, "/") &&
			(!opt || strstr(opts, opt)) && (size_t)snprintf(out, len, "%s", mnt) < len;
	}
	fclose(f);
	return found;
}

static void real_dir(struct cg_dir *d, const char *mount)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->mount, sizeof(d->mount), "%s", mount);
	snprintf(d->path, sizeof(d->path), "%s/brig-unit-devices-%d", mount, (int)getpid());
}

/* The control: without a policy the same nodes open (the test can see a
 * denial at all). */
static int no_policy(struct cg_dir *d, bool all, struct brig_err *e)
{
	(void)d;
	(void)all;
	(void)e;
	return 0;
}

static void test_real_bpf(void **state)
{
	struct fx *fx = *state;
	struct cg_dir d;
	char mnt[512];

	if (geteuid() != 0 || !find_mount("cgroup2", NULL, mnt, sizeof(mnt))) {
		print_message(
		    "[ SKIPPED  ] real BPF device filter: needs root and a cgroup2 mount\n");
		skip();
	}
	real_dir(&d, mnt);
	assert_int_equal(run_in(fx, &d, no_policy), LOOP_OPENED | FUSE_OPENED);
	assert_int_equal(run_in(fx, &d, cg_v2_devices), 0);
}

static void test_real_v1(void **state)
{
	struct fx *fx = *state;
	struct cg_dir d;
	char mnt[512];

	if (geteuid() != 0 || !find_mount("cgroup", "devices", mnt, sizeof(mnt))) {
		print_message(
		    "[ SKIPPED  ] real v1 devices controller: needs root and the controller\n");
		skip();
	}
	real_dir(&d, mnt);
	assert_int_equal(run_in(fx, &d, cg_v1_devices), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_text),
	    cmocka_unit_test(test_prog_decisions),
	    cmocka_unit_test(test_prog_edges),
	    cmocka_unit_test_setup_teardown(test_fake_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fake_v1_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_real_bpf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_real_v1, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
