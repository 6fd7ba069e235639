/* lab_graph.c - a lab's graph from its file or from its record and live
 * state, written in the format asked for (lab_graph.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "container.h"
#include "graph.h"
#include "lab.h"
#include "lab_graph.h"
#include "lab_record.h"
#include "netem.h"
#include "network.h"
#include "parse.h"
#include "spec.h"
#include "state.h"
#include "topo.h"
#include "util.h"

static const char *const format_names[] = {
	[LAB_GRAPH_DOT] = "dot",
	[LAB_GRAPH_MERMAID] = "mermaid",
	[LAB_GRAPH_SVG] = "svg",
	[LAB_GRAPH_PNG] = "png",
};

int lab_graph_format(const char *name, enum lab_graph_format *f, struct brig_err *e)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*f = (enum lab_graph_format)i;
			return 0;
		}
	}
	return brig_errf(e, EINVAL, "invalid --format '%s': %s", name, LAB_GRAPH_FORMATS);
}

int lab_graph_binary(enum lab_graph_format f)
{
	return f == LAB_GRAPH_PNG;
}

/* ---- a running lab: its record, and what its nodes hold ---- */

/* The management address container node n holds on network mgmt, into
 * buf (at least 24 bytes); NULL when it holds none (stopped, gone, or not
 * on it). */
static const char *live_mgmt(const struct brig_ctx *c, const struct lab_rec_node *n,
			     const char *mgmt, char *buf)
{
	struct container_state st;
	char id[BRIG_ID_LEN + 1];
	struct brig_err ignored;

	if (!*n->container || !mgmt || !state_find_name(c, n->container, id) ||
	    state_load(c, id, NULL, &st, &ignored) < 0 || strcmp(container_status(&st), "running") != 0)
		return NULL;
	for (size_t i = 0; i < st.n_nets; i++)
		if (strcmp(st.nets[i].network, mgmt) == 0 && st.nets[i].address)
			return net_prefix_str(st.nets[i].address, st.nets[i].prefix, buf);
	return NULL;
}

/* The record's nodes, in order (graph nodes 0..n_nodes-1); *on_mgmt
 * when any holds a management address. */
static int rec_nodes(const struct brig_ctx *c, const struct lab_record *r, struct graph *g,
		     bool *on_mgmt, struct brig_err *e)
{
	*on_mgmt = false;
	for (size_t i = 0; i < r->n_nodes; i++) {
		const struct lab_rec_node *n = &r->nodes[i];
		char buf[24];
		const char *mgmt = live_mgmt(c, n, r->mgmt_network, buf);
		bool bridge = strcmp(n->kind, "bridge") == 0;

		*on_mgmt = *on_mgmt || mgmt;
		if (graph_add_node(g, bridge ? GRAPH_BRIDGE : GRAPH_NODE, n->name, n->group,
				   n->image, mgmt, e) < 0)
			return -e->code;
	}
	return 0;
}

/* The graph node of a recorded end: "host" is the host, else a node. */
static long rec_end_node(const struct lab_record *r, const struct lab_rec_link *l, bool b,
			 struct graph *g, struct brig_err *e)
{
	const struct lab_rec_end *end = b ? &l->b : &l->a;

	if (b && strcmp(l->type, "mgmt-net") == 0)
		return graph_node(g, GRAPH_MGMT, r->mgmt_network ? r->mgmt_network : "mgmt", e);
	if (b && strcmp(l->type, "dummy") == 0)
		return graph_add_node(g, GRAPH_DUMMY, "dummy", NULL, NULL, NULL, e);
	if (!end->node)
		return brig_errf(e, EINVAL, "lab %s: a %s link without its end", r->name, l->type);
	if (strcmp(end->node, "host") == 0)
		return graph_node(g, GRAPH_HOST, "host", e);
	for (size_t i = 0; i < r->n_nodes; i++)
		if (strcmp(r->nodes[i].name, end->node) == 0)
			return (long)i;
	return brig_errf(e, EINVAL, "lab %s: a link to unknown node '%s'", r->name, end->node);
}

/* The record's "delay 50ms rate 10mbit" (netem_params_str's words) back
 * into p, a key and its value at a time. */
