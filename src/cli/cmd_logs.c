/* cmd_logs.c - brig logs [-f] NAME and brig attach NAME. */
#include <getopt.h> /* optind */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "opt.h"
#include "cleanup.h"
#include "io.h"
#include "logs.h"
#include "tty.h"

/* The log's bytes to our stdout. */
static int to_stdout(void *arg, const char *buf, size_t len)
{
	(void)arg;
	return write_all(STDOUT_FILENO, buf, len);
}

static int show_logs(const struct brig_ctx *c, const char *ref, bool follow, struct brig_err *e)
{
	struct logs_opts o = { .follow = follow };

	return (c->host ? client_container_logs : container_logs)(c, ref, &o, to_stdout, NULL, e);
}

static const struct opt logs_rows[] = {
	{ "follow", 'f', NULL, "go on until the container exits", opt_true },
	{ NULL },
};

static const struct opt_spec logs_spec = {
	.prog = "logs",
	.usage = "brig logs [-f] NAME",
	.opts = logs_rows,
};

int cmd_logs(struct brig_ctx *c, int argc, char **argv)
{
	bool follow = false;
	struct brig_err e;
	int r = opt_parse(&logs_spec, argc, argv, &follow, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (optind != argc - 1)
		return brig_fail("logs: expected one container name");
	if (show_logs(c, argv[optind], follow, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}

static const struct opt_spec attach_spec = {
	.prog = "attach",
	.usage = "brig attach NAME   (detach: Ctrl-P Ctrl-Q)",
	.needs = "container name",
};

/* attach: our terminal <-> the monitor's attach socket; Ctrl-P Ctrl-Q
 * detaches and leaves the container running. */
int cmd_attach(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	cleanup_close int fd = -1;
	enum tty_end end;
	int r = opt_parse(&attach_spec, argc, argv, NULL, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (r != argc - 1)
		return brig_fail("attach: expected one container name");
	if ((fd = container_attach_open(c, argv[r], &e)) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	term_raw(STDIN_FILENO);
	end = container_tty_relay(fd, STDIN_FILENO, STDOUT_FILENO, true);
	term_restore();
	if (end == TTY_DETACHED)
		fputs("\r\n", stderr);
	return 0;
}
