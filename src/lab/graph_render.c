/* graph_render.c - dot text laid out and rendered by Graphviz's library
 * (graph_render in graph.h), never by exec of `dot`. */
#include <stdlib.h>
#include <string.h>

#include "gvc_lazy.h"
#include "graph.h"

/* Graphviz reports errors through agerr, in pieces ("Error", ": ", the
 * message); they are gathered here instead of going to stderr. */
static char gv_msg[512];

static int gather(char *piece)
{
	size_t used = strlen(gv_msg);

	if (used < sizeof(gv_msg) - 1)
		snprintf(gv_msg + used, sizeof(gv_msg) - used, "%s", piece);
	return 0;
}

/* What Graphviz said, on one line, without its "Error: ". */
static const char *gv_said(void)
{
	char *p = gv_msg;

	if (strncmp(p, "Error: ", 7) == 0)
		p += 7;
	p[strcspn(p, "\n")] = '\0';
	return *p ? p : "no reason given";
}

/* Lay g out and render it into a malloc'd copy. */
static int render(const struct gvc_api *gv, GVC_t *ctx, Agraph_t *g, const char *format,
		  char **out, size_t *len, struct brig_err *e)
{
	char *data = NULL;
	unsigned int n = 0;
	int rc;

	if (gv->layout(ctx, g, "dot") != 0)
		return brig_errf(e, EINVAL, "graphviz: layout: %s", gv_said());
	rc = gv->render_data(ctx, g, format, &data, &n);
	if (rc == 0 && data && (*out = malloc(n + 1))) {
		memcpy(*out, data, n);
		(*out)[n] = '\0';
		*len = n;
	} else if (rc == 0) {
		rc = brig_errf(e, ENOMEM, "graphviz: render %s: out of memory", format);
	} else {
		rc = brig_errf(e, EINVAL, "graphviz: render %s: %s", format, gv_said());
	}
	if (data)
		gv->free_render_data(data);
	gv->free_layout(ctx, g);
	return rc;
}

/* The one context of the process, never freed: Graphviz 2.42's pango
 * plugin keeps a pointer to the last font name it laid out, which a freed
 * context's font table frees under it (a use after free on the next
 * render in a new context). */
static GVC_t *context(const struct gvc_api *gv)
{
	static GVC_t *ctx;

	if (!ctx)
		ctx = gv->context();
	return ctx;
}

int graph_render(const char *dot, const char *format, char **out, size_t *len,
		 struct brig_err *e)
{
	const struct gvc_api *gv = gvc_api_load(e);
	GVC_t *ctx;
	Agraph_t *g;
	int rc;

	*out = NULL;
	*len = 0;
	if (!gv)
		return -e->code;
	if (strcmp(format, "svg") != 0 && strcmp(format, "png") != 0)
		return brig_errf(e, EINVAL, "graphviz: format '%s': svg or png", format);
	gv_msg[0] = '\0';
	gv->seterrf(gather);
	gv->seterr(AGERR); /* warnings are not the user's business */
	if (!(ctx = context(gv)))
		return brig_errf(e, ENOMEM, "graphviz: no context: %s", gv_said());
	if (!(g = gv->memread(dot)))
		return brig_errf(e, EINVAL, "graphviz: %s", gv_said());
	rc = render(gv, ctx, g, format, out, len, e);
	gv->close(g);
	return rc;
}
