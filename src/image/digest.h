/* digest.h - SHA-256 and content digests ("sha256:<64 hex>").
 *
 * libcrypto (OpenSSL 3) is loaded on first use, like libarchive: only
 * commands that hash (import, pull, save) pay for it.  A digest read from
 * an archive or a registry is untrusted text: check it with digest_valid
 * before it names a file (CVE-2024-3727). */
#ifndef BRIG_DIGEST_H
#define BRIG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define SHA256_HEX 64
#define DIGEST_MAX (7 + SHA256_HEX + 1) /* "sha256:" + hex + NUL */

struct sha256 {
	void *ctx; /* EVP_MD_CTX */
};

int sha256_init(struct sha256 *h, struct brig_err *e);
void sha256_update(struct sha256 *h, const void *buf, size_t len);
/* Write the lowercase hex digest and release the context. */
void sha256_final(struct sha256 *h, char hex[SHA256_HEX + 1]);
/* Release without a result (safe on a zeroed or finished struct). */
void sha256_free(struct sha256 *h);

/* The digest of a buffer, "sha256:<hex>". */
int sha256_digest(const void *buf, size_t len, char out[DIGEST_MAX], struct brig_err *e);

/* "sha256:" followed by exactly 64 lowercase hex characters. */
bool digest_valid(const char *d);
/* 64 lowercase hex characters (an image or layer id). */
bool hex_id_valid(const char *s);

#endif
