/* graph.h - a lab drawn as a graph: its model (nodes grouped by their
 * `group`, bridges, the host, the management network; links with the
 * interface, address and impairments of each end, and their MTU), the text
 * writers (Graphviz dot, mermaid flowchart) and the rendering of dot into
 * svg or png through Graphviz's library (libgvc, loaded on first use by
 * gvc_lazy.c: brig never execs `dot`).
 *
 * The model is filled from a topology file (graph_from_topo) or, for a
 * running lab, by the engine from its record and its nodes' live state
 * (src/engine/lab_graph.c).  Nothing here prints. */
#ifndef BRIG_LAB_GRAPH_H
#define BRIG_LAB_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "netem.h"
#include "topo.h"

enum graph_kind {
	GRAPH_NODE,   /* a container */
	GRAPH_BRIDGE, /* a kind: bridge node */
	GRAPH_HOST,   /* the host's namespace (host:IF ends, host links) */
	GRAPH_MGMT,   /* the management network (mgmt-net links end there) */
	GRAPH_DUMMY,  /* the far side of a dummy interface: nothing */
};

struct graph_node {
	enum graph_kind kind;
	char *name;
	char *group; /* NULL: none (a cluster per group) */
	char *image; /* NULL: not shown */
	char *mgmt;  /* management address as shown ("172.20.20.2/24"); NULL:
		      * not on it, or leased and not known (a file's graph) */
};

struct graph_end {
	size_t node; /* index into nodes */
	char *ifname;
	char *addr;  /* "10.0.0.1/30"; NULL: none */
	char *addr6; /* "2001:db8::1/64"; NULL: none */
	struct netem_params netem; /* what leaves this end; all zero: nothing */
};

struct graph_link {
	struct graph_end a, b;
	int mtu; /* 0: the default (not shown) */
};

struct graph {
	char *name;
	char *mgmt_network, *mgmt_subnet; /* NULL: no node uses it */
	struct graph_node *nodes;
	size_t n_nodes;
	struct graph_link *links;
	size_t n_links;
};

/* Add a node (strings copied; NULL ones stay NULL): its index, or a
 * negative errno (e). */
long graph_add_node(struct graph *g, enum graph_kind kind, const char *name, const char *group,
		    const char *image, const char *mgmt, struct brig_err *e);

/* The index of the node of kind named name, added when missing (host,
 * management network). */
long graph_node(struct graph *g, enum graph_kind kind, const char *name, struct brig_err *e);

/* Add link l: its ends' nodes are indexes already added; ifname and addr
 * are copied. */
int graph_add_link(struct graph *g, const struct graph_link *l, struct brig_err *e);

/* Name the graph and its management network (either string may be NULL). */
int graph_set(struct graph *g, const char *name, const char *mgmt_network,
	      const char *mgmt_subnet, struct brig_err *e);

/* The graph of a topology: its nodes (a linux node's management address
 * only when the file fixes it: mgmt-ipv4), bridges, links, and the
 * management network with the subnet the file gives (or brig's default). */
int graph_from_topo(const struct topo *t, struct graph *g, struct brig_err *e);

void graph_free(struct graph *g);

/* Graphviz dot text (an undirected graph; quoted IDs, a cluster per group,
 * interface names and addresses as tail and head labels, MTU and
 * impairments as the edge's label).  *out malloc'd, NUL-terminated, *len
 * without the NUL. */
int graph_dot(const struct graph *g, char **out, size_t *len, struct brig_err *e);

/* A mermaid flowchart (`graph LR`, a subgraph per group, one labelled
 * edge per link). */
int graph_mermaid(const struct graph *g, char **out, size_t *len, struct brig_err *e);

/* Impairments in a graph's words: "50ms±5ms loss 1% 10mbit" (only what is
 * set; "" when nothing). */
void graph_netem_str(const struct netem_params *p, char *buf, size_t len);

/* Lay dot text out (Graphviz's dot layout) and render it as format ("svg"
 * or "png") through libgvc, loaded on first use.  *out malloc'd. */
int graph_render(const char *dot, const char *format, char **out, size_t *len,
		 struct brig_err *e);

#endif
