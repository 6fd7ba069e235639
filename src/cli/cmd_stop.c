/* cmd_stop.c - brig stop [-t SECONDS] NAME... and brig kill [-s SIGNAL] NAME... */
#include <getopt.h> /* optind */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "opt.h"
#include "container.h"
#include "lifecycle.h"

static const struct opt stop_rows[] = {
	OPT_STOP_TIME_ROW,
	{ NULL },
};

static const struct opt_spec stop_spec = {
	.prog = "stop",
	.usage = "brig stop [-t SECONDS] NAME...",
	.opts = stop_rows,
	.needs = "container name",
};

int cmd_stop(struct brig_ctx *c, int argc, char **argv)
{
	uint64_t timeout = 10;
	struct brig_err e;
	int code = 0, r = opt_parse(&stop_spec, argc, argv, &timeout, &e);

	if (r <= 0)
		return opt_status(r, &e);
	for (int i = optind; i < argc; i++) {
		if ((c->host ? client_container_stop : container_stop)(c, argv[i], (int)timeout, &e) <
		    0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			puts(argv[i]);
		}
	}
	return code;
}

static int set_signal(void *field, const char *arg, struct brig_err *e)
{
	if ((*(int *)field = container_parse_signal(arg)) < 0)
		return brig_errf(e, EINVAL, "invalid signal '%s'", arg);
	return 0;
}

static const struct opt kill_rows[] = {
	{ "signal", 's', "SIGNAL", "TERM, SIGTERM or 15 (default: KILL)", set_signal },
	{ NULL },
};

static const struct opt_spec kill_spec = {
	.prog = "kill",
	.usage = "brig kill [-s SIGNAL] NAME...",
	.opts = kill_rows,
	.needs = "container name",
};

int cmd_kill(struct brig_ctx *c, int argc, char **argv)
{
	int sig = SIGKILL, code = 0;
	struct brig_err e;
	int first = opt_parse(&kill_spec, argc, argv, &sig, &e);

	if (first <= 0)
		return opt_status(first, &e);
	for (int i = optind; i < argc; i++) {
		if ((c->host ? client_container_kill : container_kill)(c, argv[i], sig, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			puts(argv[i]);
		}
	}
	return code;
}

static const struct opt_spec wait_spec = {
	.prog = "wait",
	.usage = "brig wait NAME...",
	.needs = "container name",
};

int cmd_wait(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int code = 0, first = opt_parse(&wait_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	for (int i = first; i < argc; i++) {
		int exit_code;
		if (container_wait_exit(c, argv[i], &exit_code, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
			continue;
		}
		printf("%d\n", exit_code);
	}
	return code;
}
