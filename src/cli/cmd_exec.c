/* cmd_exec.c - brig exec [-d] [-i] [-t] [-e K=V]... [-w DIR] [-u UID] NAME CMD [ARG...]
 *
 * The engine runs the command in the container's namespaces and cgroup,
 * with its environment, identity and capabilities (exec.h).  With -d, brig
 * returns once the command was exec'd. */
#include <getopt.h> /* optind */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "exec.h"
#include "opt.h"
#include "spec_parse.h"
#include "tty.h"

struct exec_opts {
	bool interactive, tty, detach;
	const char *user, *workdir;
	char **env;
	size_t n_env;
};

static int run_exec(struct brig_ctx *c, const char *ref, char **argv, struct exec_opts *o,
		    struct brig_err *e)
{
	struct exec_request req = {
		.argv = argv, .env = o->env, .n_env = o->n_env, .user = o->user,
		.workdir = o->workdir, .tty = o->tty, .detach = o->detach,
		/* without -i the command gets no input, as in Docker; -d drops
		 * its output too */
		.stdio = { o->interactive ? STDIN_FILENO : -1, o->detach ? -1 : STDOUT_FILENO,
			   o->detach ? -1 : STDERR_FILENO },
	};
	struct exec_proc p;
	int code;

	if (c->host)
		return client_exec(c, ref, &req, o->interactive);
	if (o->tty)
		term_size(STDIN_FILENO, &req.rows, &req.cols);
	if (container_exec_start(c, ref, &req, &p, &code, e) < 0) {
		brig_report(e);
		return code;
	}
	if (o->detach)
		return 0;
	if (p.pty_master >= 0) {
		if (o->interactive)
			term_raw(STDIN_FILENO);
		container_tty_relay(p.pty_master, o->interactive ? STDIN_FILENO : -1, STDOUT_FILENO,
				    false);
		term_restore();
	}
	return container_exec_wait(&p);
}

static int set_env(void *o, const char *arg, struct brig_err *e)
{
	struct exec_opts *x = o;
	return spec_list_add(&x->env, &x->n_env, arg, e);
}

#define EXEC(field) offsetof(struct exec_opts, field)

static const struct opt exec_rows[] = {
	{ "detach", 'd', NULL, "run in the background (no input, output dropped)", opt_true,
	  EXEC(detach) },
	{ "interactive", 'i', NULL, "keep stdin open", opt_true, EXEC(interactive) },
	{ "tty", 't', NULL, "give the command a pseudo-terminal", opt_true, EXEC(tty) },
	{ "env", 'e', "K=V", "set an environment variable", set_env, 0, OPT_REPEAT },
	{ "workdir", 'w', "DIR", "working directory", opt_string, EXEC(workdir) },
	{ "user", 'u', "UID", "run as this user", opt_string, EXEC(user) },
	{ NULL },
};

static const struct opt_spec exec_spec = {
	.prog = "exec",
	.usage = "brig exec [-d] [-i] [-t] [-e K=V]... [-w DIR] [-u UID] NAME CMD [ARG...]",
	.opts = exec_rows,
};

int cmd_exec(struct brig_ctx *c, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct brig_err e = { 0 };
	int code = opt_parse(&exec_spec, argc, argv, &o, &e);

	if (code <= 0) {
		free(o.env);
		return opt_status(code, &e);
	}
	if (argc - optind < 2)
		return brig_fail("exec: expected NAME and CMD");
	if (o.detach && (o.interactive || o.tty))
		return brig_fail("exec: -d cannot be combined with -i or -t");
	code = run_exec(c, argv[optind], argv + optind + 1, &o, &e);
	free(o.env);
	return code;
}
