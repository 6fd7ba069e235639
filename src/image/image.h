/* image.h - the image store: images as Docker users hold them (layers,
 * configs, references), imported, listed, tagged, removed.  store.h shows
 * the files under <root>/images/.  This module never prints: warnings
 * about skipped archive entries go to brig_warn() (warn.h), e.g.
 * "skipped '../x': path escapes the image". */
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

struct image_import_opts {
	const char *ref;	 /* a tag for the image (required for a rootfs) */
	const char *source;	 /* recorded as the image's source */
	const char *repo_digest; /* "repo@sha256:..." of a pull, or NULL */
};

/* Import src: "-" (stdin), a file (a rootfs tarball, possibly compressed;
 * a docker-save archive; an OCI archive) or a directory (an OCI layout or
 * an unpacked docker save).  Every blob is checked against its digest
 * before anything enters the store; on failure the store is as before.
 * *loaded (may be NULL): [{"id": "sha256:...", "tags": [refs]}]. */
int image_import(const struct brig_ctx *c, const struct image_users *users, const char *src,
		 const struct image_import_opts *o, json_t **loaded, struct brig_err *e);

/* What a container needs of its image. */
struct image_info {
	char id[BRIG_ID_LEN + 1];
	char *lower;	/* overlay lower directories, top first, ':' between */
	json_t *config; /* the config's "config" object: Entrypoint, Cmd, Env... */
};

/* Resolve a reference, id or id prefix.  Unknown: ENOENT with
 * "image 'x': no such image". */
int image_resolve(const struct brig_ctx *c, const char *name, struct image_info *out,
		  struct brig_err *e);
void image_info_free(struct image_info *info);

/* Only whether name is known: its id, or ENOENT. */
int image_find(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
	       struct brig_err *e);

/* One image as `docker image inspect` shows it (new reference). */
int image_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e);

/* Rows of `image ls`, one per tag (an untagged image: one row with
 * Repository and Tag "<none>"), newest first:
 * {"Repository", "Tag", "Id", "Created", "Size"} (new reference). */
int image_list(const struct brig_ctx *c, json_t **out, struct brig_err *e);

/* Give the image src the reference dst (moving dst from another image). */
int image_tag(const struct brig_ctx *c, const char *src, const char *dst, struct brig_err *e);

/* The config's history, newest first: [{"Created", "CreatedBy", "Size",
 * "Comment"}] (new reference). */
int image_history(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e);

/* Remove a reference; the image goes with its last one.  EBUSY "image X is
 * in use by a container" when that last reference's image is used (checked
 * under users->lock), ENOENT when unknown.  *untagged_only tells which. */
int image_remove(const struct brig_ctx *c, const struct image_users *users, const char *name,
		 bool *untagged_only, struct brig_err *e);

/* Remove images without references that no user needs (all unused images
 * when all), then layers no image needs, then leftovers of interrupted
 * imports.  *removed (may be NULL) counts what went. */
int image_prune(const struct brig_ctx *c, const struct image_users *users, bool all, int *removed,
		struct brig_err *e);

/* Write images (references or ids) as one docker-save archive to fd:
 * manifest.json with RepoTags, blobs/sha256/<digest> for configs and
 * layers (uncompressed tars made afresh from the stored layers; when one
 * comes out different from the imported bytes, the config names the new
 * digest and so the saved image has a new id). */
int image_save(const struct brig_ctx *c, const char *const *names, size_t n, int fd,
	       struct brig_err *e);

/* Write image name as an OCI image layout into dir (an existing, empty
 * directory): one manifest, uncompressed layers, for a push. */
int image_export_oci(const struct brig_ctx *c, const char *name, const char *dir,
		     struct brig_err *e);

/* A work directory for the caller under the store's tmp/ (swept once its
 * creator is gone). */
int image_tmp_dir(const struct brig_ctx *c, char *out, size_t len, struct brig_err *e);

/* A new image: base_id's layers plus upper (a container's overlay upper
 * directory, whiteouts included) as one more; tagged ref (may be NULL). */
int image_commit(const struct brig_ctx *c, const char *base_id, const char *upper,
		 const char *ref, const char *comment, char id_out[BRIG_ID_LEN + 1],
		 struct brig_err *e);

/* Write the tree under dir to fd as a tar (export). */
int image_write_tree(const char *dir, int fd, struct brig_err *e);

/* Exposed for tests and the fuzz target (extract.c): extract a tar (any
 * supported compression) from a file or a buffer into dest. */
int image_extract_file(const char *path, const char *dest, struct brig_err *e);
int image_extract_buf(const void *buf, size_t len, const char *dest, struct brig_err *e);

#endif
