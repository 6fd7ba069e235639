/* pull.h - the registry verbs for front ends: pull (registry to the image
 * store), push (store to registry), login and logout.  src/image/registry.c
 * speaks the protocol; this glue gives it a layout directory under the
 * store and hands the result to the store's importer. */
#ifndef BRIG_PULL_H
#define BRIG_PULL_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"

#define IMAGES_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL */
#define IMAGES_REF_MAX 512
#define IMAGES_HOST_MAX 256

/* Bytes of one blob so far (done == total: complete or already there). */
typedef void (*images_progress_fn)(void *arg, const char *digest, uint64_t done, uint64_t total);

struct images_pull_opts {
	bool insecure;        /* plain HTTP / unverified TLS for this registry */
	const char *platform; /* "os/arch[/variant]"; NULL: the host's */
	images_progress_fn progress; /* may be NULL */
	void *arg;
};

struct images_pulled {
	char ref[IMAGES_REF_MAX];          /* canonical: "127.0.0.1:5000/test/bb:1" */
	char digest[IMAGES_DIGEST_MAX];    /* the manifest (or index) digest */
	char id[IMAGES_DIGEST_MAX];        /* the image's id, if the store said */
	bool up_to_date;                   /* the store had it: nothing was fetched */
};

/* Pull ref ("127.0.0.1:5000/test/bb:1", "alpine", "repo@sha256:...")
 * from its registry and import it into the store under its canonical name
 * (a reference with a digest resolves, untagged, as in Docker).  The download goes to
 * <root>/images/pulls/<sha256 of the canonical ref>/, an OCI image layout
 * kept when anything fails so the next pull of the same ref fetches only
 * what is missing, and removed once imported.  Concurrent pulls of one ref
 * wait for each other.  When the manifest names an image the store has
 * already (its config digest is a known image id), no blob is fetched: ref
 * is only (re)tagged, as Docker's "Image is up to date".  o and out may be
 * NULL. */
int images_pull(const struct brig_ctx *c, const char *ref, const struct images_pull_opts *o,
		struct images_pulled *out, struct brig_err *e);

/* Remove what failed pulls left under <root>/images/pulls/ (kept there so
 * that the next pull resumes), skipping pulls in progress; *removed (may be
 * NULL) counts them.  For image prune and system reset. */
int images_pull_prune(const struct brig_ctx *c, int *removed, struct brig_err *e);

/* Whether run should pull image before it creates a container: a
 * reference (a rootfs directory, "/..." or "./...", is none) that the
 * store does not know.  run then calls images_pull (the CLI's
 * cli_pull_image says so as Docker does and shows the progress). */
bool images_need_pull(const struct brig_ctx *c, const char *image);

/* Push the store's image ref to the registry ref names: exported as an
 * OCI layout into a temp dir under <root>/images/tmp/, uploaded, removed.
 * digest (may be NULL) receives the pushed manifest's digest. */
int images_push(const struct brig_ctx *c, const char *ref, const struct images_pull_opts *o,
		char digest[IMAGES_DIGEST_MAX], struct brig_err *e);

/* Check user and pass against registry (NULL or "": Docker Hub) and store
 * them in <root>/auth.json (mode 0600).  host receives the registry's
 * name as stored ("127.0.0.1:5000", "docker.io"). */
int images_login(const struct brig_ctx *c, const char *registry, const char *user,
		 const char *pass, const struct images_pull_opts *o, char host[IMAGES_HOST_MAX],
		 struct brig_err *e);

/* Forget registry's credentials; *found says whether there were any. */
int images_logout(const struct brig_ctx *c, const char *registry, char host[IMAGES_HOST_MAX],
		  bool *found, struct brig_err *e);

#endif
