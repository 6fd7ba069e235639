/* registry_parse.h - the registry client's pure parsers: no I/O, no
 * network, so each has a unit test (tests/unit/test_registry.c) and a
 * libFuzzer target (tests/fuzz/fuzz_www_auth.c, fuzz_manifest.c,
 * fuzz_insecure.c, fuzz_auth_json.c).
 *
 * Everything here reads text a registry or a user wrote, so every field
 * is bounded and every digest is checked with digest_valid() before the
 * caller may use it as a file name (CVE-2024-3727). */
#ifndef BRIG_REGISTRY_PARSE_H
#define BRIG_REGISTRY_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "err.h"

/* ---- WWW-Authenticate and token responses ---- */

enum reg_scheme { REG_AUTH_NONE, REG_AUTH_BASIC, REG_AUTH_BEARER };

#define REG_REALM_MAX 1024
#define REG_PARAM_MAX 512

struct reg_challenge {
	enum reg_scheme scheme;
	char realm[REG_REALM_MAX];
	char service[REG_PARAM_MAX];
	char scope[REG_PARAM_MAX];
};

/* Parse one WWW-Authenticate value (RFC 7235: challenges separated by
 * commas, each a scheme then name=token or name="quoted" parameters, or a
 * token68) into c, which the caller zeroes before the first header: a
 * Bearer challenge replaces anything else, a Basic one fills only an empty
 * c, so calling it on every header of a response keeps the best offer.
 * Unknown schemes and parameters are ignored.  -EINVAL for malformed text
 * or a parameter longer than its field (c then holds what was taken before). */
int reg_challenge_parse(const char *value, struct reg_challenge *c);

/* The token of a token server's JSON answer ("token", else
 * "access_token"), copied into out; EINVAL when absent, empty, longer than
 * len - 1 or not made of visible ASCII (it becomes a header line). */
int reg_token_parse(const char *body, size_t len, char *out, size_t outlen, struct brig_err *e);

/* Percent-encode s for a URL query (RFC 3986 unreserved kept); -ENAMETOOLONG
 * when it does not fit in len. */
int reg_query_escape(const char *s, char *out, size_t len);

/* Standard base64 with padding.  encode: -ENAMETOOLONG when out is too
 * small.  decode: -EINVAL for anything but canonical base64; the result is
 * NUL-terminated and its length is returned. */
int reg_base64_encode(const void *in, size_t n, char *out, size_t len);
int reg_base64_decode(const char *in, char *out, size_t len);

/* ---- manifests and indexes ---- */

#define REG_MEDIA_MAX 128

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

/* The Accept header of a manifest request: both families, both kinds. */
#define REG_MANIFEST_ACCEPT                                                  \
	"Accept: " MT_OCI_INDEX ", " MT_DOCKER_LIST ", " MT_OCI_MANIFEST ", " \
	MT_DOCKER_MANIFEST

struct reg_desc {
	char media_type[REG_MEDIA_MAX];
	char digest[DIGEST_MAX]; /* digest_valid() */
	int64_t size;            /* >= 0 */
};

/* A descriptor object (mediaType, digest, size) of what (named in
 * messages); EINVAL for a bad one, with "digest" in the message for a bad
 * digest. */
int reg_desc_parse(const json_t *j, const char *what, struct reg_desc *out, struct brig_err *e);

enum reg_kind { REG_KIND_MANIFEST, REG_KIND_INDEX };

/* A manifest document as fetched: its kind and media type (the body's
 * "mediaType", else content_type, else its shape), the parsed object.
 * Schema 1 manifests and unknown media types are refused (ENOTSUP). */
struct reg_doc {
	enum reg_kind kind;
	char media_type[REG_MEDIA_MAX];
	json_t *json;
};

int reg_doc_parse(const char *body, size_t len, const char *content_type, struct reg_doc *d,
		  struct brig_err *e);
void reg_doc_free(struct reg_doc *d);

/* An image manifest's blobs: the config, then the layers in order. */
struct reg_manifest {
	struct reg_desc config;
	struct reg_desc *layers;
	size_t n_layers;
};

/* The blobs of a REG_KIND_MANIFEST document; EINVAL for a missing or bad
 * descriptor (with "digest" in the message for a bad digest). */
int reg_manifest_blobs(const struct reg_doc *d, struct reg_manifest *m, struct brig_err *e);
void reg_manifest_free(struct reg_manifest *m);

struct reg_platform {
	char os[32];
	char arch[32];
	char variant[16];
};

/* "os/arch[/variant]" (Docker's --platform), arch names normalised as
 * Docker does (x86_64 -> amd64, aarch64 -> arm64); EINVAL otherwise. */
int reg_platform_parse(const char *s, struct reg_platform *p, struct brig_err *e);

/* linux and the architecture of uname(2)'s machine. */
void reg_platform_host(struct reg_platform *p);

/* A descriptor's "platform" object is want (os, architecture, and the
 * variant as reg_index_choose compares it). */
bool reg_platform_match(const json_t *plat, const struct reg_platform *want);

/* The manifest of an index (OCI index or Docker manifest list) for want:
 * the first entry whose os and architecture match, and whose variant
 * matches when either side names one (arm64's implicit variant is v8,
 * arm's v7).  ENOENT "no manifest for linux/amd64 in the index (it has
 * linux/arm64, ...)" when none does. */
int reg_index_choose(const struct reg_doc *d, const struct reg_platform *want, struct reg_desc *out,
		     struct brig_err *e);

/* ---- insecure registries (daemon.json) ---- */

/* Whether host ("name[:port]", "[v6]:port") is a loopback registry,
 * insecure by default as in Docker: localhost, 127.0.0.0/8, ::1. */
bool reg_host_loopback(const char *host);

/* Whether daemon.json's text (may be NULL) lists host among its
 * "insecure-registries": an entry "name[:port]" equal to host (an
 * "http://" or "https://" prefix and a trailing "/" are ignored), or a CIDR
 * containing host when host is an IP address.  Names are not resolved.
 * EINVAL for text that is not JSON or a list that is not strings. */
int reg_insecure_listed(const char *text, size_t len, const char *host, bool *out,
			struct brig_err *e);

/* ---- credentials (auth.json, Docker's config.json "auths") ---- */

#define REG_CRED_MAX 512

/* The key of a registry in "auths": "https://index.docker.io/v1/",
 * "registry-1.docker.io" and "index.docker.io" are "docker.io"; a scheme
 * and a path are dropped ("http://h:5000/v2/" is "h:5000"). */
void reg_auth_key(const char *host, char *out, size_t len);

/* host's credentials in auth.json's text: 1 with user and pass filled
 * (from "auth", base64 "user:pass", or "username"/"password"), 0 when
 * none is stored, negative (EINVAL) for a malformed file. */
int reg_auth_lookup(const char *text, size_t len, const char *host, char *user, size_t ulen,
		    char *pass, size_t plen, struct brig_err *e);

/* auth.json's text (may be NULL: a new file) with host's entry set to
 * user:pass, or removed when user is NULL; other keys are kept.  *out is
 * malloc'd; *found (may be NULL) says whether host had an entry. */
int reg_auth_update(const char *text, size_t len, const char *host, const char *user,
		    const char *pass, char **out, bool *found, struct brig_err *e);

#endif
