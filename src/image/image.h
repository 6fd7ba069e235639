/* image.h - the image store under <root>/images/.
 *
 *   <root>/images/<name>.json          {"name","id","created","size","source"}
 *   <root>/images/by-id/<id>/rootfs/   the extracted root filesystem
 *
 * An import extracts into by-id/.tmp-<id>/, renames it to by-id/<id>, then
 * replaces <name>.json atomically, so readers see the old image or the new
 * one, never half of either.  This module never prints: warnings about
 * skipped archive entries go to brig_warn() (warn.h), e.g. "skipped '../x':
 * path escapes the image". */
#ifndef BRIG_IMAGE_H
#define BRIG_IMAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "util.h"

/* The image store's view of its users (the containers), given by the caller
 * so that the store knows nothing of how they are recorded (the engine
 * implements it over its container records, src/engine/images.c). */
struct image_users {
	/* Hold off new users (no container may start using an image) until
	 * unlock; returns a token >= 0 for unlock, or a negative errno. */
	int (*lock)(void *arg, struct brig_err *e);
	void (*unlock)(void *arg, int token);
	/* *used = whether any user references image_id. */
	int (*in_use)(void *arg, const char *image_id, bool *used, struct brig_err *e);
	void *arg;
};

/* Import a rootfs tarball (tar, optionally gzip/bzip2/xz/lzma/zstd
 * compressed, detected by content) or a directory tree as image name.
 * Replaces an existing image of that name; the old rootfs is removed
 * unless one of users still references it.  On failure nothing is
 * left behind.  id_out (may be NULL) receives the new id. */
int image_import(const struct brig_ctx *c, const struct image_users *users, const char *src,
		 const char *name, char id_out[BRIG_ID_LEN + 1], struct brig_err *e);

/* Resolve an image name to its id and rootfs directory
 * (<root>/images/by-id/<id>/rootfs).  Unknown: ENOENT with
 * "image 'x': no such image".  rootfs may be NULL. */
int image_resolve(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
		  char *rootfs, size_t len, struct brig_err *e);

/* The record of one image (new reference in *out). ENOENT as above. */
int image_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e);

/* All images as a JSON array of records sorted by name (new reference).
 * Corrupt records are skipped. */
int image_list(const struct brig_ctx *c, json_t **out, struct brig_err *e);

/* Remove an image: EBUSY "image NAME is in use by a container" while one of
 * users references it (checked and removed under users->lock), ENOENT when
 * unknown. */
int image_remove(const struct brig_ctx *c, const struct image_users *users, const char *name,
		 struct brig_err *e);

/* Remove rootfs directories that no image name and none of users references,
 * and leftovers of interrupted imports.  *removed (may be NULL) counts them. */
int image_prune(const struct brig_ctx *c, const struct image_users *users, int *removed,
		struct brig_err *e);

/* The extraction engine, exposed for tests and the fuzz target: extract a
 * tar (any supported compression) from a file or a buffer into dest, an
 * existing directory.  Entry names are normalised and contained with
 * safe_join; entries that would escape are skipped with a warning; symlinks
 * are created as they are but never followed while extracting.  Returns the
 * number of entries written (>= 0). */
int image_extract_file(const char *path, const char *dest, struct brig_err *e);
int image_extract_buf(const void *buf, size_t len, const char *dest, struct brig_err *e);

#endif
