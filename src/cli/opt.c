/* opt.c - option tables to getopt_long, --help and one-line errors; one
 * dispatcher for commands with subcommands (see opt.h). */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "opt.h"
#include "util.h"

#define VAL_HELP 'h'
#define VAL_ROW 256 /* getopt's value for row i: VAL_ROW + i */

static size_t count_rows(const struct opt_spec *s)
{
	size_t n = 0;

	while (s->opts && s->opts[n].name)
		n++;
	return n;
}

/* The getopt_long tables of s: "+" stops at the first operand, so
 * `brig exec NAME ls -l` leaves -l to the command; commands without one
 * (s->permute) take options anywhere, as `brig export NAME -o FILE`. */
static void build(const struct opt_spec *s, size_t n, struct option *lo, char *shorts)
{
	char *p = shorts;

	if (!s->permute)
		*p++ = '+';
	for (size_t i = 0; i < n; i++) {
		const struct opt *r = &s->opts[i];
		lo[i] = (struct option){ r->name, r->arg ? required_argument : no_argument, NULL,
					 VAL_ROW + (int)i };
		if (r->letter) {
			*p++ = (char)r->letter;
			if (r->arg)
				*p++ = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, VAL_HELP };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	*p++ = 'h';
	*p = '\0';
}

/* The row getopt_long's value val stands for (a letter or VAL_ROW + i). */
static const struct opt *row_of(const struct opt_spec *s, size_t n, int val)
{
	if (val >= VAL_ROW && (size_t)(val - VAL_ROW) < n)
		return &s->opts[val - VAL_ROW];
	for (size_t i = 0; i < n; i++)
		if (s->opts[i].letter == val)
			return &s->opts[i];
	return NULL;
}

static int prefixed(const struct opt_spec *s, struct brig_err *e)
{
	return *s->prog ? brig_err_ctx(e, "%s", s->prog) : -e->code;
}

int opt_set(const struct opt *r, void *target, const char *arg, struct brig_err *e)
{
	return r->set((char *)target + r->off, arg, e);
}

int opt_parse(const struct opt_spec *s, int argc, char **argv, void *target, struct brig_err *e)
{
	struct option lo[OPT_MAX + 2];
	char shorts[2 * OPT_MAX + 3];
	size_t n = count_rows(s);
	int val;

	if (n > OPT_MAX)
		return brig_errf(e, E2BIG, "%s: more than %d options", s->prog, OPT_MAX);
	build(s, n, lo, shorts);
	opterr = 0; /* each refusal becomes one line of ours */
	optind = 0; /* 0, not 1: glibc starts afresh, as every command parses anew */
	while ((val = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt *r = row_of(s, n, val);
		if (val == VAL_HELP) {
			opt_help(s, stdout);
			return 0;
		}
		if (!r)
			return brig_errf(e, EINVAL, "%s%s%s (see 'brig%s%s --help')", s->prog,
					 *s->prog ? ": " : "", brig_bad_option(argv), *s->prog ? " " : "",
					 s->prog);
		if (opt_set(r, target, optarg, e) < 0)
			return prefixed(s, e);
	}
	if (s->needs && optind >= argc)
		return brig_errf(e, EINVAL, "%s: missing %s", s->prog, s->needs);
	return optind;
}

/* ---- --help ---- */

/* "-e, --env K=V" or "--name NAME" into buf; its length. */
static int left_column(const struct opt *r, char *buf, size_t len)
{
	char letter[8] = "";

	if (r->letter)
		snprintf(letter, sizeof(letter), "-%c, ", r->letter);
	return snprintf(buf, len, "%s--%s%s%s", letter, r->name, r->arg ? " " : "",
			r->arg ? r->arg : "");
}

static bool listed(const struct opt *r)
{
	return r->help && !(r->flags & OPT_HIDDEN);
}

/* Help lines after the first start under the first, at column col. */
static void help_text(const struct opt *r, int col, FILE *f)
{
	for (const char *p = r->help; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", col, "");
	}
	if (r->flags & OPT_REPEAT)
		fputs(" (repeatable)", f);
	fputc('\n', f);
}

static void options_help(const struct opt_spec *s, FILE *f)
{
	char left[96];
	int w = 0;

	for (const struct opt *r = s->opts; r && r->name; r++) {
		int len = left_column(r, left, sizeof(left));
		if (listed(r) && len > w)
			w = len;
	}
	if (!w)
		return;
	fputs("\noptions:\n", f);
	for (const struct opt *r = s->opts; r->name; r++) {
		if (!listed(r))
			continue;
		left_column(r, left, sizeof(left));
		fprintf(f, "  %-*s  ", w, left);
		help_text(r, w + 4, f);
	}
}

static void commands_help(const struct opt_spec *s, FILE *f)
{
	int w = 0;

	for (const struct cli_command *k = s->commands; k->name; k++)
		if (k->summary && (int)strlen(k->name) > w)
			w = (int)strlen(k->name);
	fputs("\ncommands:\n", f);
	for (const struct cli_command *k = s->commands; k->name; k++)
		if (k->summary)
			fprintf(f, "  %-*s  %s\n", w, k->name, k->summary);
	fprintf(f, "\nRun 'brig%s%s COMMAND --help' for a command's options.\n",
		*s->prog ? " " : "", s->prog);
}

void opt_help(const struct opt_spec *s, FILE *f)
{
	fprintf(f, "usage: %s\n", s->usage);
	if (s->about)
		fprintf(f, "\n%s", s->about);
	options_help(s, f);
	if (s->commands)
		commands_help(s, f);
}

const struct opt *opt_find(const struct opt_spec *s, const char *name)
{
	for (const struct opt *r = s->opts; r && r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

/* ---- generic setters ---- */

int opt_true(void *field, const char *arg, struct brig_err *e)
{
	(void)arg, (void)e;
	*(bool *)field = true;
	return 0;
}

int opt_false(void *field, const char *arg, struct brig_err *e)
{
	(void)arg, (void)e;
	*(bool *)field = false;
	return 0;
}

int opt_string(void *field, const char *arg, struct brig_err *e)
{
	(void)e;
	*(const char **)field = arg;
	return 0;
}

int opt_format(void *field, const char *arg, struct brig_err *e)
{
	if (strcmp(arg, "json") && strcmp(arg, "table"))
		return brig_errf(e, EINVAL, "--format must be table or json");
	*(bool *)field = strcmp(arg, "json") == 0;
	return 0;
}

int opt_seconds(void *field, const char *arg, struct brig_err *e)
{
	if (parse_uint(arg, 86400, field, e) < 0)
		return brig_errf(e, EINVAL, "invalid -t '%s'", arg);
	return 0;
}

int opt_ignore(void *field, const char *arg, struct brig_err *e)
{
	(void)field, (void)arg, (void)e;
	return 0;
}

/* ---- subcommands ---- */

int opt_status(int r, const struct brig_err *e)
{
	if (r >= 0)
		return 0;
	brig_report(e);
	return EXIT_BRIG;
}

static const struct cli_command *find_command(const struct opt_spec *s, const char *name)
{
	for (const struct cli_command *k = s->commands; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

int cli_dispatch(struct brig_ctx *c, const struct opt_spec *s, int argc, char **argv)
{
	const struct cli_command *k;
	struct brig_err e;
	int first = opt_parse(s, argc, argv, c, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first >= argc) {
		opt_help(s, stderr);
		return EXIT_BRIG;
	}
	k = find_command(s, argv[first]);
	if (!k)
		return brig_fail("%s%sunknown command '%s' (see 'brig%s%s --help')", s->prog,
				 *s->prog ? ": " : "", argv[first], *s->prog ? " " : "", s->prog);
	if (s->ready && s->ready(c, &e) < 0)
		return opt_status(-e.code, &e);
	if (c->host && !client_serves(s->prog, k->name))
		return client_refuse(s->prog, k->name);
	argc -= first;
	argv += first;
	if (k->fn)
		return k->fn(c, argc, argv);
	return opt_status(k->run(c, argc, argv, &e), &e);
}
