/* tmptree.h - unit tests that build a small file tree in a temp dir (a
 * confined root and what lies outside it): a path under a directory, a
 * file written whole, a symlink, and whether a name is there.
 * Header-only, as netns_child.h. */
#ifndef BRIG_TEST_TMPTREE_H
#define BRIG_TEST_TMPTREE_H

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* dir/name into buf (PATH_MAX bytes). */
static void path_of(char *buf, const char *dir, const char *name)
{
	assert_true(snprintf(buf, PATH_MAX, "%s/%s", dir, name) < PATH_MAX);
}

/* dir/name made (or emptied) and holding text. */
static void put(const char *dir, const char *name, const char *text)
{
	char p[PATH_MAX];
	int fd;

	path_of(p, dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* dir/name made, a symlink to target. */
static void link_in(const char *dir, const char *name, const char *target)
{
	char p[PATH_MAX];

	path_of(p, dir, name);
	assert_int_equal(symlink(target, p), 0);
}

/* dir/name is there (a dangling symlink is). */
static bool exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	path_of(p, dir, name);
	return lstat(p, &st) == 0;
}

#endif
