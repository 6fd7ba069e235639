/* images.h - the image store as front ends (the CLI, a lab runner, the API)
 * use it: src/image's store with the engine's container records as its
 * users, so an image a container uses is never removed from under it.
 * Each function is its image_* namesake (image.h) with those users. */
#ifndef BRIG_IMAGES_H
#define BRIG_IMAGES_H

#include <jansson.h>
#include <stddef.h>

#include "ctx.h"
#include "image.h"
#include "util.h"

/* Import a rootfs tarball, docker-save archive, OCI layout or archive
 * (image_import); *loaded lists the images with their tags. */
int images_import(const struct brig_ctx *c, const char *src, const struct image_import_opts *o,
		  json_t **loaded, struct brig_err *e);

/* One image as `docker image inspect` shows it; ENOENT when unknown. */
int images_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e);

/* Rows of `image ls` (image_list). */
int images_list(const struct brig_ctx *c, json_t **out, struct brig_err *e);

/* Give image src the reference dst. */
int images_tag(const struct brig_ctx *c, const char *src, const char *dst, struct brig_err *e);

/* The image's history, newest first. */
int images_history(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e);

/* Remove a reference, and the image with its last one; EBUSY while a
 * container record references that image, checked under the container
 * store lock so no run can start using it meanwhile. */
int images_remove(const struct brig_ctx *c, const char *name, bool *untagged_only,
		  struct brig_err *e);

/* Write images (references or ids) as one docker-save archive to fd
 * (image_save), for a front end that streams it (the API's images/get). */
int images_save_fd(const struct brig_ctx *c, const char *const *names, size_t n, int fd,
		   struct brig_err *e);

/* Remove unused untagged images (all unused ones when all), unreferenced
 * layers and leftovers of interrupted imports; *removed counts them. */
int images_prune(const struct brig_ctx *c, bool all, int *removed, struct brig_err *e);

#endif
