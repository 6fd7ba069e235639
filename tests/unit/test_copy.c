/* test_copy.c - brig cp's argument split and its copy engine on a temp
 * tree: docker cp's destination rules, and a confined root (standing for a
 * container's) that no symlink, ".." or absolute name can leave. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copy.h"
#include "util.h"
#include "tmptree.h"

/* The test's tree: base/secret (a "host" file) and base/root, the confined
 * root, holding etc/hostname and symlinks that try to leave it. */
struct tree {
	char base[64], root[PATH_MAX], out[PATH_MAX];
	int root_fd;
};


/* The content of dir/name, or "" when it cannot be read. */
static const char *get(const char *dir, const char *name)
{
	static char buf[256];
	char p[PATH_MAX];
	ssize_t n;
	int fd;

	path_of(p, dir, name);
	buf[0] = '\0';
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void mkdir_in(const char *dir, const char *name, mode_t mode)
{
	char p[PATH_MAX];

	path_of(p, dir, name);
	assert_int_equal(mkdir(p, mode), 0);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	snprintf(t->base, sizeof(t->base), "/tmp/brig-test-copy-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	path_of(t->root, t->base, "root");
	path_of(t->out, t->base, "out");
	assert_int_equal(mkdir(t->root, 0755), 0);
	assert_int_equal(mkdir(t->out, 0755), 0);
	put(t->base, "secret", "host-secret");
	mkdir_in(t->root, "etc", 0755);
	mkdir_in(t->root, "tmp", 01777);
	put(t->root, "etc/hostname", "inside");
	link_in(t->root, "hostroot", "/");
	link_in(t->root, "dotdot", "../..");
	link_in(t->root, "abs", t->base); /* the host path of base */
	link_in(t->root, "leak", "/etc/shadow");
	t->root_fd = open(t->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->root_fd >= 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	struct brig_err e;

	close(t->root_fd);
	assert_int_equal(remove_tree(t->base, &e), 0);
	free(t);
	return 0;
}

/* Copy from the confined root to the host (out), or back. */
static int out_of(struct tree *t, const char *src, const char *dst, struct brig_err *e)
{
	char p[PATH_MAX];
	struct copy_end s = { t->root_fd, src, NULL }, d = { COPY_HOST, p, NULL };

	path_of(p, t->out, dst);
	return copy_tree(&s, &d, e);
}

static int into(struct tree *t, const char *src, const char *dst, struct brig_err *e)
{
	char p[PATH_MAX];
	struct copy_end s = { COPY_HOST, p, NULL }, d = { t->root_fd, dst, NULL };

	path_of(p, t->out, src);
	return copy_tree(&s, &d, e);
}

static void test_parse_arg(void **state)
{
	static const struct {
		const char *arg, *container, *path;
	} good[] = {
		{ "web:/etc/hosts", "web", "/etc/hosts" },
		{ "web:etc", "web", "etc" },
		{ "abc123:/a:b", "abc123", "/a:b" },
		{ "/abs/a:b", "", "/abs/a:b" },
		{ "./a:b", "", "./a:b" },
		{ "plain", "", "plain" },
	};
	static const char *const bad[] = { "", ":/x", "web:" };
	struct copy_arg a;
	struct brig_err e;
	char longname[300];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(copy_parse_arg(good[i].arg, &a, &e), 0);
		assert_string_equal(a.container, good[i].container);
		assert_string_equal(a.path, good[i].path);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(copy_parse_arg(bad[i], &a, &e) < 0);
	memset(longname, 'n', sizeof(longname));
	snprintf(longname + 200, sizeof(longname) - 200, ":/x");
	assert_true(copy_parse_arg(longname, &a, &e) < 0);
}

static void test_confined_source(void **state)
{
	struct tree *t = *state;
	struct brig_err e;
	char p[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	/* "/", "../.." and the host's own path all lead to the root's files */
	assert_int_equal(out_of(t, "/hostroot/etc/hostname", "a", &e), 0);
	assert_string_equal(get(t->out, "a"), "inside");
	assert_int_equal(out_of(t, "dotdot/etc/hostname", "b", &e), 0);
	assert_string_equal(get(t->out, "b"), "inside");
	assert_true(out_of(t, "/dotdot/secret", "c", &e) < 0);
	assert_int_equal(e.code, ENOENT);
	assert_true(out_of(t, "/abs/secret", "c", &e) < 0);
	assert_false(exists(t->out, "c"));
	assert_true(out_of(t, "/../../secret", "c", &e) < 0);
	assert_false(exists(t->out, "c"));

	/* the link itself, not what it names */
	assert_int_equal(out_of(t, "/leak", "leak", &e), 0);
	path_of(p, t->out, "leak");
	n = readlink(p, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "/etc/shadow");
}

static void test_confined_destination(void **state)
{
	struct tree *t = *state;
	struct brig_err e;

	put(t->out, "f", "from-host");
	assert_int_equal(into(t, "f", "/hostroot/tmp/x", &e), 0);
	assert_string_equal(get(t->root, "tmp/x"), "from-host");
	assert_int_equal(into(t, "f", "/dotdot/y", &e), 0);
	assert_string_equal(get(t->root, "y"), "from-host");
	assert_false(exists(t->base, "y"));
	/* a destination symlink to a file is replaced, never written through */
	link_in(t->root, "to-secret", "/secret");
	put(t->root, "secret", "root-secret");
	assert_int_equal(into(t, "f", "/to-secret", &e), 0);
	assert_string_equal(get(t->root, "to-secret"), "from-host");
	assert_string_equal(get(t->root, "secret"), "root-secret");
	assert_string_equal(get(t->base, "secret"), "host-secret");
	/* a symlink to a directory is followed, inside the root */
	assert_int_equal(into(t, "f", "/hostroot", &e), 0);
	assert_string_equal(get(t->root, "f"), "from-host");
}

static void test_docker_rules(void **state)
{
	struct tree *t = *state;
	struct brig_err e;
	char p[PATH_MAX];
	struct stat st;

	mkdir_in(t->out, "d", 0755);
	mkdir_in(t->out, "d/sub", 0750);
	put(t->out, "d/sub/b", "b");
	put(t->out, "d/a", "a");
	link_in(t->out, "d/lnk", "/etc/passwd");
	put(t->out, "f", "f");

	/* a file onto a directory goes inside it */
	assert_int_equal(into(t, "f", "/tmp", &e), 0);
	assert_string_equal(get(t->root, "tmp/f"), "f");
	/* a directory onto a directory: a subdirectory, modes kept */
	assert_int_equal(into(t, "d", "/tmp", &e), 0);
	assert_string_equal(get(t->root, "tmp/d/sub/b"), "b");
	path_of(p, t->root, "tmp/d/sub");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	path_of(p, t->root, "tmp/d/lnk");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* again: merged, files overwritten */
	put(t->out, "d/a", "a2");
	assert_int_equal(into(t, "d", "/tmp", &e), 0);
	assert_string_equal(get(t->root, "tmp/d/a"), "a2");
	/* SRC/. copies the contents */
	assert_int_equal(into(t, "d/.", "/etc", &e), 0);
	assert_string_equal(get(t->root, "etc/sub/b"), "b");
	assert_false(exists(t->root, "etc/d"));
	/* a new name gets the contents */
	assert_int_equal(into(t, "d", "/new", &e), 0);
	assert_string_equal(get(t->root, "new/a"), "a2");
	/* errors: a missing parent, "DST/" missing for a file, a directory
	 * onto a file, a file through "SRC/" */
	assert_true(into(t, "f", "/no/such/x", &e) < 0);
	assert_int_equal(e.code, ENOENT);
	assert_true(into(t, "f", "/nodir/", &e) < 0);
	assert_false(exists(t->root, "nodir"));
	assert_true(into(t, "d", "/etc/hostname", &e) < 0);
	assert_int_equal(e.code, ENOTDIR);
	assert_string_equal(get(t->root, "etc/hostname"), "inside");
	assert_true(into(t, "f/", "/tmp/g", &e) < 0);
	assert_int_equal(e.code, ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_arg),
		cmocka_unit_test_setup_teardown(test_confined_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confined_destination, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
