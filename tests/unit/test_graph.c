/* test_graph.c - src/lab/graph.c: the graph of a topology (groups, a
 * bridge, a host link, a mgmt-net link, a dummy, the management network
 * and a fixed management address, a link's MTU, impairments set by hand),
 * its dot text (and that libgvc reads it and renders svg and png, when
 * Graphviz is installed), its mermaid text checked line by line against
 * the flowchart grammar's forms, escaping of odd names in both, and the
 * impairments' words. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "graph.h"
#include "topo.h"

static const char lab_yaml[] =
	"name: g1\n"
	"mgmt: {network: labnet, ipv4-subnet: 172.30.0.0/24}\n"
	"topology:\n"
	"  groups: {core: {}, edge: {}}\n"
	"  defaults: {kind: linux, image: busybox}\n"
	"  nodes:\n"
	"    r1: {group: core, mgmt-ipv4: 172.30.0.11}\n"
	"    r2: {group: core}\n"
	"    h1: {group: edge}\n"
	"    lan: {kind: bridge}\n"
	"  links:\n"
	"    - type: veth\n"
	"      mtu: 1500\n"
	"      endpoints:\n"
	"        - {node: r1, interface: eth1, ipv4: 10.0.0.1/30}\n"
	"        - {node: r2, interface: eth1, ipv4: 10.0.0.2/30}\n"
	"    - endpoints: [\"r1:eth2\", \"lan:r1p\"]\n"
	"    - endpoints: [\"h1:eth1\", \"lan:h1p\"]\n"
	"    - endpoints: [\"r2:eth9\", \"host:r2-up\"]\n"
	"    - type: mgmt-net\n"
	"      endpoint: {node: h1, interface: eth5}\n"
	"      host-interface: h1-m\n"
	"    - type: dummy\n"
	"      endpoint: {node: r2, interface: dum0}\n";

/* The lab above, with impairments on two links: r1-r2 the same both ways
 * (50 ms, 10 mbit), r1-lan only from r1 (loss 1%, jitter). */
static void lab_graph(struct graph *g)
{
	struct brig_err e = { 0 };
	struct topo t;

	if (topo_parse(lab_yaml, strlen(lab_yaml), "g1.clab.yml", &t, &e) < 0)
		fail_msg("parse: %s", e.msg);
	t.links[0].a.netem.delay_us = t.links[0].b.netem.delay_us = 50000;
	t.links[0].a.netem.rate_bps = t.links[0].b.netem.rate_bps = 10000000;
	t.links[1].a.netem.loss = 1;
	t.links[1].a.netem.delay_us = 20000;
	t.links[1].a.netem.jitter_us = 5000;
	if (graph_from_topo(&t, g, &e) < 0)
		fail_msg("graph: %s", e.msg);
	topo_free(&t);
}

static char *dot_of(const struct graph *g)
{
	struct brig_err e = { 0 };
	char *out;
	size_t len;

	if (graph_dot(g, &out, &len, &e) < 0)
		fail_msg("dot: %s", e.msg);
	assert_int_equal(strlen(out), len);
	return out;
}

static char *mermaid_of(const struct graph *g)
{
	struct brig_err e = { 0 };
	char *out;
	size_t len;

	if (graph_mermaid(g, &out, &len, &e) < 0)
		fail_msg("mermaid: %s", e.msg);
	assert_int_equal(strlen(out), len);
	return out;
}

#define assert_has(hay, needle)                                                 \
	do {                                                                    \
		if (!strstr((hay), (needle)))                                   \
			fail_msg("missing: %s\n--- in:\n%s", (needle), (hay)); \
	} while (0)

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void model_from_topo(void **state)
{
	struct graph g;

	(void)state;
	lab_graph(&g);
	assert_string_equal(g.name, "g1");
	assert_string_equal(g.mgmt_network, "labnet");
	assert_string_equal(g.mgmt_subnet, "172.30.0.0/24");
	/* r1 r2 h1 lan, then the management network, the host, the dummy */
	assert_int_equal(g.n_nodes, 7);
	assert_int_equal(g.nodes[3].kind, GRAPH_BRIDGE);
	assert_string_equal(g.nodes[0].mgmt, "172.30.0.11/24");
	assert_null(g.nodes[1].mgmt);
	assert_string_equal(g.nodes[0].group, "core");
	assert_null(g.nodes[3].group);
	assert_int_equal(g.nodes[4].kind, GRAPH_MGMT);
	assert_int_equal(g.nodes[5].kind, GRAPH_HOST);
	assert_int_equal(g.nodes[6].kind, GRAPH_DUMMY);
	assert_int_equal(g.n_links, 6);
	assert_int_equal(g.links[0].mtu, 1500);
	assert_int_equal(g.links[1].mtu, 0); /* the default */
	assert_string_equal(g.links[0].b.addr, "10.0.0.2/30");
	assert_string_equal(g.links[3].b.ifname, "r2-up");
	assert_int_equal(g.links[4].b.node, 4);
	assert_null(g.links[5].b.ifname);
	graph_free(&g);
}

