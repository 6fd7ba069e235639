/* graph.c - a lab's graph: the model, from a topology file, and its dot
 * and mermaid text (graph.h).  graph_render.c lays dot out into svg/png. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "parse.h"

#define LABEL_MAX 1024

/* ---- the model ---- */

/* A copy of s into *out; NULL stays NULL.  False when out of memory. */
static bool dup_opt(const char *s, char **out)
{
	*out = s ? strdup(s) : NULL;
	return !s || *out;
}

long graph_add_node(struct graph *g, enum graph_kind kind, const char *name, const char *group,
		    const char *image, const char *mgmt, struct brig_err *e)
{
	struct graph_node *v = realloc(g->nodes, (g->n_nodes + 1) * sizeof(*v)), *n;

	if (!v)
		return brig_errf(e, ENOMEM, "out of memory");
	g->nodes = v;
	n = &v[g->n_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	if (!dup_opt(name, &n->name) || !dup_opt(group, &n->group) ||
	    !dup_opt(image, &n->image) || !dup_opt(mgmt, &n->mgmt)) {
		free(n->name);
		free(n->group);
		free(n->image);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	return (long)g->n_nodes++;
}

long graph_node(struct graph *g, enum graph_kind kind, const char *name, struct brig_err *e)
{
	for (size_t i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].kind == kind && strcmp(g->nodes[i].name, name) == 0)
			return (long)i;
	return graph_add_node(g, kind, name, NULL, NULL, NULL, e);
}

static void end_free(struct graph_end *end)
{
	free(end->ifname);
	free(end->addr);
	free(end->addr6);
}

static bool end_copy(const struct graph_end *from, struct graph_end *to)
{
	*to = *from;
	to->addr = to->addr6 = NULL;
	if (!dup_opt(from->ifname, &to->ifname))
		return false;
	if (!dup_opt(from->addr, &to->addr) || !dup_opt(from->addr6, &to->addr6)) {
		free(to->ifname);
		free(to->addr);
		return false;
	}
	return true;
}

int graph_add_link(struct graph *g, const struct graph_link *l, struct brig_err *e)
{
	struct graph_link *v = realloc(g->links, (g->n_links + 1) * sizeof(*v)), *n;

	if (!v)
		return brig_errf(e, ENOMEM, "out of memory");
	g->links = v;
	n = &v[g->n_links];
	n->mtu = l->mtu;
	if (!end_copy(&l->a, &n->a))
		return brig_errf(e, ENOMEM, "out of memory");
	if (!end_copy(&l->b, &n->b)) {
		end_free(&n->a);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	g->n_links++;
	return 0;
}

int graph_set(struct graph *g, const char *name, const char *mgmt_network,
	      const char *mgmt_subnet, struct brig_err *e)
{
	free(g->name);
	free(g->mgmt_network);
	free(g->mgmt_subnet);
	if (!dup_opt(name, &g->name) || !dup_opt(mgmt_network, &g->mgmt_network) ||
	    !dup_opt(mgmt_subnet, &g->mgmt_subnet))
		return brig_errf(e, ENOMEM, "out of memory");
	if (mgmt_network && graph_node(g, GRAPH_MGMT, mgmt_network, e) < 0)
		return -e->code;
	return 0;
}

void graph_free(struct graph *g)
{
	for (size_t i = 0; i < g->n_nodes; i++) {
		free(g->nodes[i].name);
		free(g->nodes[i].group);
		free(g->nodes[i].image);
		free(g->nodes[i].mgmt);
	}
	for (size_t i = 0; i < g->n_links; i++) {
		end_free(&g->links[i].a);
		end_free(&g->links[i].b);
	}
	free(g->nodes);
	free(g->links);
	free(g->name);
	free(g->mgmt_network);
	free(g->mgmt_subnet);
	memset(g, 0, sizeof(*g));
}

/* ---- from a topology file ---- */

static bool on_mgmt(const struct topo_node *n)
{
	return n->kind == TOPO_KIND_LINUX && !n->network_mode;
}

static int topo_nodes(const struct topo *t, struct graph *g, struct brig_err *e)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		char mgmt[24];
		bool fixed = on_mgmt(n) && n->mgmt_ipv4;

		if (fixed)
			net_prefix_str(n->mgmt_ipv4, t->mgmt.prefix, mgmt);
		if (graph_add_node(g, n->kind == TOPO_KIND_BRIDGE ? GRAPH_BRIDGE : GRAPH_NODE,
				   n->name, n->group, n->image, fixed ? mgmt : NULL, e) < 0)
			return -e->code;
	}
	return 0;
}

