/* cmd_ps.c - brig ps [-a] [-q] [--format table|json] and brig inspect. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "inspect.h"
#include "opt.h"

/* COMMAND as ps shows it: at most 20 characters. */
static void command_text(const struct container_summary *r, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", 20, r->command);
	if (strlen(r->command) > 20)
		strcpy(buf + 17, "...");
}

static void status_text(const struct container_summary *r, char *buf, size_t len)
{
	char ago[64];

	if (r->status == CONTAINER_RUNNING) {
		snprintf(buf, len, "Up %s", human_duration(r->started, ago, sizeof(ago)));
	} else if (r->status == CONTAINER_EXITED) {
		snprintf(buf, len, "Exited (%lld)%s %s", r->has_exit ? (long long)r->exit_code : -1LL,
			 r->oom_killed ? " OOMKilled" : "",
			 r->finished ? human_ago(r->finished, ago, sizeof(ago)) : "");
	} else {
		snprintf(buf, len, "%s", spec_status_name(r->status));
	}
}

static void addresses(const struct container_summary *r, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n_addresses && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", r->addresses[i]);
}

#define PS_COLS 8

struct ps_row {
	char cell[PS_COLS][512];
};

static const char *const ps_head[PS_COLS] = {
	"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "ADDRESSES", "PORTS", "NAMES",
};

static void fill_row(const struct container_summary *s, struct ps_row *r)
{
	char (*c)[512] = r->cell;

	snprintf(c[0], sizeof(c[0]), "%.12s", s->id);
	snprintf(c[1], sizeof(c[1]), "%s", s->image);
	command_text(s, c[2], sizeof(c[2]));
	human_ago(s->created, c[3], sizeof(c[3]));
	status_text(s, c[4], sizeof(c[4]));
	addresses(s, c[5], sizeof(c[5]));
	snprintf(c[6], sizeof(c[6]), "%s", s->ports);
	snprintf(c[7], sizeof(c[7]), "%s", s->name);
}

static void print_cells(const char *const cell[PS_COLS], const int w[PS_COLS])
{
	for (int k = 0; k < PS_COLS - 1; k++)
		printf("%-*s  ", w[k], cell[k]);
	printf("%s\n", cell[PS_COLS - 1]);
}

/* The table, each column as wide as its widest cell (CREATED and STATUS
 * read "Less than a second ago", "Exited (137) ... ago": no fixed width
 * fits them all). */
static void print_table(const struct ps_row *rows, size_t n)
{
	const char *cell[PS_COLS];
	int w[PS_COLS];

	for (int k = 0; k < PS_COLS; k++) {
		w[k] = (int)strlen(ps_head[k]);
		for (size_t i = 0; i < n; i++)
			if ((int)strlen(rows[i].cell[k]) > w[k])
				w[k] = (int)strlen(rows[i].cell[k]);
	}
	print_cells(ps_head, w);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < PS_COLS; k++)
			cell[k] = rows[i].cell[k];
		print_cells(cell, w);
	}
}

struct ps_opts {
	bool all, quiet, json;
};

static const struct opt ps_rows[] = {
	{ "all", 'a', NULL, "stopped containers too", opt_true, offsetof(struct ps_opts, all) },
	{ "quiet", 'q', NULL, "print short ids only", opt_true, offsetof(struct ps_opts, quiet) },
	OPT_FORMAT_ROW(struct ps_opts, json),
	{ NULL },
};

static const struct opt_spec ps_spec = {
	.prog = "ps",
	.usage = "brig ps [-a] [-q] [--format table|json]",
	.opts = ps_rows,
};

int cmd_ps(struct brig_ctx *c, int argc, char **argv)
{
	struct ps_opts o = { 0 };
	struct container_summary *v = NULL;
	struct ps_row *rows;
	size_t n = 0;
	struct brig_err e;
	json_t *out = NULL;
	int r = opt_parse(&ps_spec, argc, argv, &o, &e);
	bool all = o.all, quiet = o.quiet, json = o.json;

	if (r <= 0)
		return opt_status(r, &e);
	if (c->host)
		r = json ? client_container_list_json(c, all, &out, &e) :
			   client_container_list(c, all, &v, &n, &e);
	else
		r = json ? container_list_json(c, all, &out, &e) : container_list(c, all, &v, &n, &e);
	if (r < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2)), putchar('\n');
		json_decref(out);
		return 0;
	}
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.12s\n", v[i].id);
	} else if ((rows = calloc(n ? n : 1, sizeof(*rows)))) {
		for (size_t i = 0; i < n; i++)
			fill_row(&v[i], &rows[i]);
		print_table(rows, n);
		free(rows);
	}
	free(v);
	return 0;
}

static const struct opt_spec inspect_spec = {
	.prog = "inspect",
	.usage = "brig inspect NAME...",
	.needs = "container name",
};

int cmd_inspect(struct brig_ctx *c, int argc, char **argv)
{
	json_t *out;
	struct brig_err e;
	int missing, first = opt_parse(&inspect_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	missing = (c->host ? client_container_inspect : container_inspect)(
		c, argv + first, (size_t)(argc - first), &out, brig_report_cb, NULL, &e);
	if (missing < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	return missing ? EXIT_BRIG : 0;
}
