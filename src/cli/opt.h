/* opt.h - options and subcommands as data.
 *
 * A command's options are one table, a row per option, crun's argp style:
 *
 *   { "cpus", 0, "N", "CPU limit (fractional)", set_cpus },
 *   { "env", 'e', "K=V", "set an environment variable", set_env, 0, OPT_REPEAT },
 *
 * opt_parse() builds getopt_long's struct option[] and short string from
 * it, calls each row's setter with its value, answers --help with text
 * generated from the rows (opt_help) and turns getopt's refusals into one
 * line ("ps: unknown option '--x' (see 'brig ps --help')").  Commands with
 * subcommands (brig, brig image, brig network, brig system) are a table of
 * struct cli_command served by cli_dispatch(). */
#ifndef BRIG_OPT_H
#define BRIG_OPT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

/* Store arg (NULL for a flag) in *field; 0, or negative with e filled with
 * one line that names the option ("invalid --cpus '0': ...").  field is
 * the parse target plus the row's offset. */
typedef int (*opt_setter)(void *field, const char *arg, struct brig_err *e);

enum {
	OPT_REPEAT = 1, /* may be given again, each value kept: --help says "(repeatable)" */
	OPT_HIDDEN = 2, /* an alias (--net for --network): parsed, not listed by --help */
};

struct opt {
	const char *name; /* long name without "--"; NULL ends the table */
	int letter;       /* short option, or 0 */
	const char *arg;  /* the value's name in --help; NULL: a flag, no value */
	const char *help; /* one line; "\n" continues it under the same column */
	opt_setter set;
	size_t off;       /* added to the target before set() sees it */
	unsigned flags;   /* OPT_REPEAT, OPT_HIDDEN */
};

struct cli_command;

/* One command's options and its --help text. */
struct opt_spec {
	const char *prog;  /* "run", "image ls": names the command in messages;
			    * "" for brig itself */
	const char *usage; /* after "usage: ", e.g. "brig ps [-a] [-q]" */
	const char *about; /* NULL, or a paragraph after the usage line */
	const struct opt *opts;             /* NULL: no options but --help */
	const struct cli_command *commands; /* a group's subcommands, for --help */
	const char *needs; /* NULL, or what the first operand names: with
			    * "container name", none is "rm: missing container name" */
	bool permute;	   /* options may follow operands (no command after) */
	/* NULL, or called once the global options are parsed, before the
	 * command (brig's: rootless_enter) */
	int (*ready)(struct brig_ctx *c, struct brig_err *e);
};

/* The most rows a table may have. */
#define OPT_MAX 48

/* Parse the options of argv[1...] (argv[0] is the command's name) into
 * target, up to the first operand (options after it are operands).
 * Returns the index of the first operand (>= 1, also left in optind); 0 when -h or --help was
 * given (the help is then on stdout); negative with e filled, prefixed
 * "PROG: ", for an unknown option, a missing value, a refused value or a
 * missing operand (s->needs). */
int opt_parse(const struct opt_spec *s, int argc, char **argv, void *target, struct brig_err *e);

/* Write the help of s: usage, about, the option rows with their help in
 * one aligned column, and the subcommands of a group. */
void opt_help(const struct opt_spec *s, FILE *f);

/* The row of s named name (long name), or NULL: for tests and front ends
 * that feed a setter themselves. */
const struct opt *opt_find(const struct opt_spec *s, const char *name);

/* Call r's setter on target, as opt_parse does. */
int opt_set(const struct opt *r, void *target, const char *arg, struct brig_err *e);

/* Generic setters; the row's off names the field. */
int opt_true(void *field, const char *arg, struct brig_err *e);     /* bool = true */
int opt_false(void *field, const char *arg, struct brig_err *e);    /* bool = false */
int opt_string(void *field, const char *arg, struct brig_err *e);   /* const char * = arg */
int opt_format(void *field, const char *arg, struct brig_err *e);   /* bool json: table|json */
int opt_seconds(void *field, const char *arg, struct brig_err *e);  /* uint64_t, -t 0..86400 */
int opt_ignore(void *field, const char *arg, struct brig_err *e);   /* accepted, no effect */

/* The row of --format table|json, into a bool json field of type. */
#define OPT_FORMAT_ROW(type, field) \
	{ "format", 0, "table|json", "print a table (default) or JSON", opt_format, \
	  offsetof(type, field) }

/* The row of stop's and restart's -t SECONDS, into a uint64_t target. */
#define OPT_STOP_TIME_ROW \
	{ "time", 't', "SECONDS", "wait this long after SIGTERM, then SIGKILL (default: 10)", \
	  opt_seconds }

/* ---- subcommands ---- */

/* One subcommand.  Either fn, which returns the exit status, or run, which
 * returns >= 0 for success or negative with e filled (the dispatcher
 * reports it and exits EXIT_BRIG).  Both get argv[0] = the name. */
struct cli_command {
	const char *name;    /* NULL ends the table */
	int (*fn)(struct brig_ctx *c, int argc, char **argv);
	int (*run)(struct brig_ctx *c, int argc, char **argv, struct brig_err *e);
	const char *summary; /* NULL: an alias, not listed by --help */
};

/* Serve a group: parse its own options (s->opts, into c, e.g. --root), then
 * run the subcommand named by the first operand.  --help prints the group's
 * help; no subcommand prints it on stderr and returns EXIT_BRIG; an unknown
 * one is a one-line error "image: unknown command 'x' (see 'brig image
 * --help')".  Returns the exit status. */
int cli_dispatch(struct brig_ctx *c, const struct opt_spec *s, int argc, char **argv);

/* Report e ("brig: <msg>") and return EXIT_BRIG; for r == 0 return 0. */
int opt_status(int r, const struct brig_err *e);

#endif
