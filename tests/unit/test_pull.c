/* test_pull.c - the registry glue that needs no registry (src/engine/pull.c):
 * which images run would pull, pruning what failed pulls left, logout of a
 * registry never logged into. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pull.h"
#include "tmp_root.h"

/* Test paths live under a short mkdtemp dir; truncation cannot happen. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void touch(const char *root, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/images/pulls/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static bool exists(const char *root, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/images/pulls/%s", root, name);
	return access(path, F_OK) == 0;
}

/* An abandoned download goes with its lock; one whose lock is held (a pull
 * in progress) stays; a lone lock file goes uncounted; other names stay. */
static void prune_abandoned_pulls(void **state)
{
	struct tmp_root t;
	struct brig_err e;
	char path[PATH_MAX];
	int removed = -1, held;

	(void)state;
	tmp_root_make(&t, "pull");
	snprintf(path, sizeof(path), "%s/images/pulls/%s/blobs/sha256", t.root, HEX_A);
	assert_int_equal(mkdir_p(path, 0700, &e), 0);
	snprintf(path, sizeof(path), "%s/images/pulls/%s/blobs", t.root, HEX_B);
	assert_int_equal(mkdir_p(path, 0700, &e), 0);
	touch(t.root, HEX_A ".lock");
	touch(t.root, HEX_A "/blobs/sha256/.partial-x");
	touch(t.root, HEX_B ".lock");
	touch(t.root, HEX_C ".lock");
	touch(t.root, "notes.txt");
	snprintf(path, sizeof(path), "%s/images/pulls/%s.lock", t.root, HEX_B);
	held = open(path, O_RDWR | O_CLOEXEC);
	assert_true(held >= 0);
	assert_int_equal(flock(held, LOCK_EX), 0);

	assert_int_equal(images_pull_prune(&t.c, &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_false(exists(t.root, HEX_A));
	assert_false(exists(t.root, HEX_A ".lock"));
	assert_true(exists(t.root, HEX_B));
	assert_true(exists(t.root, HEX_B ".lock"));
	assert_false(exists(t.root, HEX_C ".lock"));
	assert_true(exists(t.root, "notes.txt"));

	close(held);
	assert_int_equal(images_pull_prune(&t.c, &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_false(exists(t.root, HEX_B));
	tmp_root_remove(&t);
}

static void prune_without_pulls(void **state)
{
	struct tmp_root t;
	struct brig_err e;
	int removed = -1;

	(void)state;
	tmp_root_make(&t, "pull");
	assert_int_equal(images_pull_prune(&t.c, &removed, &e), 0);
	assert_int_equal(removed, -1); /* untouched: there was no directory */
	tmp_root_remove(&t);
}

/* run pulls references the store lacks; never a rootfs path or garbage. */
static void need_pull(void **state)
{
	struct tmp_root t;

	(void)state;
	tmp_root_make(&t, "pull");
	assert_true(images_need_pull(&t.c, "127.0.0.1:5000/test/bb:1"));
	assert_true(images_need_pull(&t.c, "alpine"));
	assert_false(images_need_pull(&t.c, "/srv/rootfs"));
	assert_false(images_need_pull(&t.c, "./rootfs"));
	assert_false(images_need_pull(&t.c, "Not A Reference"));
	assert_false(images_need_pull(&t.c, NULL));
	tmp_root_remove(&t);
}

/* Logging out of a registry brig never logged into writes no file. */
static void logout_unknown(void **state)
{
	char host[IMAGES_HOST_MAX], path[PATH_MAX];
	struct tmp_root t;
	struct brig_err e;
	bool found = true;

	(void)state;
	tmp_root_make(&t, "pull");
	assert_int_equal(images_logout(&t.c, "https://index.docker.io/v1/", host, &found, &e), 0);
	assert_string_equal(host, "docker.io");
	assert_false(found);
	snprintf(path, sizeof(path), "%s/auth.json", t.root);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(images_logout(&t.c, "not a host", host, &found, &e), -EINVAL);
	tmp_root_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prune_abandoned_pulls),
		cmocka_unit_test(prune_without_pulls),
		cmocka_unit_test(need_pull),
		cmocka_unit_test(logout_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
