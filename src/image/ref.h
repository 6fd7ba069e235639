/* ref.h - image references as Docker spells them:
 *
 *   [DOMAIN/]PATH[:TAG][@sha256:HEX]
 *
 * DOMAIN is the first component when it holds a '.' or a ':' or is
 * "localhost"; otherwise docker.io, where a one-component PATH gains
 * "library/".  Neither TAG nor digest: TAG "latest".  So "alpine" is
 * docker.io/library/alpine:latest, shown back as "alpine:latest". */
#ifndef BRIG_REF_H
#define BRIG_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "digest.h"
#include "err.h"

#define REF_NAME_MAX 256 /* domain + "/" + path, as Docker bounds it */
#define REF_TAG_MAX 128
#define REF_MAX (REF_NAME_MAX + 1 + REF_TAG_MAX + 1 + DIGEST_MAX)

struct image_ref {
	char domain[REF_NAME_MAX]; /* "docker.io", "localhost:5000" */
	char path[REF_NAME_MAX];   /* "library/alpine", "lab/r1" */
	char tag[REF_TAG_MAX + 1]; /* "" when only a digest was given */
	char digest[DIGEST_MAX];   /* "" or "sha256:<hex>" */
};

/* Parse and normalise s; EINVAL with Docker's words for a bad one
 * ("invalid reference format: repository name must be lowercase"). */
int ref_parse(const char *s, struct image_ref *r, struct brig_err *e);

/* The canonical name, "docker.io/library/alpine:latest", with "@sha256:..."
 * after it when the reference has a digest. */
void ref_string(const struct image_ref *r, char *out, size_t len);
/* The repository alone, "docker.io/library/alpine". */
void ref_repo(const struct image_ref *r, char *out, size_t len);
/* Docker's short form of a canonical repository: "docker.io/library/x"
 * -> "x", "docker.io/u/x" -> "u/x", anything else unchanged. */
const char *ref_familiar(const char *repo);

#endif
