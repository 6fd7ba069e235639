/* cmd_start.c - brig start NAME... and brig restart [-t SECONDS] NAME...
 *
 * A stopped container starts again with the same id, name, config and
 * upper layer, each network's address when still free; its monitor owns it
 * (as after `run -d`), so start returns once the command runs. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "monitor.h"

static int start_one(struct brig_ctx *c, const char *ref)
{
	struct container ct;
	struct brig_err e;
	int code = EXIT_BRIG;
	int r = container_load(c, ref, &ct, &e);

	if (r == -EBUSY) /* already running: nothing to do, as in Docker */
		code = puts(ref) < 0 ? EXIT_BRIG : 0;
	else if (r < 0)
		brig_report(&e);
	else if (monitor_launch(c, &ct, &code, &e) < 0)
		brig_report(&e);
	else
		puts(ref);
	container_free(&ct);
	return code;
}

/* Shared by start and restart: [-t SECONDS] (restart only), then names. */
static int start_all(struct brig_ctx *c, int argc, char **argv, bool restart)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = restart ? "restart" : "start";
	uint64_t timeout = 10;
	struct brig_err e;
	int opt, code = 0;

	optind = 0;
	while ((opt = getopt_long(argc, argv, restart ? "+t:h" : "+h", opts, NULL)) != -1) {
		if (opt == 't' && restart && parse_uint(optarg, 86400, &timeout, &e) == 0)
			continue;
		if (opt == 't' && restart)
			return brig_fail("restart: invalid -t '%s'", optarg);
		if (opt == 'h') {
			printf("usage: brig %s%s NAME...\n", verb, restart ? " [-t SECONDS]" : "");
			return 0;
		}
		return brig_fail("%s: %s (see 'brig %s --help')", verb, brig_bad_option(argv), verb);
	}
	if (optind >= argc)
		return brig_fail("%s: missing container name", verb);
	container_gc(c, &e); /* a crashed container is reconciled before it starts */
	for (int i = optind; i < argc; i++) {
		int r;
		if (restart && container_stop(c, argv[i], (int)timeout, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
			continue;
		}
		r = start_one(c, argv[i]);
		code = code ? code : r;
	}
	return code;
}

int cmd_start(struct brig_ctx *c, int argc, char **argv)
{
	return start_all(c, argc, argv, false);
}

int cmd_restart(struct brig_ctx *c, int argc, char **argv)
{
	return start_all(c, argc, argv, true);
}