/* The graph's node of a topology endpoint: graph nodes 0..n_nodes-1 are
 * the topology's, in order. */
static long topo_end_node(const struct topo *t, const struct topo_link *l, bool b,
			  struct graph *g, struct brig_err *e)
{
	const struct topo_endpoint *end = b ? &l->b : &l->a;

	if (b && l->type == TOPO_LINK_MGMT_NET)
		return graph_node(g, GRAPH_MGMT, t->mgmt.network, e);
	if (b && l->type == TOPO_LINK_DUMMY)
		return graph_add_node(g, GRAPH_DUMMY, "dummy", NULL, NULL, NULL, e);
	if (end->node == TOPO_HOST)
		return graph_node(g, GRAPH_HOST, "host", e);
	return (long)end->node;
}

static void topo_end(const struct topo_endpoint *from, long node, struct graph_end *to,
		     char addr[24], char addr6[NET_CIDR6_STRLEN])
{
	to->node = (size_t)node;
	to->ifname = (char *)from->ifname;
	to->addr = from->ipv4 ? (char *)net_prefix_str(from->ipv4, from->ipv4_prefix, addr) : NULL;
	to->addr6 = from->has_ipv6 ?
			    (char *)net_prefix6_str(&from->ipv6, from->ipv6_prefix, addr6) : NULL;
	to->netem = from->netem;
}

static int topo_link(const struct topo *t, const struct topo_link *l, struct graph *g,
		     struct brig_err *e)
{
	struct graph_link gl = { .mtu = l->mtu == TOPO_DEFAULT_MTU ? 0 : l->mtu };
	long a = topo_end_node(t, l, false, g, e), b;
	char addr_a[24], addr_b[24], addr6_a[NET_CIDR6_STRLEN], addr6_b[NET_CIDR6_STRLEN];

	if (a < 0 || (b = topo_end_node(t, l, true, g, e)) < 0)
		return -e->code;
	topo_end(&l->a, a, &gl.a, addr_a, addr6_a);
	topo_end(&l->b, b, &gl.b, addr_b, addr6_b);
	if (l->type == TOPO_LINK_DUMMY)
		gl.b.ifname = NULL;
	return graph_add_link(g, &gl, e);
}

int graph_from_topo(const struct topo *t, struct graph *g, struct brig_err *e)
{
	char subnet[24];
	bool mgmt = false;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < t->n_nodes; i++)
		mgmt = mgmt || on_mgmt(&t->nodes[i]);
	net_prefix_str(t->mgmt.subnet, t->mgmt.prefix, subnet);
	if (topo_nodes(t, g, e) < 0 ||
	    graph_set(g, t->name, mgmt ? t->mgmt.network : NULL, mgmt ? subnet : NULL, e) < 0)
		goto fail;
	for (size_t i = 0; i < t->n_links; i++)
		if (topo_link(t, &t->links[i], g, e) < 0)
			goto fail;
	return 0;
fail:
	graph_free(g);
	return -e->code;
}

/* ---- labels, the same for every writer ---- */

/* "50ms", "1.5ms", "200us", "2s" */
static void duration(uint64_t us, char *buf, size_t len)
{
	if (us >= 1000000 && us % 100000 == 0)
		snprintf(buf, len, "%gs", (double)us / 1e6);
	else if (us >= 1000 && us % 10 == 0)
		snprintf(buf, len, "%gms", (double)us / 1e3);
	else
		snprintf(buf, len, "%lluus", (unsigned long long)us);
}

