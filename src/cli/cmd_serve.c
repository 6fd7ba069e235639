/* cmd_serve.c - brig serve [--socket PATH] [--group NAME] [--debug]: the
 * Docker Engine API on a unix socket (src/api/, docs/api.md). */
#include <stddef.h>

#include "cli.h"
#include "opt.h"
#include "serve.h"

static const struct opt serve_rows[] = {
	{ "socket", 0, "PATH", "the unix socket (default: RUNROOT/brig.sock)", opt_string,
	  offsetof(struct api_serve_opts, socket) },
	{ "group", 0, "NAME", "the group whose members may use it (default: brig)", opt_string,
	  offsetof(struct api_serve_opts, group) },
	{ "debug", 0, NULL, "log a line per request on stderr", opt_true,
	  offsetof(struct api_serve_opts, debug) },
	{ NULL },
};

static const struct opt_spec serve_spec = {
	.prog = "serve",
	.usage = "brig serve [--socket PATH] [--group NAME] [--debug]",
	.about = "Serve the Docker Engine API (the docker CLI and SDKs are clients) until\n"
		 "SIGINT or SIGTERM.  Whoever may use the socket may run privileged\n"
		 "containers: membership of the group is root-equivalent, as Docker's.",
	.opts = serve_rows,
};

int cmd_serve(struct brig_ctx *c, int argc, char **argv)
{
	struct api_serve_opts o = { 0 };
	struct brig_err e;
	int r = opt_parse(&serve_spec, argc, argv, &o, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (r != argc)
		return brig_fail("serve: unexpected argument '%s'", argv[r]);
	if (api_serve(c, &o, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}
