/* test_rootfs_at.c - lookups, creations and mounts inside a root
 * (src/runtime/rootfs_at.c) on a temp tree: base/outside stands for the
 * host, base/root for a hostile image whose links try to reach it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "rootfs_at.h"
#include "tmptree.h"

struct tree {
	char base[64], root[PATH_MAX], outside[PATH_MAX];
	int root_fd;
};


static const char *read_fd(int fd)
{
	static char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	snprintf(t->base, sizeof(t->base), "/tmp/brig-rootfs-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	path_of(t->root, t->base, "root");
	path_of(t->outside, t->base, "outside");
	assert_int_equal(mkdir(t->root, 0755), 0);
	assert_int_equal(mkdir(t->outside, 0755), 0);
	put(t->outside, "secret", "host");
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
	remove_tree(t->base, &e);
	free(t);
	return 0;
}

/* An absolute link to a host file resolves inside the root: the host's
 * file is not reached, a file of the same name inside is. */
static void test_open_absolute_link_stays_inside(void **state)
{
	struct tree *t = *state;
	struct brig_err e = { 0 };
	char target[PATH_MAX], inside[PATH_MAX];
	int fd;

	path_of(target, t->outside, "secret");
	link_in(t->root, "hosts", target);
	fd = rootfs_open(t->root_fd, "hosts", O_RDONLY, 0);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, ENOENT);
	/* with its directory there, O_CREAT makes it where the link points,
	 * inside the root */
	fd = rootfs_mkpath(t->root_fd, t->outside, 0755, 0, &e);
	assert_true(fd >= 0);
	close(fd);
	fd = rootfs_open(t->root_fd, "/hosts", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "in", 2), 2);
	close(fd);
	path_of(inside, t->root, target + 1);
	fd = open(inside, O_RDONLY | O_CLOEXEC);
	assert_string_equal(read_fd(fd), "in");
	close(fd);
	fd = open(target, O_RDONLY | O_CLOEXEC);
	assert_string_equal(read_fd(fd), "host");
	close(fd);
}