static void dot_text(void **state)
{
	struct graph g;
	char *dot;

	(void)state;
	lab_graph(&g);
	dot = dot_of(&g);
	assert_true(strncmp(dot, "graph \"g1\" {\n", 13) == 0);
	assert_has(dot, "subgraph \"cluster_0\" {\n\t\tgraph [label=\"core\"");
	assert_has(dot, "subgraph \"cluster_1\" {\n\t\tgraph [label=\"edge\"");
	assert_int_equal(count(dot, "subgraph"), 2);
	/* interfaces are ports of their node, with their addresses */
	assert_has(dot, "<td port=\"p0a\"");
	assert_has(dot, ">eth1 10.0.0.1/30</font>");
	assert_has(dot, "mgmt 172.30.0.11/24");
	assert_has(dot, "management network");
	assert_has(dot, "172.30.0.0/24");
	assert_has(dot, ">h1-m</font>");
	assert_has(dot, "\"(host) host\"");
	assert_has(dot, "shape=hexagon");
	/* one edge per link, port to port; a dummy's far side has none */
	assert_int_equal(count(dot, " -- "), 6);
	assert_has(dot, "\"r1\":\"p1a\" -- \"lan\":\"p1b\"");
	assert_has(dot, "\"r2\":\"p5a\" -- \"(dummy) 6\";");
	/* MTU and impairments: the same both ways is one line, else per side */
	assert_has(dot, "[label=\"mtu 1500\\n50ms 10mbit\"");
	assert_has(dot, "[label=\"from r1: 20ms±5ms loss 1%\"");
	assert_true(dot[strlen(dot) - 2] == '}');
	free(dot);
	graph_free(&g);
}

/* Each line of mermaid text is one of the flowchart forms brig writes:
 * the header, a subgraph with a quoted title and its end, a node with a
 * quoted label in one of five shapes, an edge with a quoted label or
 * none.  A quoted string holds no '"' (mermaid has no escape for it). */
static void assert_mermaid(const char *text)
{
	static const char *const forms[] = {
		"^graph LR$",
		"^  subgraph g[0-9]+\\[\"[^\"]*\"\\]$",
		"^  end$",
		"^ +n[0-9]+(\\[\"[^\"]*\"\\]|\\{\\{\"[^\"]*\"\\}\\}|\\[/\"[^\"]*\"\\\\\\]|"
		"\\[\\(\"[^\"]*\"\\)\\]|\\(\\(\"[^\"]*\"\\)\\))$",
		"^  n[0-9]+ ---(\\|\"[^\"|]*\"\\|)? n[0-9]+$",
	};
	regex_t re[sizeof(forms) / sizeof(forms[0])];
	char line[4096];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_int_equal(regcomp(&re[i], forms[i], REG_EXTENDED | REG_NOSUB), 0);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n"), k = 0;
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		while (k < sizeof(forms) / sizeof(forms[0]) && regexec(&re[k], line, 0, NULL, 0))
			k++;
		if (k == sizeof(forms) / sizeof(forms[0]))
			fail_msg("not mermaid flowchart: '%s'\n--- in:\n%s", line, text);
		p += n + (p[n] == '\n');
	}
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		regfree(&re[i]);
}

static void mermaid_text(void **state)
{
	struct graph g;
	char *mm;

	(void)state;
	lab_graph(&g);
	mm = mermaid_of(&g);
	assert_mermaid(mm);
	assert_true(strncmp(mm, "graph LR\n", 9) == 0);
	assert_has(mm, "  subgraph g0[\"core\"]\n    n0[\"r1<br/>busybox<br/>mgmt 172.30.0.11/24\"]\n"
		       "    n1[\"r2<br/>busybox\"]\n  end\n");
	assert_has(mm, "n3{{\"lan<br/>bridge\"}}");
	assert_has(mm, "n4[(\"management network<br/>labnet<br/>172.30.0.0/24\")]");
	assert_has(mm, "n5[/\"host\"\\]");
	assert_int_equal(count(mm, " --- "), 0);
	assert_int_equal(count(mm, " ---"), 6);
	assert_has(mm, "n0 ---|\"eth1 10.0.0.1/30 — eth1 10.0.0.2/30<br/>mtu 1500<br/>50ms "
		       "10mbit\"| n1");
	assert_has(mm, "n0 ---|\"eth2 — r1p<br/>from r1: 20ms±5ms loss 1%\"| n3");
	assert_has(mm, "n2 ---|\"eth5 — h1-m\"| n4");
	assert_has(mm, "n1 ---|\"dum0\"| n6");
	free(mm);
	graph_free(&g);
}