/* "10mbit", "1.5gbit", "800bit" */
static void rate(uint64_t bps, char *buf, size_t len)
{
	static const struct {
		uint64_t unit;
		const char *name;
	} units[] = { { 1000000000, "gbit" }, { 1000000, "mbit" }, { 1000, "kbit" }, { 1, "bit" } };
	size_t i = 0;

	while (bps < units[i].unit)
		i++;
	snprintf(buf, len, "%g%s", (double)bps / (double)units[i].unit, units[i].name);
}

/* Append " WORD" to buf (bounded). */
static void add(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", word);
}

void graph_netem_str(const struct netem_params *p, char *buf, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} pct[] = {
		{ "loss", offsetof(struct netem_params, loss) },
		{ "corrupt", offsetof(struct netem_params, corrupt) },
		{ "duplicate", offsetof(struct netem_params, duplicate) },
		{ "reorder", offsetof(struct netem_params, reorder) },
	};
	char w[64], d[32];

	buf[0] = '\0';
	if (p->delay_us || p->jitter_us) {
		duration(p->delay_us, w, sizeof(w));
		if (p->jitter_us) {
			duration(p->jitter_us, d, sizeof(d));
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "±%s", d);
		}
		add(buf, len, w);
	}
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		double v = *(const double *)((const char *)p + pct[i].off);
		if (v > 0) {
			snprintf(w, sizeof(w), "%s %g%%", pct[i].name, v);
			add(buf, len, w);
		}
	}
	if (p->rate_bps) {
		rate(p->rate_bps, w, sizeof(w));
		add(buf, len, w);
	}
}

/* A node's label, lines joined by '\n'. */
static void node_label(const struct graph *g, const struct graph_node *n, char *buf, size_t len)
{
	switch (n->kind) {
	case GRAPH_MGMT:
		snprintf(buf, len, "management network\n%s%s%s", n->name,
			 g->mgmt_subnet ? "\n" : "", g->mgmt_subnet ? g->mgmt_subnet : "");
		return;
	case GRAPH_BRIDGE:
		snprintf(buf, len, "%s\nbridge", n->name);
		return;
	case GRAPH_HOST:
	case GRAPH_DUMMY:
		snprintf(buf, len, "%s", n->name);
		return;
	case GRAPH_NODE:
		break;
	}
	snprintf(buf, len, "%s", n->name);
	if (n->image)
		snprintf(buf + strlen(buf), len - strlen(buf), "\n%s", n->image);
	if (n->mgmt)
		snprintf(buf + strlen(buf), len - strlen(buf), "\nmgmt %s", n->mgmt);
}

/* An end's label: "eth1 10.0.0.1/30 2001:db8::1/64", its words joined by
 * sep ("" for a dummy's far side). */
static void end_label(const struct graph_end *end, const char *sep, char *buf, size_t len)
{
	const char *words[] = { end->ifname, end->addr, end->addr6 };
	size_t used = 0;

	buf[0] = '\0';
	if (!end->ifname)
		return;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && used < len; i++)
		if (words[i])
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? sep : "",
						 words[i]);
}

/* A link's own label: its MTU when not the default, its impairments (one
 * line when both directions suffer the same, else one per direction). */
static void link_label(const struct graph *g, const struct graph_link *l, char *buf, size_t len)
{
	char a[256], b[256], w[320];

	buf[0] = '\0';
	if (l->mtu)
		snprintf(buf, len, "mtu %d", l->mtu);
	graph_netem_str(&l->a.netem, a, sizeof(a));
	graph_netem_str(&l->b.netem, b, sizeof(b));
	if (*a && strcmp(a, b) == 0) {
		snprintf(w, sizeof(w), "%s%s", *buf ? "\n" : "", a);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s", w);
		return;
	}
	const struct {
		const char *what;
		size_t node;
	} dirs[] = { { a, l->a.node }, { b, l->b.node } };
	for (int i = 0; i < 2; i++) {
		if (!*dirs[i].what)
			continue;
		snprintf(w, sizeof(w), "%sfrom %s: %s", *buf ? "\n" : "",
			 g->nodes[dirs[i].node].name, dirs[i].what);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s", w);
	}
}

