/* cmd_lab.c - brig lab up|deploy, down|destroy, ls, inspect, exec: labs
 * from containerlab topology files (docs/labs.md). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "io.h"
#include "lab.h"
#include "lab_graph.h"
#include "opt.h"
#include "util.h"

/* ---- the node table (up, inspect) ---- */

static const char *str(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));
	return v ? v : "";
}

static void print_nodes(json_t *doc)
{
	json_t *n;
	size_t i;

	printf("%-28s %-8s %-24s %-9s %-18s %s\n", "NAME", "KIND", "IMAGE", "STATE",
	       "IPV4 ADDRESS", "IPV6 ADDRESS");
	json_array_foreach(json_object_get(doc, "nodes"), i, n) {
		const char *cname = str(n, "container");
		printf("%-28s %-8s %-24s %-9s %-18s %s\n", *cname ? cname : str(n, "name"),
		       str(n, "kind"), *str(n, "image") ? str(n, "image") : "-",
		       *str(n, "state") ? str(n, "state") : "-",
		       *str(n, "ipv4") ? str(n, "ipv4") : "-", *str(n, "ipv6") ? str(n, "ipv6") : "-");
	}
}

static int show_lab(struct brig_ctx *c, const char *name, bool json)
{
	json_auto_t *doc = NULL;
	struct brig_err e;

	if (lab_inspect(c, name, &doc, &e) < 0)
		return opt_status(-1, &e);
	if (json) {
		json_dumpf(doc, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		print_nodes(doc);
	}
	return 0;
}

/* ---- up ---- */

struct up_opts {
	int max_workers;
	bool reconfigure, json;
	const char *topo;
};

static int set_workers(void *field, const char *arg, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(arg, 4096, &v, e) < 0 || v == 0)
		return brig_errf(e, EINVAL, "invalid --max-workers '%s': a number from 1 to 4096",
				 arg);
	*(int *)field = (int)v;
	return 0;
}

static const struct opt up_rows[] = {
	{ "max-workers", 0, "N", "start at most N nodes at once (default: 4 per CPU)", set_workers,
	  offsetof(struct up_opts, max_workers) },
	{ "reconfigure", 0, NULL, "destroy the lab first if it is up", opt_true,
	  offsetof(struct up_opts, reconfigure) },
	OPT_FORMAT_ROW(struct up_opts, json),
	/* containerlab's spelling: clab deploy -t FILE */
	{ "topo", 't', "FILE", "the topology file (instead of FILE)", opt_string,
	  offsetof(struct up_opts, topo), OPT_HIDDEN },
	{ NULL },
};

static const struct opt_spec up_spec = {
	.prog = "lab up",
	.usage = "brig lab up FILE [--max-workers N] [--reconfigure] [--format table|json]",
	.about = "Deploy the lab a containerlab topology file describes (kinds linux and\n"
		 "bridge), then print its nodes.  The file is checked completely before\n"
		 "anything is made; a failure halfway removes what was made.\n",
	.opts = up_rows,
	.permute = true,
};

static void progress(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

static int lab_up_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct up_opts o = { 0 };
	struct lab_up_opts uo = { 0 };
	char name[LAB_NAME_MAX];
	struct brig_err e;
	int first = opt_parse(&up_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != !o.topo)
		return brig_fail("lab up: exactly one topology FILE (see 'brig lab up --help')");
	uo.max_workers = o.max_workers;
	uo.reconfigure = o.reconfigure;
	if (isatty(STDERR_FILENO))
		uo.progress = progress;
	if (lab_up(c, o.topo ? o.topo : argv[first], &uo, name, &e) < 0)
		return opt_status(-1, &e);
	return show_lab(c, name, o.json);
}

/* ---- down ---- */

struct down_opts {
	bool all;
	const char *topo;
};

static const struct opt down_rows[] = {
	{ "all", 'a', NULL, "destroy every lab", opt_true, offsetof(struct down_opts, all) },
	{ "topo", 't', "FILE", "the topology file (instead of FILE)", opt_string,
	  offsetof(struct down_opts, topo), OPT_HIDDEN },
	{ NULL },
};

