/* test_hygiene.c - what a brig process entering a container leaves behind:
 * the working directory resolved inside the root, never through a magic
 * link; non-dumpable; no directory as stdio. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hygiene.h"

static char tmp[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/test_hygiene.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	if (chdir("/") < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run fn in a child (it changes root, cwd, stdio or dumpable); its exit
 * status is 0 when every check held, else the number of the one that
 * failed. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_plain_dir(void **state)
{
	char cwd[PATH_MAX];
	struct brig_err e;

	(void)state;
	assert_int_equal(hygiene_chdir_in_root(tmp, &e), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(cwd, tmp);
}

/* -w /proc/self/fd/N, the CVE-2024-21626 trick: refused whatever N is. */
static void test_magic_links(void **state)
{
	char path[64], cwd[PATH_MAX];
	struct brig_err e;
	int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(chdir("/"), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	assert_int_equal(hygiene_chdir_in_root(path, &e), -ELOOP);
	assert_int_equal(hygiene_chdir_in_root("/proc/self/cwd", &e), -ELOOP);
	assert_true(hygiene_chdir_in_root("/proc/1/root", &e) < 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(cwd, "/");
	close(fd);
}

static void test_not_a_dir(void **state)
{
	char path[PATH_MAX + 8];
	struct brig_err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/file", tmp);
	close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	assert_int_equal(hygiene_chdir_in_root(path, &e), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/none", tmp);
	assert_int_equal(hygiene_chdir_in_root(path, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "working directory"));
}

/* Inside a root (chroot here), "..", and absolute symlinks stay in it. */
static int confined(void)
{
	char cwd[PATH_MAX];
	struct brig_err e;

	if (chroot(tmp) < 0 || chdir("/") < 0)
		return 100; /* not root: reported below */
	if (hygiene_chdir_in_root("/../../..", &e) < 0 || !getcwd(cwd, sizeof(cwd)) ||
	    strcmp(cwd, "/") != 0)
		return 1;
	if (hygiene_chdir_in_root("/up/in", &e) < 0 || !getcwd(cwd, sizeof(cwd)) ||
	    strcmp(cwd, "/in") != 0)
		return 2;
	return 0;
}

static void test_stays_in_root(void **state)
{
	char path[PATH_MAX + 8];
	int r;

	(void)state;
	snprintf(path, sizeof(path), "%s/in", tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/up", tmp);
	assert_int_equal(symlink("/../../../..", path), 0);
	r = in_child(confined);
	if (r == 100)
		skip();
	assert_int_equal(r, 0);
}

static int undumpable(void)
{
	struct brig_err e;

	if (prctl(PR_GET_DUMPABLE) != 1)
		return 1;
	if (hygiene_undumpable(&e) < 0 || prctl(PR_GET_DUMPABLE) != 0)
		return 2;
	return 0;
}

static void test_undumpable(void **state)
{
	(void)state;
	assert_int_equal(in_child(undumpable), 0);
}

static int dir_stdio(void)
{
	struct brig_err e;
	int null = open("/dev/null", O_RDWR), dir = open(tmp, O_RDONLY | O_DIRECTORY);

	if (null < 0 || dir < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return 1;
	if (hygiene_check_stdio(&e) != 0)
		return 2;
	close(2); /* closed: nothing leaks */
	if (hygiene_check_stdio(&e) != 0)
		return 3;
	if (dup2(dir, 1) < 0 || hygiene_check_stdio(&e) != -EISDIR || !strstr(e.msg, "stdout"))
		return 4;
	return 0;
}

static void test_stdio(void **state)
{
	(void)state;
	assert_int_equal(in_child(dir_stdio), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_dir),     cmocka_unit_test(test_magic_links),
		cmocka_unit_test(test_not_a_dir),     cmocka_unit_test(test_stays_in_root),
		cmocka_unit_test(test_undumpable),    cmocka_unit_test(test_stdio),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
