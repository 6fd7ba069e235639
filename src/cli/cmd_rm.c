/* cmd_rm.c - brig rm [-f] [-v] NAME... */
#include <getopt.h> /* optind */
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "opt.h"
#include "container.h"
#include "state.h"

struct rm_opts {
	bool force, volumes;
};

static int remove_one(const struct brig_ctx *c, const char *ref, const struct rm_opts *o,
		      struct brig_err *e)
{
	if (c->host)
		return client_container_remove(c, ref, o->force, o->volumes, e);
	return container_rm(c, ref, o->force, o->volumes, e);
}

static const struct opt rm_rows[] = {
	{ "force", 'f', NULL, "stop a running container first (SIGKILL)", opt_true,
	  offsetof(struct rm_opts, force) },
	{ "volumes", 'v', NULL, "remove its anonymous volumes too", opt_true,
	  offsetof(struct rm_opts, volumes) },
	{ NULL },
};

static const struct opt_spec rm_spec = {
	.prog = "rm",
	.usage = "brig rm [-f] [-v] NAME...",
	.opts = rm_rows,
	.needs = "container name",
};

int cmd_rm(struct brig_ctx *c, int argc, char **argv)
{
	struct rm_opts o = { 0 };
	struct brig_err e;
	int code = 0, r = opt_parse(&rm_spec, argc, argv, &o, &e);

	if (r <= 0)
		return opt_status(r, &e);
	for (int i = optind; i < argc; i++) {
		if (remove_one(c, argv[i], &o, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			puts(argv[i]);
		}
	}
	return code;
}
