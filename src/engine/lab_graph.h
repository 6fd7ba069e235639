/* lab_graph.h - `brig lab graph`: a lab drawn from its topology file, or
 * from a running lab's record and its nodes' live state (the management
 * addresses they really hold), as Graphviz dot, mermaid, svg or png (the
 * model and writers are src/lab/graph.h).  Nothing here prints. */
#ifndef BRIG_LAB_GRAPH_H_ENGINE
#define BRIG_LAB_GRAPH_H_ENGINE

#include <stddef.h>

#include "ctx.h"
#include "err.h"

enum lab_graph_format { LAB_GRAPH_DOT, LAB_GRAPH_MERMAID, LAB_GRAPH_SVG, LAB_GRAPH_PNG };

/* The list of format names, as the error and --help say it. */
#define LAB_GRAPH_FORMATS "dot, mermaid, svg or png"

/* The format named name ("dot", "mermaid", "svg", "png"): -EINVAL (e:
 * "invalid --format 'x': dot, mermaid, svg or png") for any other. */
int lab_graph_format(const char *name, enum lab_graph_format *f, struct brig_err *e);

/* Whether format f is binary (png): not for a terminal. */
int lab_graph_binary(enum lab_graph_format f);

/* The graph of ref in format f into *out (malloc'd, NUL-terminated after
 * *len bytes).  ref is a topology file when a regular file of that path
 * exists, else the name of a lab that is up (or was: its record); -ENOENT
 * "'REF': no such lab or topology file" when neither.  svg and png are
 * rendered by libgvc, loaded now (ELIBACC when Graphviz is missing). */
int lab_graph(const struct brig_ctx *c, const char *ref, enum lab_graph_format f, char **out,
	      size_t *len, struct brig_err *e);

#endif
