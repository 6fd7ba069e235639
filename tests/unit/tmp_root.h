/* tmp_root.h - a throwaway brig root for unit tests that keep records:
 * <dir>/root and <dir>/run under a fresh /tmp/brig-<tag>-XXXXXX. */
#ifndef BRIG_TEST_TMP_ROOT_H
#define BRIG_TEST_TMP_ROOT_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"
#include "io.h"

struct tmp_root {
	char dir[64], root[PATH_MAX], runroot[PATH_MAX];
	struct brig_ctx c;
};

/* Make the directory; t->c points at its root and runroot. */
static inline void tmp_root_make(struct tmp_root *t, const char *tag)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/brig-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->root, sizeof(t->root), "%s/root", t->dir);
	snprintf(t->runroot, sizeof(t->runroot), "%s/run", t->dir);
	t->c.root = t->root;
	t->c.runroot = t->runroot;
}

static inline void tmp_root_remove(struct tmp_root *t)
{
	struct brig_err e;

	remove_tree(t->dir, &e);
}

/* cmocka setup and teardown with a struct tmp_root of its own as the
 * test's state (setup: tmp_root_setup(state, "tag")).  tmp_root_teardown
 * also ends a calloc'd fixture whose first member is its struct tmp_root. */
static inline int tmp_root_setup(void **state, const char *tag)
{
	struct tmp_root *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	tmp_root_make(t, tag);
	*state = t;
	return 0;
}

static inline int tmp_root_teardown(void **state)
{
	tmp_root_remove(*state);
	free(*state);
	return 0;
}

#endif