/* The distinct groups, in order of first appearance: into groups[] (each
 * a node's group string), returns how many. */
static size_t groups(const struct graph *g, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_nodes; i++) {
		const char *grp = g->nodes[i].group;
		size_t k = 0;
		while (grp && k < n && strcmp(out[k], grp) != 0)
			k++;
		if (grp && k == n)
			out[n++] = grp;
	}
	return n;
}

/* Run a writer into a memory stream. */
static int write_mem(const struct graph *g, void (*writer)(FILE *f, const struct graph *g),
		     char **out, size_t *len, struct brig_err *e)
{
	FILE *f = open_memstream(out, len);

	if (!f)
		return brig_errno(e, "open_memstream");
	writer(f, g);
	if (ferror(f)) {
		fclose(f);
		free(*out);
		*out = NULL;
		return brig_errf(e, ENOMEM, "writing the graph: out of memory");
	}
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return brig_errno(e, "writing the graph");
	}
	return 0;
}

/* ---- dot ---- */

/* s as a dot quoted string: '"' and '\' escaped (so no \N or \G escape
 * of dot's takes effect), '\n' as dot's centred line break, other control
 * characters as spaces. */
static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	}
	fputc('"', f);
}

/* A node's dot ID: real nodes by name (a container name has no space or
 * parenthesis), the others prefixed so that they never meet one. */
static void dot_id(FILE *f, const struct graph *g, size_t i)
{
	static const char *const prefix[] = {
		[GRAPH_NODE] = "", [GRAPH_BRIDGE] = "", [GRAPH_HOST] = "(host) ",
		[GRAPH_MGMT] = "(mgmt) ", [GRAPH_DUMMY] = "(dummy) ",
	};
	char id[LABEL_MAX];

	if (g->nodes[i].kind == GRAPH_DUMMY)
		snprintf(id, sizeof(id), "%s%zu", prefix[GRAPH_DUMMY], i);
	else
		snprintf(id, sizeof(id), "%s%s", prefix[g->nodes[i].kind], g->nodes[i].name);
	dot_str(f, id);
}

/* How many links end at node i. */
static size_t degree(const struct graph *g, size_t i)
{
	size_t n = 0;

	for (size_t k = 0; k < g->n_links; k++)
		n += (g->links[k].a.node == i) + (g->links[k].b.node == i);
	return n;
}

static const char *const dot_style[] = {
	[GRAPH_NODE] = "",
	[GRAPH_BRIDGE] = ", shape=hexagon, fillcolor=\"#fff4d6\", color=\"#b08a2e\"",
	[GRAPH_HOST] = ", shape=box3d, style=filled, fillcolor=\"#eeeeee\", color=\"#666666\"",
	[GRAPH_MGMT] = ", shape=note, style=\"filled,dashed\", fillcolor=\"#f4f4f4\", "
		       "color=\"#888888\", fontcolor=\"#444444\"",
	[GRAPH_DUMMY] = ", shape=plaintext, style=\"\", fontcolor=\"#888888\"",
};

/* s as text of a dot HTML-like label: its markup characters as entities,
 * control characters as spaces. */
static void html_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	}
}

/* One row of a node's table: its text lines from s up to '\n'. */
static const char *html_row(FILE *f, const char *s, bool first)
{
	size_t n = strcspn(s, "\n");
	char line[LABEL_MAX];

	snprintf(line, sizeof(line), "%.*s", (int)n, s);
	fputs(first ? "<tr><td><b>" : "<tr><td><font point-size=\"9\" color=\"#444444\">", f);
	html_str(f, line);
	fputs(first ? "</b></td></tr>" : "</font></td></tr>", f);
	return s + n + (s[n] == '\n');
}

/* A port cell for each link end at node i: "eth1 10.1.1.2/30", the port
 * named after the link ("p3a": link 3's a end), where its edge ends. */