static const struct opt_spec down_spec = {
	.prog = "lab down",
	.usage = "brig lab down FILE|LAB... | --all",
	.about = "Destroy labs: their nodes, the bridges and host interfaces they made, their\n"
		 "management network when they defined it and nobody else uses it.  Works\n"
		 "without the topology file and after a crash.\n",
	.opts = down_rows,
	.permute = true,
};

static int lab_down_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct down_opts o = { 0 };
	char **names = NULL, *topo[2] = { NULL, NULL };
	struct brig_err e;
	int code = 0, first = opt_parse(&down_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if ((int)o.all + !!o.topo + (first < argc) != 1)
		return brig_fail("lab down: a FILE or LAB, or --all (see 'brig lab down --help')");
	if (o.all && lab_names(c, &names, &e) < 0)
		return opt_status(-1, &e);
	topo[0] = (char *)o.topo;
	for (char **p = o.all ? names : o.topo ? topo : argv + first; *p; p++)
		if (lab_down(c, *p, &e) < 0)
			code = opt_status(-1, &e);
	strv_free(names);
	return code;
}

/* ---- ls ---- */

static const struct opt ls_rows[] = {
	{ "format", 0, "table|json", "output format", opt_format },
	{ NULL },
};

static const struct opt_spec ls_spec = {
	.prog = "lab ls",
	.usage = "brig lab ls [--format table|json]",
	.about = "List labs and their nodes.\n",
	.opts = ls_rows,
};

static void ls_json(const struct lab_summary *v, size_t n)
{
	json_auto_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:s}", "name", v[i].name,
						   "state", v[i].state, "nodes",
						   (json_int_t)v[i].nodes, "running",
						   (json_int_t)v[i].running, "file", v[i].file));
	json_dumpf(a, stdout, JSON_INDENT(2));
	putchar('\n');
}

static int lab_ls_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct lab_summary *v = NULL;
	struct brig_err e;
	bool json = false;
	size_t n;
	int first = opt_parse(&ls_spec, argc, argv, &json, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc)
		return brig_fail("lab ls: no arguments expected (see 'brig lab ls --help')");
	if (lab_list(c, &v, &n, &e) < 0)
		return opt_status(-1, &e);
	if (json) {
		ls_json(v, n);
	} else {
		printf("%-24s %-10s %-8s %s\n", "LAB", "STATE", "NODES", "FILE");
		for (size_t i = 0; i < n; i++) {
			char nodes[48];
			snprintf(nodes, sizeof(nodes), "%zu/%zu", v[i].running, v[i].nodes);
			printf("%-24s %-10s %-8s %s\n", v[i].name, v[i].state, nodes, v[i].file);
		}
	}
	free(v);
	return 0;
}

/* ---- inspect ---- */

static const struct opt_spec inspect_spec = {
	.prog = "lab inspect",
	.usage = "brig lab inspect LAB [--format table|json]",
	.about = "Show a lab: every node, its state and management address (table), or\n"
		 "every node, interface, address, link and its peer (json).\n",
	.opts = ls_rows,
	.needs = "lab name",
	.permute = true,
};

static int lab_inspect_cmd(struct brig_ctx *c, int argc, char **argv)
{
	char name[LAB_NAME_MAX];
	struct brig_err e;
	bool json = false;
	int first = opt_parse(&inspect_spec, argc, argv, &json, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1)
		return brig_fail("lab inspect: exactly one LAB (see 'brig lab inspect --help')");
	if (lab_resolve(argv[first], name, &e) < 0)
		return opt_status(-1, &e);
	return show_lab(c, name, json);
}

/* ---- exec ---- */

struct exec_opts {
	const char *filter;
	bool json;
};

static const struct opt exec_rows[] = {
	{ "node-filter", 0, "N,...", "only these nodes", opt_string,
	  offsetof(struct exec_opts, filter) },
	OPT_FORMAT_ROW(struct exec_opts, json),
	{ NULL },
};

