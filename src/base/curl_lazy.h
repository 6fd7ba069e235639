/* curl_lazy.h - libcurl, loaded on first use (curl_lazy.c).
 *
 * libcurl pulls in OpenSSL, nghttp2, libssh2, LDAP and Kerberos: loading
 * them on every exec would tax each `brig run` for the sake of `brig pull`.
 * So brig does not link it; the registry client (src/image) and the CLI's
 * client of `brig serve` (src/cli/client.c) ask for this table of the few
 * entry points they use, resolved from "libcurl.so.4" on the first call.
 * The members keep libcurl's own prototypes (setopt and getinfo are
 * variadic: pass longs as 1L, as libcurl requires). */
#ifndef BRIG_CURL_LAZY_H
#define BRIG_CURL_LAZY_H

#include <curl/curl.h>

#include "err.h"

struct curl_api {
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *h);
	void (*easy_reset)(CURL *h);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* The table, loading libcurl on the first call; NULL with ELIBACC and
 * dlerror()'s words in e when the library or a symbol is missing. */
const struct curl_api *curl_api_load(struct brig_err *e);

#endif
