/* cmd_logs.c - brig logs [-f] NAME and brig attach NAME. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
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

	return container_logs(c, ref, &o, to_stdout, NULL, e);
}

int cmd_logs(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool follow = false;
	struct brig_err e;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (opt == 'f')
			follow = true;
		else if (opt == 'h') {
			puts("usage: brig logs [-f] NAME");
			return 0;
		} else
			return brig_fail("logs: %s (see 'brig logs --help')", brig_bad_option(argv));
	}
	if (optind != argc - 1)
		return brig_fail("logs: expected one container name");
	if (show_logs(c, argv[optind], follow, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}

/* attach: our terminal <-> the monitor's attach socket; Ctrl-P Ctrl-Q
 * detaches and leaves the container running. */
int cmd_attach(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	cleanup_close int fd = -1;
	enum tty_end end;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("usage: brig attach NAME   (detach: Ctrl-P Ctrl-Q)");
		return argc == 2 ? 0 : EXIT_BRIG;
	}
	if ((fd = container_attach_open(c, argv[1], &e)) < 0) {
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
