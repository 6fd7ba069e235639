/* gvc_lazy.c - libgvc's entry points through dlopen (gvc_lazy.h). */
#include <dlfcn.h>
#include <stddef.h>

#include "gvc_lazy.h"

#define LIBGVC "libgvc.so.6"

static struct gvc_api api;
static void *lib;

/* Each member of struct gvc_api and the symbol that fills it (agmemread
 * and the ag* ones are libcgraph's: dlsym on libgvc's handle searches the
 * libraries it depends on too). */
static const struct {
	const char *name;
	size_t off;
} symbols[] = {
	{ "gvContext", offsetof(struct gvc_api, context) },
	{ "gvLayout", offsetof(struct gvc_api, layout) },
	{ "gvFreeLayout", offsetof(struct gvc_api, free_layout) },
	{ "gvRenderData", offsetof(struct gvc_api, render_data) },
	{ "gvFreeRenderData", offsetof(struct gvc_api, free_render_data) },
	{ "agmemread", offsetof(struct gvc_api, memread) },
	{ "agclose", offsetof(struct gvc_api, close) },
	{ "agseterr", offsetof(struct gvc_api, seterr) },
	{ "agseterrf", offsetof(struct gvc_api, seterrf) },
};

const struct gvc_api *gvc_api_load(struct brig_err *e)
{
	struct gvc_api a;
	void *h;

	if (lib)
		return &api;
	h = dlopen(LIBGVC, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		brig_errf(e, ELIBACC, "load %s (install Graphviz: libgvc6): %s", LIBGVC,
			  dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *fn = dlsym(h, symbols[i].name);
		if (!fn) {
			brig_errf(e, ELIBACC, "%s: %s missing", LIBGVC, symbols[i].name);
			dlclose(h);
			return NULL;
		}
		*(void **)((char *)&a + symbols[i].off) = fn;
	}
	api = a;
	lib = h;
	return &api;
}
