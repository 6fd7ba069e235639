/* labels.h - labels, Docker's metadata on containers and volumes: given
 * as "KEY=VALUE" (a bare "KEY" has an empty value), kept in a record as
 * one JSON object {KEY: VALUE}.  Checked the same for every front end
 * (`brig run --label`, `brig volume create --label`, a lab file). */
#ifndef BRIG_LABELS_H
#define BRIG_LABELS_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* Check one label "KEY=VALUE": a key of 1..255 characters without control
 * characters, and UTF-8 throughout (JSON keeps it).  The message is one
 * line (EINVAL). */
int labels_check(const char *kv, struct brig_err *e);

/* The object {KEY: VALUE} of labels[0..n), a later KEY replacing an
 * earlier one (Docker's labels are a map): a new reference, NULL when out
 * of memory. */
json_t *labels_json(char *const *labels, size_t n);

/* The string members of object o (anything else: none) as "KEY=VALUE"
 * strings, in o's order: *out a malloc'd NULL-terminated array of
 * malloc'd strings (strv_free it), *n their count.  No labels: *out NULL,
 * *n 0.  -ENOMEM when out of memory (nothing left allocated). */
int labels_from_json(json_t *o, char ***out, size_t *n);

/* Docker's merge at create: the image's labels (object image, may be
 * NULL) under labels[0..n), which win.  *out and *n as labels_from_json. */
int labels_merge(json_t *image, char *const *labels, size_t n, char ***out, size_t *n_out);

/* The value of key in labels[0..n) (the last given), or NULL. */
const char *labels_get(char *const *labels, size_t n, const char *key);

#endif
