/* cmd_start.c - brig start NAME... and brig restart [-t SECONDS] NAME...
 *
 * A stopped container starts again with the same id, name, config and
 * upper layer, each network's address when still free; its monitor owns it
 * (as after `run -d`), so start returns once the command runs. */
#include <getopt.h> /* optind */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
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

static const struct opt_spec start_spec = {
	.prog = "start",
	.usage = "brig start NAME...",
	.needs = "container name",
};

static const struct opt restart_rows[] = {
	OPT_STOP_TIME_ROW,
	{ NULL },
};

static const struct opt_spec restart_spec = {
	.prog = "restart",
	.usage = "brig restart [-t SECONDS] NAME...",
	.opts = restart_rows,
	.needs = "container name",
};

/* Shared by start and restart: [-t SECONDS] (restart only), then names. */
static int start_all(struct brig_ctx *c, int argc, char **argv, bool restart)
{
	uint64_t timeout = 10;
	struct brig_err e;
	int code = 0, first = opt_parse(restart ? &restart_spec : &start_spec, argc, argv, &timeout, &e);

	if (first <= 0)
		return opt_status(first, &e);
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
