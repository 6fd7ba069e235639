/* cmd_netem.c - brig netem set|show|clear: impairments on a container's
 * interface (a lab link end, or a container's eth0), as containerlab's
 * `tools netem`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "netem_ctl.h"
#include "opt.h"

/* ---- set ---- */

struct set_opts {
	struct netem_params p;
	enum netem_choice engine;
};

/* The parser's message names key and value: 'delay "-5ms": ...'. */
static int netem_opt(void *field, const char *key, const char *arg, struct brig_err *e)
{
	char why[sizeof(e->msg)];

	if (netem_ctl_parse(field, key, arg, e) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", e->msg);
	return brig_errf(e, EINVAL, "invalid --%s", why);
}

#define NETEM_SETTER(key)                                                            \
	static int set_##key(void *field, const char *arg, struct brig_err *e)       \
	{                                                                            \
		return netem_opt(field, #key, arg, e);                               \
	}
NETEM_SETTER(delay)
NETEM_SETTER(jitter)
NETEM_SETTER(loss)
NETEM_SETTER(rate)
NETEM_SETTER(corrupt)
NETEM_SETTER(duplicate)
NETEM_SETTER(reorder)

static int set_engine(void *field, const char *arg, struct brig_err *e)
{
	enum netem_choice *x = field;

	if (!strcmp(arg, "auto"))
		*x = NETEM_AUTO;
	else if (!strcmp(arg, "kernel"))
		*x = NETEM_CHOOSE_KERNEL;
	else if (!strcmp(arg, "user"))
		*x = NETEM_CHOOSE_USER;
	else
		return brig_errf(e, EINVAL, "invalid --engine '%.32s' (auto, kernel or user)", arg);
	return 0;
}

static const struct opt set_rows[] = {
	{ "delay", 0, "T", "delay each packet by T (50ms, 1.5s, 200us)", set_delay },
	{ "jitter", 0, "T", "vary the delay by up to +/- T", set_jitter },
	{ "loss", 0, "P%", "drop P% of packets", set_loss },
	{ "rate", 0, "R", "limit the rate to R (10mbit, 1gbit, 500kbit; a number is kbit/s)",
	  set_rate },
	{ "corrupt", 0, "P%", "flip a bit in P% of packets", set_corrupt },
	{ "duplicate", 0, "P%", "send P% of packets twice", set_duplicate },
	{ "reorder", 0, "P%", "send P% of packets at once, ahead of the delayed ones",
	  set_reorder },
	{ "engine", 0, "auto|kernel|user",
	  "the kernel's netem, or brig's relay (auto: netem when the kernel has it)", set_engine,
	  offsetof(struct set_opts, engine) },
	{ NULL },
};

static const struct opt_spec set_spec = {
	.prog = "netem set",
	.usage = "brig netem set CONTAINER:IFACE [--delay T] [--jitter T] [--loss P%] [--rate R]\n"
		 "       [--corrupt P%] [--duplicate P%] [--reorder P%] [--engine auto|kernel|user]",
	.about = "Impair what leaves an interface: a lab node's link end or a container's\n"
		 "network interface.  Each call replaces the interface's impairments.\n",
	.opts = set_rows,
	.needs = "CONTAINER:IFACE",
	.permute = true,
};

static int netem_set_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct set_opts o = { 0 };
	struct brig_err e;
	int first = opt_parse(&set_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1)
		return brig_fail("netem set: exactly one CONTAINER:IFACE (see 'brig netem set --help')");
	if (netem_ctl_set(c, argv[first], &o.p, o.engine, &e) < 0)
		return opt_status(-1, &e);
	return 0;
}

/* ---- clear ---- */

static const struct opt_spec clear_spec = {
	.prog = "netem clear",
	.usage = "brig netem clear CONTAINER:IFACE",
	.about = "Remove an interface's impairments.\n",
	.needs = "CONTAINER:IFACE",
	.permute = true,
};

static int netem_clear_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int first = opt_parse(&clear_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1)
		return brig_fail("netem clear: exactly one CONTAINER:IFACE");
	if (netem_ctl_clear(c, argv[first], &e) < 0)
		return opt_status(-1, &e);
	return 0;
}

/* ---- show ---- */

static const struct opt show_rows[] = {
	{ "format", 0, "table|json", "output format", opt_format },
	{ NULL },
};

static const struct opt_spec show_spec = {
	.prog = "netem show",
	.usage = "brig netem show [CONTAINER[:IFACE]] [--format table|json]",
	.about = "List impaired interfaces: the engine, the parameters, and the packets\n"
		 "passed and dropped.\n",
	.opts = show_rows,
	.permute = true,
};

static const char *engine_name(enum netem_engine x)
{
	return x == NETEM_KERNEL ? "kernel" : "user";
}

static json_t *entry_json(const struct netem_entry *x)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:{s:I,s:I,s:I,s:I,s:I,s:I}}", "container",
			 x->container, "interface", x->ifname, "engine", engine_name(x->engine),
			 "netem", x->text, "relay_pid", (json_int_t)x->relay, "counters", "packets",
			 (json_int_t)x->counters.packets, "bytes", (json_int_t)x->counters.bytes,
			 "dropped", (json_int_t)x->counters.dropped, "duplicated",
			 (json_int_t)x->counters.duplicated, "corrupted",
			 (json_int_t)x->counters.corrupted, "reordered",
			 (json_int_t)x->counters.reordered);
}

static void show_table(const struct netem_entry *v, size_t n)
{
	char where[96];

	printf("%-32s %-7s %-12s %-12s %s\n", "INTERFACE", "ENGINE", "PASSED", "DROPPED",
	       "IMPAIRMENTS");
	for (size_t i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%s:%s", v[i].container, v[i].ifname);
		printf("%-32s %-7s %-12llu %-12llu %s\n", where, engine_name(v[i].engine),
		       (unsigned long long)v[i].counters.packets,
		       (unsigned long long)v[i].counters.dropped, v[i].text);
	}
}

static int netem_show_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct netem_entry *v = NULL;
	struct brig_err e;
	bool json = false;
	size_t n = 0;
	int first = opt_parse(&show_spec, argc, argv, &json, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first > 1)
		return brig_fail("netem show: at most one CONTAINER[:IFACE]");
	if (netem_ctl_show(c, argc > first ? argv[first] : NULL, &v, &n, &e) < 0)
		return opt_status(-1, &e);
	if (json) {
		json_auto_t *all = json_array();

		for (size_t i = 0; all && i < n; i++)
			json_array_append_new(all, entry_json(&v[i]));
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		show_table(v, n);
	}
	free(v);
	return 0;
}

static const struct cli_command subs[] = {
	{ "set", netem_set_cmd, NULL, "impair what leaves an interface" },
	{ "show", netem_show_cmd, NULL, "list impaired interfaces and their counters" },
	{ "clear", netem_clear_cmd, NULL, "remove an interface's impairments" },
	{ NULL },
};

static const struct opt_spec netem_spec = {
	.prog = "netem",
	.usage = "brig netem COMMAND [ARG...]",
	.about = "Link impairments with netem's semantics: the kernel's netem where it\n"
		 "exists, else brig's relay.  See docs/labs.md.\n",
	.commands = subs,
};

int cmd_netem(struct brig_ctx *c, int argc, char **argv)
{
	return cli_dispatch(c, &netem_spec, argc, argv);
}
