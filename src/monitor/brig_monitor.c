/* brig_monitor.c - brig-monitor: a detached container's monitor once the
 * container runs (issue 18).
 *
 * The monitor starts as a fork of brig (monitor.c: it registers, starts
 * the container and tells the CLI), then execs this small static
 * executable, which maps only what the relay needs: a thousand monitors
 * share its few file pages, and each keeps little more than its relay
 * buffers.  exec kept the pid: the container is still our child and dies
 * with us (PR_SET_PDEATHSIG).  Everything comes through inherited fds and
 * argv (monitor_args.h).
 *
 * It relays (monitor_io.c) until the container's output ends, reaps the
 * container, stops slirp4netns (our child too), then runs the full brig
 * for the end (`brig __monitor-finish ID WSTATUS READY_FD`: networks,
 * cgroup, record, events) and lets the clients drain once it says the
 * record is final (READY_FD closed): when they see EOF, it is.  The end's
 * brig is reaped after that. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "monitor_args.h"
#include "monitor_io.h"
#include "slirp.h"

extern char **environ;

/* The end's brig, reaped after the clients drained. */
static pid_t finisher = -1;

/* Run brig's end of the run through the fd of the brig that started us
 * (the same build), and return once the record is final: the end closes
 * the pipe's write end then (an --rm record: once unlisted, before its
 * files are deleted), or exits.  Its failure leaves a running record
 * whose owner is gone once we exit, which gc reconciles. */
static void finish(const struct monitor_args *a, int wstatus)
{
	char status[16], ready[16];
	char *argv[] = { (char *)"brig", (char *)"--root", (char *)a->root, (char *)"--runroot",
			 (char *)a->runroot, (char *)"__monitor-finish", (char *)"--",
			 (char *)a->id, status, ready, NULL };
	char byte;
	int p[2];

	if (pipe(p) < 0)
		p[0] = p[1] = -1;
	snprintf(status, sizeof(status), "%d", wstatus);
	snprintf(ready, sizeof(ready), "%d", p[1]);
	if (p[1] < 0)
		argv[9] = NULL;
	finisher = fork();
	if (finisher == 0) {
		if (p[0] >= 0)
			close(p[0]);
		execveat(a->brig, "", argv, environ, AT_EMPTY_PATH);
		_exit(EXIT_BRIG);
	}
	if (p[1] >= 0)
		close(p[1]);
	while (p[0] >= 0 && finisher > 0 && read(p[0], &byte, 1) < 0 && errno == EINTR)
		;
	if (p[0] >= 0)
		close(p[0]);
}

static void end(void *arg, int wstatus)
{
	const struct monitor_args *a = arg;
	struct slirp_net slirp = { .pid = a->slirp_pid, .exit_fd = a->slirp_fd };

	slirp_stop(&slirp); /* the container is gone: so is its network */
	finish(a, wstatus);
}

int main(int argc, char **argv)
{
	struct log_writer log = { .fd = -1, .idx = -1 };
	struct monitor_args a;
	struct mon_io m;
	struct brig_err e;

	signal(SIGPIPE, SIG_IGN);
	/* the end is local: never through a brig serve named in our
	 * environment */
	unsetenv("BRIG_HOST");
	if (monitor_args_parse(argc, argv, &a, &e) < 0)
		return EXIT_BRIG; /* the container dies with us; gc reconciles */
	monitor_args_cloexec(&a, true); /* nothing passes to the end's brig */
	snprintf(log.path, sizeof(log.path), "%s", a.log);
	log_writer_open(&log, log.path);
	mon_io_init(&m);
	m.log = &log;
	monitor_args_io(&a, &m);
	mon_run(&m, a.pid, end, &a);
	while (finisher > 0 && waitpid(finisher, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}
