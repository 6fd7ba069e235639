/* curl_lazy.c - libcurl's entry points through dlopen (curl_lazy.h). */
#include <dlfcn.h>
#include <stddef.h>

#include "curl_lazy.h"

#define LIBCURL "libcurl.so.4"

static struct curl_api api;
static void *lib;

/* Each member of struct curl_api and the symbol that fills it. */
static const struct {
	const char *name;
	size_t off;
} symbols[] = {
	{ "curl_easy_init", offsetof(struct curl_api, easy_init) },
	{ "curl_easy_cleanup", offsetof(struct curl_api, easy_cleanup) },
	{ "curl_easy_reset", offsetof(struct curl_api, easy_reset) },
	{ "curl_easy_setopt", offsetof(struct curl_api, easy_setopt) },
	{ "curl_easy_getinfo", offsetof(struct curl_api, easy_getinfo) },
	{ "curl_easy_perform", offsetof(struct curl_api, easy_perform) },
	{ "curl_easy_strerror", offsetof(struct curl_api, easy_strerror) },
	{ "curl_slist_append", offsetof(struct curl_api, slist_append) },
	{ "curl_slist_free_all", offsetof(struct curl_api, slist_free_all) },
};

const struct curl_api *curl_api_load(struct brig_err *e)
{
	struct curl_api a;
	void *h;

	if (lib)
		return &api;
	h = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		brig_errf(e, ELIBACC, "load %s: %s", LIBCURL, dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *fn = dlsym(h, symbols[i].name);
		if (!fn) {
			brig_errf(e, ELIBACC, "%s: %s missing", LIBCURL, symbols[i].name);
			dlclose(h);
			return NULL;
		}
		*(void **)((char *)&a + symbols[i].off) = fn;
	}
	api = a;
	lib = h;
	return &api;
}
