/* gvc_lazy.h - Graphviz's libgvc (and libcgraph under it), loaded on first
 * use (gvc_lazy.c).
 *
 * libgvc pulls in libcgraph, libcdt, libpathplan, libltdl, expat and, for
 * its plugins, cairo, pango and the rest: loading them on every exec would
 * tax each `brig run` for the sake of `brig lab graph --format svg|png`.
 * So brig does not link it; graph_render asks for this table of the few
 * entry points it uses, resolved from "libgvc.so.6" on the first call.  The
 * members keep Graphviz's own prototypes (taken from its headers, so that
 * they follow the installed version). */
#ifndef BRIG_GVC_LAZY_H
#define BRIG_GVC_LAZY_H

#include <gvc.h>

#include "err.h"

struct gvc_api {
	__typeof__(&gvContext) context;
	__typeof__(&gvLayout) layout;
	__typeof__(&gvFreeLayout) free_layout;
	__typeof__(&gvRenderData) render_data;
	__typeof__(&gvFreeRenderData) free_render_data;
	__typeof__(&agmemread) memread;
	__typeof__(&agclose) close;
	__typeof__(&agseterr) seterr;
	__typeof__(&agseterrf) seterrf;
};

/* The table, loading libgvc on the first call; NULL with ELIBACC and
 * dlerror()'s words in e when the library or a symbol is missing (install
 * Graphviz: the Debian package libgvc6). */
const struct gvc_api *gvc_api_load(struct brig_err *e);

#endif