static void rec_netem(const char *text, struct netem_params *p)
{
	char buf[256], *save = NULL, *key, *value;
	struct brig_err ignored;

	snprintf(buf, sizeof(buf), "%s", text);
	for (key = strtok_r(buf, " ", &save); key && (value = strtok_r(NULL, " ", &save));
	     key = strtok_r(NULL, " ", &save))
		netem_parse_value(p, key, value, &ignored);
}

static void rec_end(const struct lab_rec_end *from, long node, struct graph_end *to,
		    char cidr[24], char cidr6[NET_CIDR6_STRLEN])
{
	memset(to, 0, sizeof(*to));
	to->node = (size_t)node;
	to->ifname = from->ifname;
	to->addr = from->ipv4 ? (char *)lab_end_cidr(from, cidr) : NULL;
	to->addr6 = *lab_end_cidr6(from, cidr6) ? cidr6 : NULL;
	if (from->netem)
		rec_netem(from->netem, &to->netem);
}

static int rec_link(const struct lab_record *r, const struct lab_rec_link *l, struct graph *g,
		    struct brig_err *e)
{
	struct graph_link gl = { .mtu = l->mtu == TOPO_DEFAULT_MTU ? 0 : l->mtu };
	long a = rec_end_node(r, l, false, g, e), b;
	char ca[24], cb[24], ca6[NET_CIDR6_STRLEN], cb6[NET_CIDR6_STRLEN];

	if (a < 0 || (b = rec_end_node(r, l, true, g, e)) < 0)
		return -e->code;
	rec_end(&l->a, a, &gl.a, ca, ca6);
	rec_end(&l->b, b, &gl.b, cb, cb6);
	if (strcmp(l->type, "dummy") == 0)
		gl.b.ifname = NULL;
	return graph_add_link(g, &gl, e);
}

static int graph_from_record(const struct brig_ctx *c, const struct lab_record *r,
			     struct graph *g, struct brig_err *e)
{
	struct net_network net;
	struct brig_err ignored;
	char subnet[24] = "";
	bool on_mgmt;

	memset(g, 0, sizeof(*g));
	if (rec_nodes(c, r, g, &on_mgmt, e) < 0)
		return -e->code;
	if (on_mgmt && network_load(c, r->mgmt_network, &net, &ignored) == 0)
		net_cidr_str(&net, subnet);
	if (graph_set(g, r->name, on_mgmt ? r->mgmt_network : NULL, *subnet ? subnet : NULL, e) <
	    0)
		return -e->code;
	for (size_t i = 0; i < r->n_links; i++)
		if (rec_link(r, &r->links[i], g, e) < 0)
			return -e->code;
	return 0;
}

/* ---- the graph of ref ---- */

static int load_graph(const struct brig_ctx *c, const char *ref, struct graph *g,
		      struct brig_err *e)
{
	struct lab_record r;
	struct stat st;
	struct topo t;
	int rc;

	if (stat(ref, &st) == 0 && S_ISREG(st.st_mode)) {
		if (topo_load(ref, &t, e) < 0)
			return -e->code;
		rc = graph_from_topo(&t, g, e);
		topo_free(&t);
		return rc;
	}
	if (!valid_name(ref) || strlen(ref) >= LAB_NAME_MAX)
		return brig_errf(e, ENOENT, "'%s': no such lab or topology file", ref);
	if ((rc = lab_record_load(c, ref, &r, e)) == -ENOENT)
		return brig_errf(e, ENOENT, "'%s': no such lab or topology file", ref);
	if (rc < 0)
		return rc;
	rc = graph_from_record(c, &r, g, e);
	lab_record_free(&r);
	return rc;
}

int lab_graph(const struct brig_ctx *c, const char *ref, enum lab_graph_format f, char **out,
	      size_t *len, struct brig_err *e)
{
	cleanup_free char *dot = NULL;
	struct graph g = { 0 };
	size_t dot_len;
	int rc;

	*out = NULL;
	*len = 0;
	if (load_graph(c, ref, &g, e) < 0) {
		graph_free(&g);
		return -e->code;
	}
	if (f == LAB_GRAPH_MERMAID)
		rc = graph_mermaid(&g, out, len, e);
	else if (f == LAB_GRAPH_DOT)
		rc = graph_dot(&g, out, len, e);
	else if ((rc = graph_dot(&g, &dot, &dot_len, e)) == 0)
		rc = graph_render(dot, format_names[f], out, len, e);
	graph_free(&g);
	return rc;
}
