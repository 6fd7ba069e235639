/* cmd_logs.c - brig logs [-f] NAME and brig attach NAME. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
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
	struct container_state st;
	struct brig_err e;

	return state_load(c, id, NULL, &st, &e) < 0 || container_settled(&st);
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
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	cleanup_close int fd = -1;
	enum relay_end end;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("usage: brig attach NAME   (detach: Ctrl-P Ctrl-Q)");
		return argc == 2 ? 0 : EXIT_BRIG;
	}
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
