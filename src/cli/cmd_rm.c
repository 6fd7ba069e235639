/* cmd_rm.c - brig rm [-f] NAME... */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "cli.h"
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

int cmd_rm(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	int opt, code = 0;
	struct brig_err e;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (opt == 'f')
			force = true;
		else if (opt == 'h') {
			puts("usage: brig rm [-f] NAME...");
			return 0;
		} else
			return brig_fail("rm: %s (see 'brig rm --help')", brig_bad_option(argv));
	}
	if (optind >= argc)
		return brig_fail("rm: missing container name");
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