static const struct opt_spec exec_spec = {
	.prog = "lab exec",
	.usage = "brig lab exec LAB [--node-filter N,...] [--format table|json] -- CMD [ARG...]",
	.about = "Run one command on every node of a lab (or those of --node-filter), one\n"
		 "after the other, and print each node's output, its lines prefixed with\n"
		 "the node's name.  Exits 1 when it failed on any node.\n",
	.opts = exec_rows,
	.needs = "lab name",
	.permute = true, /* up to the "--": CMD's own options are CMD's */
};

static void print_out(void *arg, const struct lab_exec_out *o)
{
	json_t *all = arg;
	const char *p = o->output;

	if (all) {
		json_array_append_new(all, json_pack("{s:s,s:s,s:i,s:s,s:s?}", "node", o->node,
						     "container", o->container, "status", o->status,
						     "output", o->output, "error", o->error));
		return;
	}
	while (*p) {
		size_t n = strcspn(p, "\n");
		printf("%s: %.*s\n", o->node, (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (o->error)
		fprintf(stderr, "brig: %s: %s\n", o->node, o->error);
	else if (o->status)
		fprintf(stderr, "brig: %s: exit status %d\n", o->node, o->status);
}

/* "a,b" into a NULL-terminated list (strv_free). */
static int split_filter(const char *s, char ***out, struct brig_err *e)
{
	size_t n = 1;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	if (!(*out = calloc(n + 1, sizeof(**out))))
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(s, ",");
		if (!((*out)[i] = strndup(s, len)))
			return brig_errf(e, ENOMEM, "out of memory");
		s += len + (s[len] == ',');
	}
	return 0;
}

static int lab_exec_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	json_auto_t *all = NULL;
	char name[LAB_NAME_MAX], **filter = NULL;
	struct brig_err e;
	int failed, first = opt_parse(&exec_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first + 1 < argc && strcmp(argv[first + 1], "--") == 0) {
		argv[first + 1] = argv[first]; /* LAB -- CMD: drop the "--" */
		first++;
	}
	if (argc - first < 2)
		return brig_fail("lab exec: a LAB and a command (see 'brig lab exec --help')");
	if (lab_resolve(argv[first], name, &e) < 0 ||
	    (o.filter && split_filter(o.filter, &filter, &e) < 0)) {
		strv_free(filter);
		return opt_status(-1, &e);
	}
	if (o.json)
		all = json_array();
	failed = lab_exec(c, name, filter, argv + first + 1, print_out, all, &e);
	strv_free(filter);
	if (failed < 0)
		return opt_status(-1, &e);
	if (all) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	return failed ? 1 : 0;
}

/* ---- link ---- */

static const struct opt_spec link_spec = {
	.prog = "lab link",
	.usage = "brig lab link LAB NODE:IF NODE:IF down|up",
	.about = "Take a link of a running lab down like a pulled cable (nothing passes\n"
		 "either way), or put it back up.  The interfaces stay up, with their\n"
		 "addresses and routes: both ends drop every frame instead.\n",
	.needs = "lab name",
	.permute = true,
};

static int lab_link_cmd(struct brig_ctx *c, int argc, char **argv)
{
	char name[LAB_NAME_MAX];
	struct brig_err e;
	int first = opt_parse(&link_spec, argc, argv, NULL, &e);
	const char *state;

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 4)
		return brig_fail("lab link: LAB NODE:IF NODE:IF down|up (see 'brig lab link --help')");
	state = argv[first + 3];
	if (strcmp(state, "down") && strcmp(state, "up"))
		return brig_fail("lab link: '%.32s' is neither down nor up", state);
	if (lab_resolve(argv[first], name, &e) < 0 ||
	    lab_link_set(c, name, argv[first + 1], argv[first + 2], !strcmp(state, "up"), &e) < 0)
		return opt_status(-1, &e);
	return 0;
}

/* ---- graph ---- */

struct graph_opts {
	const char *format, *output;
};

static const struct opt graph_rows[] = {
	{ "format", 0, "dot|mermaid|svg|png",
	  "output format (default: dot, or what -o FILE's extension names)", opt_string,
	  offsetof(struct graph_opts, format) },
	{ "output", 'o', "FILE", "write to FILE instead of stdout", opt_string,
	  offsetof(struct graph_opts, output) },
	{ NULL },
};

