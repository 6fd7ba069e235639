/* cmd_run.c - brig run: parse, validate, create, start, wait. */
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "pull.h"
#include "cleanup.h"
#include "container.h"
#include "monitor.h"
#include "run_opts.h"
#include "spec_parse.h"
#include "tty.h"

/* ---- foreground: forward signals, wait ---- */

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

/* Hold the signals to forward from before the start (a background job's
 * ignore SIGINT: one sent as soon as the command runs would be lost), so
 * they wait for the handlers; the container's init unblocks its own. */
static void hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void forward_signals(pid_t pid, const sigset_t *old)
{
	struct sigaction sa = { .sa_handler = forward };

	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* -d: the monitor runs it; print the id once the command started. */
static int run_detached(struct brig_ctx *c, struct container *ct)
{
	struct brig_err e;
	int code;

	if (monitor_launch(c, ct, &code, &e) < 0) {
		brig_report(&e);
		return code;
	}
	puts(ct->id);
	return 0;
}

/* Foreground with -t: our terminal raw, relayed to the container's pty. */
static int run_tty(struct brig_ctx *c, struct container *ct, bool interactive)
{
	enum spawn_stage stage;
	struct brig_err e;

	term_size(STDIN_FILENO, &ct->rows, &ct->cols);
	if (container_start(c, ct, &stage, &e) < 0) {
		brig_report(&e);
		return container_start_failed(c, ct, stage, e.code);
	}
	if (interactive)
		term_raw(STDIN_FILENO);
	container_tty_relay(ct->pty_master, interactive ? STDIN_FILENO : -1, STDOUT_FILENO, false);
	term_restore();
	return container_finish(c, ct, container_wait(ct->pid));
}

static int run_foreground(struct brig_ctx *c, struct container *ct)
{
	enum spawn_stage stage;
	struct brig_err e;
	sigset_t old;

	hold_signals(&old);
	if (container_start(c, ct, &stage, &e) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		brig_report(&e);
		/* 125 leaves no record; 126 and 127 are the command's own status */
		return container_start_failed(c, ct, stage, e.code);
	}
	forward_signals(ct->pid, &old);
	return container_finish(c, ct, container_wait(ct->pid));
}

int cmd_run(struct brig_ctx *c, int argc, char **argv)
{
	struct container_spec o = { 0 };
	struct container ct;
	struct brig_err e;
	int code = 0, r = run_parse(argc, argv, &o, &e);

	if (r > 0 && c->host) { /* through brig serve: client_run.c */
		code = client_run(c, &o);
		spec_lists_free(&o);
		return code;
	}

	/* Docker's "Unable to find image 'x' locally", then a pull. */
	if (r > 0 && images_need_pull(c, o.image) && cli_pull_image(c, o.image, &e) < 0) {
		brig_err_ctx(&e, "unable to find image '%s' locally", o.image);
		r = -1;
	}
	if (r < 0 || (r > 0 && container_create(c, &o, &ct, &e) < 0)) {
		brig_report(&e);
		code = EXIT_BRIG;
	} else if (r > 0) {
		if (o.detach)
			code = run_detached(c, &ct);
		else if (o.tty)
			code = run_tty(c, &ct, o.interactive);
		else
			code = run_foreground(c, &ct);
		container_free(&ct);
	}
	spec_lists_free(&o);
	return code;
}