static void html_ports(FILE *f, const struct graph *g, size_t i)
{
	for (size_t k = 0; k < g->n_links; k++) {
		const struct graph_end *ends[2] = { &g->links[k].a, &g->links[k].b };
		for (int s = 0; s < 2; s++) {
			char text[256];
			if (ends[s]->node != i || !ends[s]->ifname)
				continue;
			end_label(ends[s], " ", text, sizeof(text));
			fprintf(f,
				"<tr><td port=\"p%zu%c\" border=\"1\" color=\"#9bb3d6\" "
				"bgcolor=\"#ffffff\"><font point-size=\"9\" color=\"#1f4e79\">",
				k, "ab"[s]);
			html_str(f, text);
			fputs("</font></td></tr>", f);
		}
	}
}

/* A node: an HTML-like table of its label's lines and its interfaces
 * (a dummy's far side: its plain label). */
static void dot_node(FILE *f, const struct graph *g, size_t i, const char *indent)
{
	char label[LABEL_MAX];
	const char *p = label;

	node_label(g, &g->nodes[i], label, sizeof(label));
	fputs(indent, f);
	dot_id(f, g, i);
	if (g->nodes[i].kind == GRAPH_DUMMY) {
		fputs(" [label=", f);
		dot_str(f, label);
	} else {
		fputs(" [label=<<table border=\"0\" cellborder=\"0\" cellspacing=\"2\" "
		      "cellpadding=\"2\">",
		      f);
		for (bool first = true; *p; first = false)
			p = html_row(f, p, first);
		html_ports(f, g, i);
		fputs("</table>>", f);
	}
	fprintf(f, "%s];\n", dot_style[g->nodes[i].kind]);
}

/* One end of an edge: its node, and its port when it has an interface. */
static void dot_end(FILE *f, const struct graph *g, const struct graph_link *l, char side)
{
	const struct graph_end *end = side == 'a' ? &l->a : &l->b;

	dot_id(f, g, end->node);
	if (end->ifname)
		fprintf(f, ":\"p%zu%c\"", (size_t)(l - g->links), side);
}

/* An edge's tail is ranked before its head: the end with more links goes
 * first, so that spines come before leaves and a router before its
 * hosts.  MTU and impairments are its label. */
static void dot_link(FILE *f, const struct graph *g, const struct graph_link *l)
{
	bool swap = degree(g, l->b.node) > degree(g, l->a.node);
	char label[LABEL_MAX];

	link_label(g, l, label, sizeof(label));
	fputs("\t", f);
	dot_end(f, g, l, swap ? 'b' : 'a');
	fputs(" -- ", f);
	dot_end(f, g, l, swap ? 'a' : 'b');
	if (*label) {
		fputs(" [label=", f);
		dot_str(f, label);
		fputs(", color=\"#c0392b\", fontcolor=\"#c0392b\", penwidth=2]", f);
	}
	fputs(";\n", f);
}

static void dot_write(FILE *f, const struct graph *g)
{
	const char **grp = calloc(g->n_nodes + 1, sizeof(*grp));
	size_t n_grp = grp ? groups(g, grp) : 0;

	fputs("graph ", f);
	dot_str(f, g->name ? g->name : "lab");
	fputs(" {\n\tgraph [fontname=\"Helvetica\", fontsize=14, labelloc=t, label=", f);
	dot_str(f, g->name ? g->name : "lab");
	fputs(", rankdir=LR, nodesep=0.5, ranksep=2.2, pad=0.4, newrank=true];\n"
	      "\tnode [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", "
	      "fillcolor=\"#e8f0fb\", color=\"#3d6aa8\", margin=\"0.1,0.05\"];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n",
	      f);
	for (size_t k = 0; k < n_grp; k++) {
		fprintf(f, "\tsubgraph \"cluster_%zu\" {\n\t\tgraph [label=", k);
		dot_str(f, grp[k]);
		fputs(", style=\"rounded,dashed\", color=\"#7f8c8d\", fontcolor=\"#2c3e50\", "
		      "fontsize=12, margin=16];\n",
		      f);
		for (size_t i = 0; i < g->n_nodes; i++)
			if (g->nodes[i].group && strcmp(g->nodes[i].group, grp[k]) == 0)
				dot_node(f, g, i, "\t\t");
		fputs("\t}\n", f);
	}
	for (size_t i = 0; i < g->n_nodes; i++)
		if (!g->nodes[i].group || !grp)
			dot_node(f, g, i, "\t");
	for (size_t i = 0; i < g->n_links; i++)
		dot_link(f, g, &g->links[i]);
	fputs("}\n", f);
	free(grp);
}

