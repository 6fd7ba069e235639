/* exec.h - run a command in a running container (`brig exec`).
 *
 * The caller's process never changes namespace: a helper process forks,
 * enters the container's cgroup, joins its namespaces and forks the command
 * (the pid namespace applies to children), then waits for it and reports
 * its wait status. */
#ifndef BRIG_EXEC_H
#define BRIG_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctx.h"

struct exec_request {
	char **argv;                 /* the command, NULL terminated */
	char **env;                  /* K=V, before the container's own */
	size_t n_env;
	const char *user, *workdir;  /* NULL: the container's */
	int stdio[3];                /* the command's 0, 1, 2; -1: /dev/null */
	bool tty;                    /* instead: a pty of the container's devpts */
	unsigned short rows, cols;   /* its window size (0: leave it) */
	bool detach;                 /* own session; done once it was exec'd */
};

struct exec_proc {
	pid_t helper;   /* reports the command's end; -1 when none is left */
	int sock;       /* from the helper */
	int pty_master; /* tty: to relay (container_tty_relay); else -1 */
};

/* Start req->argv in container ref; returns 0 once it was exec'd (with
 * detach, all is done then).  On failure e says why, nothing is left to
 * wait for, and *code is the exit status per the contract: 125 when brig
 * failed, 126/127 when the command could not be run. */
int container_exec_start(const struct brig_ctx *c, const char *ref, const struct exec_request *req,
			 struct exec_proc *p, int *code, struct brig_err *e);

/* Wait for the command's end; closes what p holds.  Returns its exit
 * status per the contract (128+N for signal N; 125 if it is unknown). */
int container_exec_wait(struct exec_proc *p);

#endif
