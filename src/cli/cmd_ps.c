/* cmd_ps.c - brig ps [-a] [-q] [--format table|json] and brig inspect. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "opt.h"
#include "container.h"
#include "parse.h"
#include "state.h"

static int64_t parse_time(const char *s)
{
	struct tm tm = { 0 };

	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void command_text(const struct container_spec *cfg, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->n_cmd && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", cfg->cmd[i]);
	if (strlen(buf) > 20)
		strcpy(buf + 17, "...");
}

static void status_text(const struct container_state *st, char *buf, size_t len)
{
	const char *s = container_status(st);
	char ago[64];

	if (strcmp(s, "running") == 0) {
		snprintf(buf, len, "Up %s", human_duration(parse_time(st->started), ago, sizeof(ago)));
	} else if (strcmp(s, "exited") == 0) {
		snprintf(buf, len, "Exited (%lld)%s %s", st->has_exit ? (long long)st->exit_code : -1LL,
			 st->oom_killed ? " OOMKilled" : "",
			 st->finished[0] ? human_ago(parse_time(st->finished), ago, sizeof(ago)) : "");
	} else {
		snprintf(buf, len, "%s", s);
	}
}

static void addresses(const struct container_state *st, char *buf, size_t len)
{
	char addr[16];
	size_t off = 0;

	buf[0] = '\0';
	if (strcmp(container_status(st), "running") != 0)
		return;
	for (size_t i = 0; i < st->n_nets && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "",
					st->nets[i].address ? net_ip_str(st->nets[i].address, addr) : "");
}

#define PS_COLS 7

struct ps_row {
	char cell[PS_COLS][256];
};

static const char *const ps_head[PS_COLS] = {
	"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "ADDRESSES", "NAMES",
};

static void fill_row(const char *id, const struct container_spec *cfg,
		     const struct container_state *st, struct ps_row *r)
{
	char (*c)[256] = r->cell;

	snprintf(c[0], sizeof(c[0]), "%.12s", id);
	snprintf(c[1], sizeof(c[1]), "%s", cfg->image);
	command_text(cfg, c[2], sizeof(c[2]));
	human_ago(parse_time(cfg->created), c[3], sizeof(c[3]));
	status_text(st, c[4], sizeof(c[4]));
	addresses(st, c[5], sizeof(c[5]));
	snprintf(c[6], sizeof(c[6]), "%s", cfg->name);
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

/* Room for one more row in *rows (which holds n). */
static int grow_rows(struct ps_row **rows, size_t n)
{
	struct ps_row *nr = realloc(*rows, (n + 1) * sizeof(**rows));

	if (!nr)
		return -ENOMEM;
	*rows = nr;
	return 0;
}

/* The inspect document of one container (also `ps --format json`). */
static json_t *ps_document(const char *id, const struct container_spec *cfg,
			   const struct container_state *st)
{
	json_t *state = spec_state_to_json(st);

	json_object_set_new(state, "status", json_string(container_status(st)));
	json_object_set_new(state, "OOMKilled", json_boolean(st->oom_killed));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "id", id, "name", cfg->name, "image",
			 cfg->image, "created", cfg->created, "state", state, "config",
			 spec_to_json(cfg));
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
	char **ids = NULL;
	struct ps_row *rows = NULL;
	size_t n_rows = 0;
	struct brig_err e;
	json_t *out;
	int r = opt_parse(&ps_spec, argc, argv, &o, &e);
	bool all = o.all, quiet = o.quiet, json = o.json;

	if (r <= 0)
		return opt_status(r, &e);
	out = json_array();
	/* the state shown is the truth: reconcile records of crashed owners */
	if (container_gc(c, &e) < 0 || state_list(c, &ids, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	for (char **p = ids; *p; p++) {
		struct container_spec cfg;
		struct container_state st;
		if (state_load(c, *p, &cfg, &st, &e) == 0 &&
		    (all || strcmp(container_status(&st), "running") == 0)) {
			if (json)
				json_array_append_new(out, ps_document(*p, &cfg, &st));
			else if (quiet)
				printf("%.12s\n", *p);
			else if (grow_rows(&rows, n_rows) == 0)
				fill_row(*p, &cfg, &st, &rows[n_rows++]);
		}
		spec_free(&cfg);
	}
	if (json)
		json_dumpf(out, stdout, JSON_INDENT(2)), putchar('\n');
	else if (!quiet)
		print_table(rows, n_rows);
	free(rows);
	json_decref(out);
	state_list_free(ids);
	return 0;
}

static const struct opt_spec inspect_spec = {
	.prog = "inspect",
	.usage = "brig inspect NAME...",
	.needs = "container name",
};

int cmd_inspect(struct brig_ctx *c, int argc, char **argv)
{
	json_t *out = json_array();
	struct brig_err e;
	int code = 0, first = opt_parse(&inspect_spec, argc, argv, NULL, &e);

	if (first <= 0) {
		json_decref(out);
		return opt_status(first, &e);
	}
	container_gc(c, &e);
	for (int i = first; i < argc; i++) {
		char id[BRIG_ID_LEN + 1];
		struct container_spec cfg = { 0 };
		struct container_state st;
		if (state_resolve(c, argv[i], id, &e) < 0 || state_load(c, id, &cfg, &st, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			json_array_append_new(out, ps_document(id, &cfg, &st));
		}
		spec_free(&cfg);
	}
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	return code;
}