int graph_dot(const struct graph *g, char **out, size_t *len, struct brig_err *e)
{
	return write_mem(g, dot_write, out, len, e);
}

/* ---- mermaid ---- */

/* s as a mermaid quoted string: what its grammar or its HTML labels would
 * read as syntax becomes an entity code (mermaid's "#quot;" form), '\n' a
 * line break. */
static void mm_str(FILE *f, const char *s)
{
	static const struct {
		char c;
		const char *code;
	} codes[] = { { '"', "#quot;" }, { '#', "#35;" },   { '<', "#lt;" }, { '>', "#gt;" },
		      { '&', "#amp;" },	 { '|', "#124;" }, { '`', "#96;" } };

	fputc('"', f);
	for (; *s; s++) {
		size_t k = 0;
		while (k < sizeof(codes) / sizeof(codes[0]) && codes[k].c != *s)
			k++;
		if (k < sizeof(codes) / sizeof(codes[0]))
			fputs(codes[k].code, f);
		else if (*s == '\n')
			fputs("<br/>", f);
		else
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	}
	fputc('"', f);
}

static void mm_node(FILE *f, const struct graph *g, size_t i, const char *indent)
{
	static const char *const shape[][2] = {
		[GRAPH_NODE] = { "[", "]" },	[GRAPH_BRIDGE] = { "{{", "}}" },
		[GRAPH_HOST] = { "[/", "\\]" }, [GRAPH_MGMT] = { "[(", ")]" },
		[GRAPH_DUMMY] = { "((", "))" },
	};
	char label[LABEL_MAX];

	node_label(g, &g->nodes[i], label, sizeof(label));
	fprintf(f, "%sn%zu%s", indent, i, shape[g->nodes[i].kind][0]);
	mm_str(f, label);
	fprintf(f, "%s\n", shape[g->nodes[i].kind][1]);
}

static void mm_link(FILE *f, const struct graph *g, const struct graph_link *l)
{
	char a[256], b[256], own[LABEL_MAX], label[LABEL_MAX + 600];

	end_label(&l->a, " ", a, sizeof(a));
	end_label(&l->b, " ", b, sizeof(b));
	link_label(g, l, own, sizeof(own));
	snprintf(label, sizeof(label), "%s%s%s%s%s", a, *b ? " — " : "", b, *own ? "\n" : "", own);
	fprintf(f, "  n%zu ---", l->a.node);
	if (*label) {
		fputc('|', f);
		mm_str(f, label);
		fputc('|', f);
	}
	fprintf(f, " n%zu\n", l->b.node);
}

static void mm_write(FILE *f, const struct graph *g)
{
	const char **grp = calloc(g->n_nodes + 1, sizeof(*grp));
	size_t n_grp = grp ? groups(g, grp) : 0;

	fputs("graph LR\n", f);
	for (size_t k = 0; k < n_grp; k++) {
		fprintf(f, "  subgraph g%zu[", k);
		mm_str(f, grp[k]);
		fputs("]\n", f);
		for (size_t i = 0; i < g->n_nodes; i++)
			if (g->nodes[i].group && strcmp(g->nodes[i].group, grp[k]) == 0)
				mm_node(f, g, i, "    ");
		fputs("  end\n", f);
	}
	for (size_t i = 0; i < g->n_nodes; i++)
		if (!g->nodes[i].group || !grp)
			mm_node(f, g, i, "  ");
	for (size_t i = 0; i < g->n_links; i++)
		mm_link(f, g, &g->links[i]);
	free(grp);
}

int graph_mermaid(const struct graph *g, char **out, size_t *len, struct brig_err *e)
{
	return write_mem(g, mm_write, out, len, e);
}
