/* registry.h - the OCI distribution API client: pull an image into an OCI
 * image layout, push one from a layout, log in.
 *
 * HTTP goes through libcurl, loaded on first use (curl_lazy.h).  This
 * module never prints: progress goes to the caller's callback, errors to a
 * struct brig_err.  Every manifest and blob is checked against its digest
 * while it streams in (a temp file renamed once it verifies), and every
 * digest a registry names is checked with digest_valid() before it names
 * a file.
 *
 * Insecure registries (plain HTTP, or HTTPS without certificate checks):
 * loopback ones (localhost, 127.0.0.0/8, ::1) as in Docker, those listed
 * in <root>/daemon.json's "insecure-registries" ("host:port" or a CIDR),
 * and any with opts->insecure.  For those HTTPS is tried first, unverified,
 * and plain HTTP when TLS or the connection fails; every other registry is
 * HTTPS with verification only.  Credentials are <root>/auth.json (Docker's
 * config.json "auths" format, mode 0600). */
#ifndef BRIG_REGISTRY_H
#define BRIG_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "err.h"
#include "ref.h"

/* Bytes of one blob so far: done == total when it is complete (or was
 * already there).  digest is "sha256:<hex>". */
typedef void (*registry_progress_fn)(void *arg, const char *digest, uint64_t done,
				     uint64_t total);

struct registry_opts {
	const char *root;     /* <root>: daemon.json and auth.json live here */
	bool insecure;        /* --insecure: this registry may be plain HTTP */
	const char *platform; /* "os/arch[/variant]"; NULL: linux and the host's arch */
	registry_progress_fn progress; /* may be NULL */
	void *arg;
	/* Credentials to use instead of the stored ones (login); NULL: auth.json. */
	const char *user, *pass;
	/* Whether the caller's store has the image whose config has this
	 * digest (its image id); may be NULL.  See registry_pull. */
	bool (*have_image)(void *have_arg, const char *config_digest);
	void *have_arg;
};

/* Pull ref into layout_dir (created if needed) as an OCI image layout:
 * oci-layout, index.json naming one manifest (annotated
 * org.opencontainers.image.ref.name = the tag), blobs/sha256/<hex>.  An
 * index or manifest list gives the manifest of o->platform (default: the
 * host's).  Blobs already in layout_dir that verify are not fetched again,
 * so a caller that keeps layout_dir resumes a failed pull.  digest_out
 * receives the digest of the manifest the registry answered for ref (the
 * index's, for a multi-platform image), the one a RepoDigest names.  A
 * mismatch between any content and its digest fails with "digest" in the
 * message (EBADMSG).  When o->have_image says the image is there already,
 * nothing more is fetched or written and the result is 1 (Docker's "Image
 * is up to date"); 0 otherwise. */
int registry_pull(const struct image_ref *ref, const char *layout_dir,
		  const struct registry_opts *o, char digest_out[DIGEST_MAX], struct brig_err *e);

/* Push the image of layout_dir (its single manifest, or the one whose
 * ref.name is ref's tag) to ref: every blob the registry lacks (HEAD), then
 * the manifest with its media type.  digest_out (may be NULL) receives the
 * manifest's digest. */
int registry_push(const struct image_ref *ref, const char *layout_dir,
		  const struct registry_opts *o, char digest_out[DIGEST_MAX], struct brig_err *e);

/* The registry a user names ("127.0.0.1:5000", "https://quay.io/",
 * NULL or "" for Docker Hub) as brig keys it: "host[:port]", "docker.io"
 * for Docker Hub.  EINVAL for anything else. */
int registry_host_parse(const char *s, char *out, size_t len, struct brig_err *e);

/* Check o->user and o->pass against host (GET /v2/ with the auth flow),
 * then store them in <root>/auth.json.  EACCES "unauthorized: ..." when the
 * registry refuses them. */
int registry_login(const char *host, const struct registry_opts *o, struct brig_err *e);

/* Forget host's credentials; *found says whether there were any. */
int registry_logout(const char *root, const char *host, bool *found, struct brig_err *e);

#endif
