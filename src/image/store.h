/* store.h - the image store's files (private to src/image).
 *
 *   <root>/images/.lock                   writers (import, tag, rm, prune)
 *   <root>/images/repositories.json       {"refs": {"docker.io/library/x:latest": "<id>"}}
 *   <root>/images/by-id/<id>/config.json  the image config, byte for byte
 *                                         (<id> = its sha256)
 *   <root>/images/by-id/<id>/meta.json    {"source", "imported", "repo_digests"}
 *   <root>/images/layers/<hex>/diff/      a layer, extracted (<hex> = its diff id)
 *   <root>/images/layers/<hex>/layer.json {"diff_id", "size"}
 *   <root>/images/tmp/<pid>-<n>/          work of an import in progress
 *
 * Stores written before layers existed hold <root>/images/<name>.json and
 * by-id/<id>/rootfs/ (a flat image, no config): they are read as they are,
 * and the first writer folds the names into repositories.json. */
#ifndef BRIG_STORE_H
#define BRIG_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "digest.h"

/* <root>/images/<sub> (sub may be NULL). */
int store_path(const struct brig_ctx *c, const char *sub, char *out, size_t len,
	       struct brig_err *e);
/* by-id/<id>/<file> and layers/<hex>/<file> (file may be NULL). */
int store_image_path(const struct brig_ctx *c, const char *id, const char *file, char *out,
		     size_t len, struct brig_err *e);
int store_layer_path(const struct brig_ctx *c, const char *hex, const char *file, char *out,
		     size_t len, struct brig_err *e);

/* Take the writers' lock (returns the fd); folds legacy names in. */
int store_lock(const struct brig_ctx *c, struct brig_err *e);

/* The reference map {"canonical ref": "<id>"} (new reference). */
int store_refs(const struct brig_ctx *c, json_t **refs, struct brig_err *e);
/* Write a record atomically, indented, keys sorted. */
int store_write_json(const char *path, json_t *j, struct brig_err *e);

/* Replace the map (under the lock). */
int store_refs_save(const struct brig_ctx *c, json_t *refs, struct brig_err *e);

/* Find an image by reference, "sha256:<id>", id or unique id prefix. */
int store_find(const struct brig_ctx *c, const char *name, char id[SHA256_HEX + 1],
	       struct brig_err *e);
/* The canonical form of a reference the user typed ("alpine" ->
 * "docker.io/library/alpine:latest"). */
int store_canonical(const char *name, char *out, size_t len, struct brig_err *e);

/* An image's config (NULL config.json: a legacy flat image, *cfg = {}). */
int store_config(const struct brig_ctx *c, const char *id, json_t **cfg, struct brig_err *e);
/* An image's meta.json ({} when absent). */
int store_meta(const struct brig_ctx *c, const char *id, json_t **meta, struct brig_err *e);
/* The diff ids of an image's layers, bottom first (from its config). */
json_t *store_diff_ids(json_t *cfg);
/* Bytes of a stored layer (its layer.json; 0 when unknown). */
int64_t store_layer_size(const struct brig_ctx *c, const char *diff_id);
/* Bytes of an image's layers (sum of layer.json sizes). */
int64_t store_image_size(const struct brig_ctx *c, const char *id, json_t *cfg);

/* A fresh work directory under tmp/ (created 0700); stale ones of dead
 * importers are swept first. */
int store_tmp(const struct brig_ctx *c, char *out, size_t len, struct brig_err *e);
/* Remove work directories whose importer is gone; returns how many. */
int store_tmp_sweep(const struct brig_ctx *c);

#endif
