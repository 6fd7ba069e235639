/* commit.h - a container's filesystem out of it: `brig export` (the whole
 * tree as a tar) and `brig commit` (its changes as a new image layer). */
#ifndef BRIG_COMMIT_H
#define BRIG_COMMIT_H

#include "ctx.h"
#include "util.h"

/* Write the container's filesystem (image plus its changes) to fd as a tar. */
int container_export(const struct brig_ctx *c, const char *ref, int fd, struct brig_err *e);

/* Make the container's changes a new image on top of its own, tagged ref
 * (may be NULL); id_out receives the new image's id. */
int container_commit(const struct brig_ctx *c, const char *ref, const char *tag,
		     const char *comment, char id_out[BRIG_ID_LEN + 1], struct brig_err *e);

/* Write images as a docker-save archive to path ("-": fd 1), atomically. */
int images_save(const struct brig_ctx *c, const char *const *names, size_t n, const char *path,
		struct brig_err *e);

#endif
