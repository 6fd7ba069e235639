/* cmd_logs.c - brig logs [-f] [-t] [-n N] [--since T] [--until T] NAME and
 * brig attach NAME. */
#include <getopt.h> /* optind */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "opt.h"
#include "cleanup.h"
#include "io.h"
#include "logs.h"
#include "tty.h"
#include "util.h"

struct logs_cli {
	bool follow, timestamps;
	const char *tail, *since, *until;
};

/* Where the lines go: stdout's to our stdout, stderr's to our stderr,
 * each line after its time with -t. */
struct logs_out {
	bool timestamps;
	bool at_start[2]; /* per stream: the next byte begins a line */
};

static int to_fds(void *arg, int stream, int64_t time_ns, const char *buf, size_t len)
{
	struct logs_out *out = arg;
	int fd = stream == 2 ? STDERR_FILENO : STDOUT_FILENO;
	bool *start = &out->at_start[stream == 2];
	char ts[48];

	if (out->timestamps && *start) {
		rfc3339(time_ns, ts, sizeof(ts) - 1);
		strcat(ts, " ");
		if (write_all(fd, ts, strlen(ts)) < 0)
			return -1;
	}
	*start = len > 0 && buf[len - 1] == '\n';
	return write_all(fd, buf, len);
}

/* The options as the engine takes them. */
static int logs_opts_of(const struct logs_cli *cli, struct logs_opts *o, struct brig_err *e)
{
	uint64_t n;
	int64_t now = now_ns();

	*o = (struct logs_opts){ .follow = cli->follow, .timestamps = cli->timestamps, .tail = -1 };
	if (cli->tail && strcmp(cli->tail, "all") != 0) {
		if (parse_uint(cli->tail, LONG_MAX, &n, e) < 0)
			return brig_errf(e, EINVAL, "logs: invalid --tail '%s': a number or all",
					 cli->tail);
		o->tail = (long)n;
	}
	if (cli->since && parse_time_arg(cli->since, now, &o->since, e) < 0)
		return brig_err_ctx(e, "logs: --since");
	if (cli->until && parse_time_arg(cli->until, now, &o->until, e) < 0)
		return brig_err_ctx(e, "logs: --until");
	return 0;
}

#define LOGS(f) offsetof(struct logs_cli, f)

static const struct opt logs_rows[] = {
	{ "follow", 'f', NULL, "go on until the container exits", opt_true, LOGS(follow) },
	{ "timestamps", 't', NULL, "each line after its time (RFC 3339, ns)", opt_true,
	  LOGS(timestamps) },
	{ "tail", 'n', "N", "only the last N lines (all: every line)", opt_string, LOGS(tail) },
	{ "since", 0, "TIME", "what was written from TIME on: RFC 3339, unix seconds,\n"
	  "or a duration before now (10m)", opt_string, LOGS(since) },
	{ "until", 0, "TIME", "what was written until TIME (as --since)", opt_string,
	  LOGS(until) },
	{ NULL },
};

static const struct opt_spec logs_spec = {
	.prog = "logs",
	.usage = "brig logs [-f] [-t] [-n N] [--since TIME] [--until TIME] NAME",
	.opts = logs_rows,
};

int cmd_logs(struct brig_ctx *c, int argc, char **argv)
{
	struct logs_cli cli = { 0 };
	struct logs_out out = { .at_start = { true, true } };
	struct logs_opts o;
	struct brig_err e;
	int r = opt_parse(&logs_spec, argc, argv, &cli, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (optind != argc - 1)
		return brig_fail("logs: expected one container name");
	if (logs_opts_of(&cli, &o, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	out.timestamps = o.timestamps;
	if ((c->host ? client_container_logs : container_logs)(c, argv[optind], &o, to_fds, &out,
								&e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}

static const struct opt_spec attach_spec = {
	.prog = "attach",
	.usage = "brig attach NAME   (with a terminal: detach with Ctrl-P Ctrl-Q)",
	.needs = "container name",
};

/* Without a terminal: the container's stdout and stderr to ours, kept
 * apart (the monitor frames them for us), until its output ends. */
static int attach_output(struct brig_ctx *c, const char *ref, struct brig_err *e)
{
	cleanup_close int mine = -1, theirs = -1;
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return brig_errno(e, "attach %s: socketpair", ref);
	mine = sp[0];
	theirs = sp[1];
	if (container_attach_handoff(c, ref, theirs, ATTACH_STDOUT | ATTACH_STDERR | ATTACH_MUX,
				     e) < 0)
		return -e->code;
	close(steal_fd(theirs));
	if (stream_demux(mine, STDOUT_FILENO, STDERR_FILENO) < 0)
		return brig_errno(e, "attach %s", ref);
	return 0;
}

/* attach: with a terminal, ours <-> the monitor's attach socket; Ctrl-P
 * Ctrl-Q detaches and leaves the container running.  Without one, its
 * output from now until it ends. */
int cmd_attach(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	cleanup_close int fd = -1;
	enum tty_end end;
	bool tty = false;
	int r = opt_parse(&attach_spec, argc, argv, NULL, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (r != argc - 1)
		return brig_fail("attach: expected one container name");
	if ((fd = container_attach_open(c, argv[r], &tty, &e)) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (!tty) {
		close(steal_fd(fd));
		if (attach_output(c, argv[r], &e) < 0) {
			brig_report(&e);
			return EXIT_BRIG;
		}
		return 0;
	}
	term_raw(STDIN_FILENO);
	end = container_tty_relay(fd, STDIN_FILENO, STDOUT_FILENO, true);
	term_restore();
	if (end == TTY_DETACHED)
		fputs("\r\n", stderr);
	return 0;
}