static const struct opt_spec graph_spec = {
	.prog = "lab graph",
	.usage = "brig lab graph FILE|LAB [--format dot|mermaid|svg|png] [-o FILE]",
	.about = "Draw a lab: its nodes (a box per group), bridges, the management network\n"
		 "(its subnet, each node's address), links with the interface and address\n"
		 "of each end, MTU when not the default, and impairments.  The argument is a\n"
		 "topology file when such a file exists, else the name of a lab that is up\n"
		 "(drawn from its record, with the management addresses its nodes hold).\n"
		 "dot and mermaid are text; svg and png are rendered by Graphviz's library\n"
		 "(libgvc).  Without --format, -o FILE's extension chooses (.dot .gv .mmd\n"
		 ".mermaid .svg .png), else dot.  png is not written to a terminal.\n",
	.opts = graph_rows,
	.needs = "topology file or lab name",
	.permute = true,
};

/* The format -o FILE's extension names, or "dot". */
static const char *format_of(const char *output)
{
	static const char *const ext[][2] = { { ".dot", "dot" },	 { ".gv", "dot" },
					      { ".mmd", "mermaid" }, { ".mermaid", "mermaid" },
					      { ".svg", "svg" },	 { ".png", "png" } };
	size_t n = output ? strlen(output) : 0;

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t k = strlen(ext[i][0]);
		if (n > k && strcasecmp(output + n - k, ext[i][0]) == 0)
			return ext[i][1];
	}
	return "dot";
}

static int lab_graph_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct graph_opts o = { 0 };
	enum lab_graph_format f;
	cleanup_free char *out = NULL;
	struct brig_err e;
	size_t len;
	int first = opt_parse(&graph_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1)
		return brig_fail("lab graph: exactly one FILE or LAB (see 'brig lab graph --help')");
	if (lab_graph_format(o.format ? o.format : format_of(o.output), &f, &e) < 0)
		return opt_status(-1, &e);
	if (!o.output && lab_graph_binary(f) && isatty(STDOUT_FILENO))
		return brig_fail("lab graph: refusing to write png to a terminal: use -o FILE "
				 "or redirect stdout");
	if (lab_graph(c, argv[first], f, &out, &len, &e) < 0)
		return opt_status(-1, &e);
	if (o.output && write_atomic(o.output, out, len, &e) < 0)
		return opt_status(-1, &e);
	if (!o.output && write_all(STDOUT_FILENO, out, len) < 0)
		return brig_fail("lab graph: write to stdout: %s", strerror(errno));
	return 0;
}

static const struct cli_command subs[] = {
	{ "up", lab_up_cmd, NULL, "deploy a lab from a topology file" },
	{ "deploy", lab_up_cmd, NULL, NULL },
	{ "down", lab_down_cmd, NULL, "destroy labs" },
	{ "destroy", lab_down_cmd, NULL, NULL },
	{ "ls", lab_ls_cmd, NULL, "list labs" },
	{ "list", lab_ls_cmd, NULL, NULL },
	{ "inspect", lab_inspect_cmd, NULL, "show a lab's nodes, interfaces and links" },
	{ "exec", lab_exec_cmd, NULL, "run a command on a lab's nodes" },
	{ "link", lab_link_cmd, NULL, "take a link down like a pulled cable, or up" },
	{ "graph", lab_graph_cmd, NULL, "draw a lab (dot, mermaid, svg, png)" },
	{ "pingall", cmd_lab_pingall, NULL, "every node pings every other node's addresses" },
	{ "perf", cmd_lab_perf, NULL, "throughput between two nodes" },
	{ NULL },
};

static const struct opt_spec lab_spec = {
	.prog = "lab",
	.usage = "brig lab COMMAND [ARG...]",
	.about = "Labs from containerlab topology files (.clab.yml): nodes of kind linux\n"
		 "and bridge, links, a management network.  See docs/labs.md.\n",
	.commands = subs,
};

int cmd_lab(struct brig_ctx *c, int argc, char **argv)
{
	return cli_dispatch(c, &lab_spec, argc, argv);
}
