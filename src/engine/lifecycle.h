/* lifecycle.h - the verbs that act on a running container from outside:
 * signal it, wait for its end, and tear every container down (system
 * reset).  Stop is container_stop() in container.h.  Nothing here prints;
 * every front end (CLI, lab runner, API server) calls these. */
#ifndef BRIG_LIFECYCLE_H
#define BRIG_LIFECYCLE_H

#include "ctx.h"

/* A signal by name or number: "TERM", "SIGTERM", "term", "15".  Returns
 * the signal number, or -1 for anything else. */
int container_parse_signal(const char *s);

/* Send sig to the container's process.  -ESRCH (e: "container REF is not
 * running") when it is not running. */
int container_kill(const struct brig_ctx *c, const char *ref, int sig, struct brig_err *e);

/* Wait, without bound, until the container's record is final; *exit_code
 * gets its exit status (128+N for signal N). */
int container_wait_exit(const struct brig_ctx *c, const char *ref, int *exit_code,
			struct brig_err *e);

/* SIGKILL every container of ids (NULL-terminated) at once, so their
 * owners wind down in parallel, then container_kill_remove each (which
 * waits for its owner).  Each failure goes to on_error (which may be
 * NULL) and the work goes on; returns -1 when there was any, else 0. */
int container_kill_remove_all(const struct brig_ctx *c, char *const *ids,
			      void (*on_error)(void *arg, const struct brig_err *e), void *arg);

/* Destroy every lab (lab_down), then SIGKILL every running container at
 * once (so they wind down in parallel), then remove each record (waiting for its owner); then what a
 * lost monitor held, every network, bridge, the nftables table, leases and
 * brig's cgroup parent.  Each failure goes to on_error (which may be NULL)
 * and the work goes on; returns -1 when there was any, else 0. */
int container_system_reset(const struct brig_ctx *c,
			   void (*on_error)(void *arg, const struct brig_err *e), void *arg);

/* Rename a container (docker rename): its record and the name index; a
 * running container's entries in its networks' /etc/hosts take the new
 * name at once. */
int container_rename(const struct brig_ctx *c, const char *ref, const char *name,
		     struct brig_err *e);

#endif
