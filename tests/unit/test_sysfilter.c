/* test_sysfilter.c - src/runtime/sysfilter.c: the default profile loaded
 * into a forked child (never into the test itself): what it refuses and
 * with which errno, personality's safe values against every one- and
 * two-bit value and many others, the capabilities that lift rules, and
 * the compiled program cached as a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <limits.h>
#include <linux/filter.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "sysfilter.h"
#include "tmp_root.h"

#define DEFAULT_CAPS 0xa80425fbULL
#define SYS_ADMIN (1ULL << 21)

/* errno of syscall(nr, a0, a1) in a child under the filter for caps
 * (0: it succeeded); the child's own calls change nothing here. */
static int in_child(uint64_t caps, long nr, long a0, long a1)
{
	struct brig_err e;
	const struct sock_fprog *prog = sysfilter_get(caps, NULL, &e);
	int status;
	pid_t pid;

	if (!prog)
		fail_msg("sysfilter_get: %s", e.msg);
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sysfilter_load(prog, &e) < 0)
			_exit(255);
		_exit(syscall(nr, a0, a1, 0, 0, 0) < 0 ? errno : 0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 255);
	return WEXITSTATUS(status);
}

static void refusals(void **state)
{
	(void)state;
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_keyctl, 0, -3), EPERM);
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_unshare, CLONE_NEWNET, 0), EPERM);
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_setns, -1, 0), EPERM);
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_clone3, 0, 0), ENOSYS);
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_socket, 40 /* AF_VSOCK */, 1), EPERM);
	/* allowed: a namespace-free unshare, an ordinary socket, getpid */
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_unshare, CLONE_FILES, 0), 0);
	assert_int_equal(in_child(DEFAULT_CAPS, SYS_getpid, 0, 0), 0);
}

static void capabilities_lift(void **state)
{
	(void)state;
	/* SYS_ADMIN: setns reaches the kernel (bad fd), clone3 too */
	assert_int_equal(in_child(DEFAULT_CAPS | SYS_ADMIN, SYS_setns, -1, 0), EBADF);
	assert_int_equal(in_child(DEFAULT_CAPS | SYS_ADMIN, SYS_clone3, 0, 0), EINVAL);
	/* nothing lifts keyctl; without SYS_CHROOT, chroot is refused */
	assert_int_equal(in_child(~0ULL, SYS_keyctl, 0, -3), EPERM);
	assert_int_equal(in_child(DEFAULT_CAPS & ~(1ULL << 18), SYS_chroot, (long)"/", 0), EPERM);
}

static int personality_errno(uint64_t v)
{
	return in_child(DEFAULT_CAPS, SYS_personality, (long)v, 0);
}

static int safe(uint64_t v)
{
	return v == 0 || v == 8 || v == 0x20000 || v == 0x20008 || v == 0xffffffffULL;
}

/* The union of masked rules in deny_personality refuses exactly what is
 * not one of Docker's five values: every value of one and two bits, the
 * safe values with one more bit, pseudo-random ones and some above 32
 * bits.  (One child per value: this runs a few thousand.) */
static void personality(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	const uint64_t extra[] = { 0xfffffffeULL, 0x7fffffffULL, 0x100000000ULL, 0x1ffffffffULL,
				   ~0ULL,	  0x20009,	 0xffffffff ^ 0x20008 };
	(void)state;
	for (int a = 0; a < 32; a++)
		for (int b = a; b < 32; b++) {
			uint64_t v = (1ULL << a) | (1ULL << b);
			assert_int_equal(personality_errno(v), safe(v) ? 0 : EPERM);
		}
	for (int a = 0; a < 32; a++)
		for (size_t s = 0; s < 4; s++) {
			uint64_t base[] = { 0, 8, 0x20000, 0x20008 };
			uint64_t v = base[s] | (1ULL << a);
			assert_int_equal(personality_errno(v), safe(v) ? 0 : EPERM);
		}
	for (int i = 0; i < 500; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t v = i % 2 ? x & 0xffffffffULL : x;
		assert_int_equal(personality_errno(v), safe(v) ? 0 : EPERM);
	}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		assert_int_equal(personality_errno(extra[i]), safe(extra[i]) ? 0 : EPERM);
	for (uint64_t v = 0; v <= 0xffffffffULL; v = v ? v * 2 + 1 : 1)
		assert_int_equal(personality_errno(v), safe(v) ? 0 : EPERM);
}

/* The one file in dir, into path. */
static void only_file(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, len, "%s/%s", dir, de->d_name);
			n++;
		}
	closedir(d);
	assert_int_equal(n, 1);
}

/* Cached as <dir>/<key>-<caps>.bpf (0600, in a 0700 directory), the very
 * program loaded, keyed by the capabilities that matter (SYS_CHROOT and
 * SYS_PACCT here, not CHECKPOINT_RESTORE). */
static void cached_file(void **state)
{
	struct tmp_root t;
	char dir[PATH_MAX + 16], path[PATH_MAX + 300], *data = NULL;
	struct brig_err e;
	struct stat st;
	size_t len = 0;
	const struct sock_fprog *prog;

	(void)state;
	tmp_root_make(&t, "sysfilter");
	snprintf(dir, sizeof(dir), "%s/seccomp", t.runroot);
	/* a set the tests above have not used, so not in memory */
	prog = sysfilter_get(DEFAULT_CAPS | (1ULL << 20) | (1ULL << 40), dir, &e);
	assert_non_null(prog);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	only_file(dir, path, sizeof(path));
	assert_non_null(strstr(path, "-0000000000140000.bpf"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(read_file(path, &data, &len, &e), 0);
	assert_int_equal(len, prog->len * sizeof(struct sock_filter));
	assert_memory_equal(data, prog->filter, len);
	free(data);
	tmp_root_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refusals),
		cmocka_unit_test(capabilities_lift),
		cmocka_unit_test(personality),
		cmocka_unit_test(cached_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
