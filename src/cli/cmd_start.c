/* cmd_start.c - brig start NAME... and brig restart [-t SECONDS] NAME...
 *
 * A stopped container starts again with the same id, name, config and
 * upper layer, each network's address when still free; its monitor owns it
 * (as after `run -d`), so start returns once the command runs. */
#include <getopt.h> /* optind */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "cleanup.h"
#include "container.h"
#include "io.h"
#include "lifecycle.h"
#include "monitor.h"
#include "stream.h"

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

/* A terminal's output as it comes; without one stdout and stderr apart
 * (the monitor frames them). */
static void copy_output(int fd, bool tty)
{
	char buf[16384];
	ssize_t n;

	if (!tty) {
		stream_demux(fd, STDOUT_FILENO, STDERR_FILENO);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return;
}

/* start -a: the monitor serves our end of a socketpair from before the
 * command runs (not a byte is lost); its output until the end, then the
 * container's exit status. */
static int start_attached(struct brig_ctx *c, const char *ref)
{
	struct container ct;
	struct brig_err e;
	cleanup_close int mine = -1;
	int sp[2], code = EXIT_BRIG;
	bool tty;

	if (container_load(c, ref, &ct, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	tty = ct.spec.tty;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		container_free(&ct);
		return brig_fail("start: socketpair: %s", strerror(errno));
	}
	mine = sp[0];
	ct.attach_fd[0] = sp[1];
	ct.attach_flags[0] = ATTACH_STDOUT | ATTACH_STDERR | (tty ? 0 : ATTACH_MUX);
	ct.n_attach = 1;
	if (monitor_launch(c, &ct, &code, &e) < 0)
		brig_report(&e);
	close(sp[1]);
	container_free(&ct);
	if (code != 0)
		return code;
	copy_output(mine, tty);
	if (container_wait_exit(c, ref, &code, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return code;
}

static const struct opt start_rows[] = {
	{ "attach", 'a', NULL, "print its output until it exits, then exit with its status",
	  opt_true },
	{ NULL },
};

static const struct opt_spec start_spec = {
	.prog = "start",
	.usage = "brig start [-a] NAME...",
	.opts = start_rows,
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
	bool attach = false;
	struct brig_err e;
	int code = 0, first = opt_parse(restart ? &restart_spec : &start_spec, argc, argv,
					restart ? (void *)&timeout : (void *)&attach, &e);

	if (first <= 0)
		return opt_status(first, &e);
	container_gc(c, &e); /* a crashed container is reconciled before it starts */
	if (attach && argc - optind != 1)
		return brig_fail("start: -a takes one container name");
	if (attach)
		return start_attached(c, argv[optind]);
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
