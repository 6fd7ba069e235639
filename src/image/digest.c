/* digest.c - SHA-256 through libcrypto's EVP interface, loaded on first
 * use (see digest.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"

#define LIBCRYPTO "libcrypto.so.3"

static struct {
	void *lib;
	void *(*ctx_new)(void);
	void (*ctx_free)(void *);
	const void *(*sha256)(void);
	int (*init)(void *, const void *, void *);
	int (*update)(void *, const void *, size_t);
	int (*final)(void *, unsigned char *, unsigned int *);
} crypto;

static int crypto_load(struct brig_err *e)
{
	void *lib;

	if (crypto.lib)
		return 0;
	lib = dlopen(LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return brig_errf(e, ELIBACC, "load %s: %s", LIBCRYPTO, dlerror());
	*(void **)&crypto.ctx_new = dlsym(lib, "EVP_MD_CTX_new");
	*(void **)&crypto.ctx_free = dlsym(lib, "EVP_MD_CTX_free");
	*(void **)&crypto.sha256 = dlsym(lib, "EVP_sha256");
	*(void **)&crypto.init = dlsym(lib, "EVP_DigestInit_ex");
	*(void **)&crypto.update = dlsym(lib, "EVP_DigestUpdate");
	*(void **)&crypto.final = dlsym(lib, "EVP_DigestFinal_ex");
	if (!crypto.ctx_new || !crypto.ctx_free || !crypto.sha256 || !crypto.init ||
	    !crypto.update || !crypto.final) {
		dlclose(lib);
		return brig_errf(e, ELIBACC, "%s: SHA-256 functions missing", LIBCRYPTO);
	}
	crypto.lib = lib;
	return 0;
}

int sha256_init(struct sha256 *h, struct brig_err *e)
{
	h->ctx = NULL;
	if (crypto_load(e) < 0)
		return -e->code;
	h->ctx = crypto.ctx_new();
	if (!h->ctx || crypto.init(h->ctx, crypto.sha256(), NULL) != 1) {
		sha256_free(h);
		return brig_errf(e, ENOMEM, "SHA-256: cannot initialise");
	}
	return 0;
}

void sha256_update(struct sha256 *h, const void *buf, size_t len)
{
	if (h->ctx && len)
		crypto.update(h->ctx, buf, len);
}

void sha256_final(struct sha256 *h, char hex[SHA256_HEX + 1])
{
	unsigned char md[32];
	unsigned int n = 0;

	memset(md, 0, sizeof(md));
	if (h->ctx)
		crypto.final(h->ctx, md, &n);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	sha256_free(h);
}

void sha256_free(struct sha256 *h)
{
	if (h->ctx)
		crypto.ctx_free(h->ctx);
	h->ctx = NULL;
}

int sha256_digest(const void *buf, size_t len, char out[DIGEST_MAX], struct brig_err *e)
{
	struct sha256 h;

	if (sha256_init(&h, e) < 0)
		return -e->code;
	sha256_update(&h, buf, len);
	memcpy(out, "sha256:", 7);
	sha256_final(&h, out + 7);
	return 0;
}

bool hex_id_valid(const char *s)
{
	size_t n = 0;

	for (; s && s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == SHA256_HEX;
}

bool digest_valid(const char *d)
{
	return d && strncmp(d, "sha256:", 7) == 0 && hex_id_valid(d + 7);
}
