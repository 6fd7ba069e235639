/* images.h - the image store as front ends (the CLI, a lab runner, the API)
 * use it: src/image's store with the engine's container records as its
 * users, so an image a container uses is never removed from under it.
 * Each function is its image_* namesake (image.h) with those users. */
#ifndef BRIG_IMAGES_H
#define BRIG_IMAGES_H

#include <jansson.h>
#include <stddef.h>

#include "ctx.h"
#include "util.h"

/* Import a rootfs tarball or directory as image name (image_import); the
 * old rootfs of that name goes unless a container still uses it.  id_out
 * (may be NULL) receives the new id. */
int images_import(const struct brig_ctx *c, const char *src, const char *name,
		  char id_out[BRIG_ID_LEN + 1], struct brig_err *e);

/* Resolve name to its id and rootfs directory (rootfs may be NULL);
 * ENOENT "image 'x': no such image" when unknown. */
int images_resolve(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
		   char *rootfs, size_t len, struct brig_err *e);

/* The record of one image (new reference in *out); ENOENT when unknown. */
int images_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e);

/* All images as a JSON array sorted by name (new reference). */
int images_list(const struct brig_ctx *c, json_t **out, struct brig_err *e);

/* Remove an image; EBUSY while a container record references it, checked
 * under the container store lock so no run can start using it meanwhile. */
int images_remove(const struct brig_ctx *c, const char *name, struct brig_err *e);

/* Remove image data no name and no container references, and leftovers of
 * interrupted imports; *removed (may be NULL) counts them. */
int images_prune(const struct brig_ctx *c, int *removed, struct brig_err *e);

#endif
