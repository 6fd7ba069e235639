/* cmd_exec.c - brig exec [-d] [-i] [-t] [-e K=V]... [-w DIR] [-u UID] NAME CMD [ARG...]
 *
 * The engine runs the command in the container's namespaces and cgroup,
 * with its environment, identity and capabilities (exec.h).  With -d, brig
 * returns once the command was exec'd. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
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

int cmd_exec(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interactive", no_argument, NULL, 'i' }, { "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },   { "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exec_opts o = { 0 };
	struct brig_err e = { 0 };
	int opt, code;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+dite:w:u:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': o.interactive = true; break;
		case 'd': o.detach = true; break;
		case 't': o.tty = true; break;
		case 'w': o.workdir = optarg; break;
		case 'u': o.user = optarg; break;
		case 'e': {
			char **nv = realloc(o.env, (o.n_env + 1) * sizeof(*nv));
			if (!nv)
				return brig_fail("exec: out of memory");
			o.env = nv;
			o.env[o.n_env++] = optarg;
			break;
		}
		case 'h':
			puts("usage: brig exec [-d] [-i] [-t] [-e K=V]... [-w DIR] [-u UID] NAME CMD [ARG...]\n"
			     "  -d  run in the background (no input, output dropped)");
			return 0;
		default: return brig_fail("exec: %s (see 'brig exec --help')", brig_bad_option(argv));
		}
	}
	if (argc - optind < 2)
		return brig_fail("exec: expected NAME and CMD");
	if (o.detach && (o.interactive || o.tty))
		return brig_fail("exec: -d cannot be combined with -i or -t");
	code = run_exec(c, argv[optind], argv + optind + 1, &o, &e);
	free(o.env);
	return code;
}
