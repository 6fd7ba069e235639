/* cmd_rm.c - brig rm [-f] NAME... */
#include <getopt.h> /* optind */
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "container.h"
#include "state.h"

static int remove_one(const struct brig_ctx *c, const char *ref, bool force, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	int running = container_find(c, ref, id, NULL, e);

	if (running < 0)
		return running;
	if (running && !force)
		return brig_errf(e, EBUSY, "container %s is running: stop it first or use -f", ref);
	return container_kill_remove(c, id, e);
}

static const struct opt rm_rows[] = {
	{ "force", 'f', NULL, "stop a running container first (SIGKILL)", opt_true },
	{ NULL },
};

static const struct opt_spec rm_spec = {
	.prog = "rm",
	.usage = "brig rm [-f] NAME...",
	.opts = rm_rows,
	.needs = "container name",
};

int cmd_rm(struct brig_ctx *c, int argc, char **argv)
{
	bool force = false;
	struct brig_err e;
	int code = 0, r = opt_parse(&rm_spec, argc, argv, &force, &e);

	if (r <= 0)
		return opt_status(r, &e);
	for (int i = optind; i < argc; i++) {
		if (remove_one(c, argv[i], force, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			puts(argv[i]);
		}
	}
	return code;
}