/* Names no topology file allows, and groups and interfaces that are
 * merely unusual: every one escaped, nothing taken as syntax. */
static void odd_names(void **state)
{
	struct graph g = { 0 };
	struct brig_err e = { 0 };
	struct graph_link l = { 0 };
	char *dot, *mm;

	(void)state;
	assert_int_equal(graph_set(&g, "lab \"x\"", NULL, NULL, &e), 0);
	assert_int_equal(graph_add_node(&g, GRAPH_NODE, "a\"b\\N<i>&#|`", "g \"1\" | end", NULL,
					NULL, &e),
			 0);
	assert_int_equal(graph_add_node(&g, GRAPH_NODE, "end", NULL, "img:<1>", NULL, &e), 1);
	char if_a[] = "e\"1|x", if_b[] = "subgraph", addr_b[] = "10.0.0.1/8";

	l.a = (struct graph_end){ .node = 0, .ifname = if_a };
	l.b = (struct graph_end){ .node = 1, .ifname = if_b, .addr = addr_b };
	assert_int_equal(graph_add_link(&g, &l, &e), 0);
	dot = dot_of(&g);
	assert_has(dot, "graph \"lab \\\"x\\\"\" {");
	assert_has(dot, "\"a\\\"b\\\\N<i>&#|`\" [label=<");
	assert_has(dot, "<b>a&quot;b\\N&lt;i&gt;&amp;#|`</b>");
	assert_has(dot, "graph [label=\"g \\\"1\\\" | end\"");
	assert_has(dot, "img:&lt;1&gt;");
	assert_has(dot, ">e&quot;1|x</font>");
	mm = mermaid_of(&g);
	assert_mermaid(mm);
	assert_has(mm, "subgraph g0[\"g #quot;1#quot; #124; end\"]");
	assert_has(mm, "n0[\"a#quot;b\\N#lt;i#gt;#amp;#35;#124;#96;\"]");
	assert_has(mm, "n1[\"end<br/>img:#lt;1#gt;\"]");
	assert_has(mm, "n0 ---|\"e#quot;1#124;x — subgraph 10.0.0.1/8\"| n1");
	free(dot);
	free(mm);
	graph_free(&g);
}

static void netem_words(void **state)
{
	struct netem_params p = { 0 };
	char buf[128];

	(void)state;
	graph_netem_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "");
	p.delay_us = 1500;
	graph_netem_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1.5ms");
	p.delay_us = 2000000;
	p.jitter_us = 250;
	p.corrupt = 0.1;
	p.duplicate = 1;
	p.reorder = 25;
	p.rate_bps = 1500000000;
	graph_netem_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2s±250us corrupt 0.1% duplicate 1% reorder 25% 1.5gbit");
	memset(&p, 0, sizeof(p));
	p.loss = 100;
	p.rate_bps = 800;
	graph_netem_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "loss 100% 800bit");
	graph_netem_str(&p, buf, 6); /* bounded */
	assert_string_equal(buf, "loss ");
}

/* libgvc reads the dot text and renders svg (every node's name in it)
 * and png; skipped without Graphviz's library. */
static void renders(void **state)
{
	struct brig_err e = { 0 };
	struct graph g;
	char *dot, *out;
	size_t len;

	(void)state;
	lab_graph(&g);
	dot = dot_of(&g);
	if (graph_render(dot, "svg", &out, &len, &e) < 0 && e.code == ELIBACC) {
		free(dot);
		graph_free(&g);
		skip();
	}
	if (e.code)
		fail_msg("render svg: %s", e.msg);
	for (size_t i = 0; i < g.n_nodes; i++)
		assert_has(out, g.nodes[i].name);
	free(out);
	if (graph_render(dot, "png", &out, &len, &e) < 0)
		fail_msg("render png: %s", e.msg);
	assert_true(len > 1000);
	assert_memory_equal(out, "\x89PNG\r\n\x1a\n", 8);
	free(out);
	assert_true(graph_render("graph { a -- ", "svg", &out, &len, &e) < 0);
	assert_int_equal(e.code, EINVAL);
	assert_non_null(strstr(e.msg, "graphviz: "));
	assert_null(strchr(e.msg, '\n'));
	assert_true(graph_render(dot, "gif", &out, &len, &e) < 0);
	free(dot);
	graph_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(model_from_topo), cmocka_unit_test(dot_text),
		cmocka_unit_test(mermaid_text),	   cmocka_unit_test(odd_names),
		cmocka_unit_test(netem_words),	   cmocka_unit_test(renders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