/* ".." climbing out stops at the root, as at "/". */
static void test_open_relative_link_stays_inside(void **state)
{
	struct tree *t = *state;
	char p[PATH_MAX];
	int fd;

	path_of(p, t->root, "etc");
	assert_int_equal(mkdir(p, 0755), 0);
	path_of(p, t->root, "outside");
	assert_int_equal(mkdir(p, 0755), 0);
	put(t->root, "outside/secret", "inner");
	link_in(t->root, "etc/resolv.conf", "../../../../../../outside/secret");
	fd = rootfs_open(t->root_fd, "etc/resolv.conf", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_string_equal(read_fd(fd), "inner");
	close(fd);
}

/* Magic links (here of the real /proc: the temp root has none) are
 * refused, whatever they would reach. */
static void test_open_refuses_magic_links(void **state)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_int_equal(rootfs_open(root, "/proc/self/root/etc/passwd", O_RDONLY, 0), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(rootfs_open(root, "/proc/self/cwd", O_PATH, 0), -1);
	assert_int_equal(errno, ELOOP);
	close(root);
}

/* Directories made through a link to a host directory are made inside. */
static void test_mkpath_through_link(void **state)
{
	struct tree *t = *state;
	struct brig_err e = { 0 };
	char made[PATH_MAX];
	struct stat st;
	int fd;

	link_in(t->root, "up", t->outside);
	fd = rootfs_mkpath(t->root_fd, "/up/made/deeper", 0700, 0, &e);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	close(fd);
	assert_false(exists(t->outside, "made"));
	path_of(made, t->outside + 1, "made/deeper");
	assert_true(exists(t->root, made));
}

/* A dangling link is followed inside the root; a file is made there. */
static void test_mkpath_dangling_link_file(void **state)
{
	struct tree *t = *state;
	struct brig_err e = { 0 };
	struct stat st;
	int fd;

	link_in(t->root, "dangling", "/nowhere/hosts");
	fd = rootfs_mkpath(t->root_fd, "dangling", 0600, ROOTFS_FILE, &e);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	close(fd);
	assert_true(exists(t->root, "nowhere/hosts"));
}

/* The mount points of kernel file systems: no symlink at all. */
static void test_mkpath_no_symlinks(void **state)
{
	struct tree *t = *state;
	struct brig_err e = { 0 };
	int fd;

	link_in(t->root, "proc", t->outside);
	assert_true(rootfs_mkpath(t->root_fd, "/proc", 0755, ROOTFS_NO_SYMLINKS, &e) < 0);
	assert_int_equal(e.code, ELOOP);
	assert_string_equal(e.msg, "/proc is a symlink in the image");
	assert_true(rootfs_mkpath(t->root_fd, "/proc/sub", 0755, ROOTFS_NO_SYMLINKS, &e) < 0);
	assert_string_equal(e.msg, "/proc is a symlink in the image");
	assert_false(exists(t->outside, "sub"));
	/* plain directories are made as usual */
	fd = rootfs_mkpath(t->root_fd, "/dev/pts", 0755, ROOTFS_NO_SYMLINKS, &e);
	assert_true(fd >= 0);
	close(fd);
	assert_true(exists(t->root, "dev/pts"));
}

static void test_mkpath_nothing_in_proc(void **state)
{
	struct brig_err e = { 0 };
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_true(rootfs_mkpath(root, "/proc/brig-test-nothing/x", 0755, 0, &e) < 0);
	assert_int_equal(e.code, EPERM);
	assert_string_equal(e.msg, "the target is in /proc");
	close(root);
}

static void test_kernel_fs(void **state)
{
	struct tree *t = *state;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	assert_true(rootfs_on_kernel_fs(fd));
	close(fd);
	assert_false(rootfs_on_kernel_fs(t->root_fd));
}

/* In a private mount namespace: a mount lands on the fd found, even when
 * the name was swapped for a link to the host meanwhile (CVE-2021-30465),
 * and a read-only bind refuses writes.  Returns a failing line, 0 if all
 * went well. */
static int mounts_in_child(struct tree *t)
{
	struct brig_err e = { 0 };
	struct statfs sf;
	char p[PATH_MAX], q[PATH_MAX];
	int dir, file, src;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 77;
	/* an fd of this namespace's mounts: a mount cannot be moved onto
	 * another namespace's (brig opens its root after the overlay too) */
	close(t->root_fd);
	t->root_fd = open(t->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	dir = rootfs_mkpath(t->root_fd, "mnt", 0755, 0, &e);
	if (dir < 0)
		return __LINE__;
	/* the race: "mnt" becomes a link to the host's directory */
	path_of(p, t->root, "mnt");
	path_of(q, t->root, "mnt-was");
	if (rename(p, q) < 0 || symlink(t->outside, p) < 0)
		return __LINE__;
	if (rootfs_mount_fs(dir, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=700") < 0)
		return __LINE__;
	if (statfs(q, &sf) < 0 || sf.f_type != TMPFS_MAGIC)
		return __LINE__;
	if (statfs(t->outside, &sf) < 0 || sf.f_type == TMPFS_MAGIC)
		return __LINE__;
	/* a read-only bind of a file onto a file */
	put(t->root, "target", "old");
	path_of(p, t->outside, "secret");
	src = open(p, O_PATH | O_CLOEXEC);
	file = rootfs_open(t->root_fd, "target", O_PATH, 0);
	if (src < 0 || file < 0 || rootfs_bind(src, file, false, MOUNT_ATTR_RDONLY) < 0)
		return __LINE__;
	path_of(p, t->root, "target");
	if (open(p, O_WRONLY | O_CLOEXEC) >= 0 || errno != EROFS)
		return __LINE__;
	return 0;
}

static void test_mounts_on_fds(void **state)
{
	struct tree *t = *state;
	int status;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(mounts_in_child(t));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_absolute_link_stays_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_relative_link_stays_inside, setup, teardown),
		cmocka_unit_test(test_open_refuses_magic_links),
		cmocka_unit_test_setup_teardown(test_mkpath_through_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkpath_dangling_link_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkpath_no_symlinks, setup, teardown),
		cmocka_unit_test(test_mkpath_nothing_in_proc),
		cmocka_unit_test_setup_teardown(test_kernel_fs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mounts_on_fds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
