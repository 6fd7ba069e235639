/* cmd_logs.c - brig logs [-f] NAME and brig attach NAME. */
#include <fcntl.h>
#include <getopt.h> /* optind */
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "cleanup.h"
#include "container.h"
#include "monitor.h"
#include "pty.h"
#include "state.h"

static int copy_out(int fd)
{
	char buf[65536];
	ssize_t n;
	int total = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return -1;
		total += (int)n;
	}
	return total;
}

static bool settled(const struct brig_ctx *c, const char *id)
{
	json_t *st = NULL;
	struct brig_err e;
	bool done = state_load(c, id, NULL, &st, &e) < 0 || container_settled(st);

	json_decref(st);
	return done;
}

static int show_logs(const struct brig_ctx *c, const char *ref, bool follow, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1], path[PATH_MAX];
	cleanup_close int fd = -1;

	if (state_resolve(c, ref, id, e) < 0 || state_path(c, id, "container.log.1", path, sizeof(path), e) < 0)
		return -e->code;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		copy_out(fd);
		close(fd);
	}
	state_path(c, id, "container.log", path, sizeof(path), e);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && !follow)
		return 0; /* nothing logged (yet) */
	if (fd >= 0)
		copy_out(fd);
	/* -f: follow until the container has exited and the log is drained */
	while (follow) {
		bool done = settled(c, id);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && copy_out(fd) > 0)
			continue;
		if (done)
			break;
		usleep(50000);
	}
	return 0;
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
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	cleanup_close int fd = -1;
	enum relay_end end;
	int r = opt_parse(&attach_spec, argc, argv, NULL, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (r != argc - 1)
		return brig_fail("attach: expected one container name");
	argv += r - 1; /* the name is argv[1] */
	if (state_resolve(c, argv[1], id, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (monitor_attach_path(c, id, sa.sun_path, sizeof(sa.sun_path)) < 0 ||
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return brig_fail("attach %s: not a running container with a terminal (run -d -t)",
				 argv[1]);
	pty_raw(STDIN_FILENO);
	end = pty_relay(fd, STDIN_FILENO, STDOUT_FILENO, true);
	pty_restore();
	if (end == RELAY_DETACHED)
		fputs("\r\n", stderr);
	return 0;
}
