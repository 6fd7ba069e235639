/* nsexec.h - run a function in a container's network namespace, in a
 * forked helper, and get its results back over a pipe.
 *
 * The engine never setns()es the calling thread (a server calls it from
 * any thread, and the CLI's own namespace must stay the host's), so work
 * that has to happen inside a container's network namespace - open a raw
 * socket there, list its addresses, capture on its interface - runs in a
 * child:
 *
 *   caller ── fork ──> helper: setns(container's netns), fn(arg, reply)
 *      <── frames ───  nsexec_send(reply, blob) as often as fn likes
 *      <── the end ──  fn's result: success, or its struct brig_err
 *
 * Only the network namespace is joined: the helper still sees the host's
 * files (a capture writes its file where the user asked) and keeps the
 * caller's memory (arg is read directly, nothing is serialised).  Frames
 * carry plain bytes: fn and its caller agree on what they hold (usually
 * an array of fixed-size structs).  Several helpers may run at once, each
 * its own job; the caller reads each job's frames in turn.  The helper
 * dies with its caller (PR_SET_PDEATHSIG). */
#ifndef BRIG_NSEXEC_H
#define BRIG_NSEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctx.h"
#include "err.h"

/* The helper's end: what fn sends its results through. */
struct nsexec_reply;

/* Send one frame (len bytes of buf, len <= NSEXEC_FRAME_MAX). */
#define NSEXEC_FRAME_MAX (64u << 20)
int nsexec_send(struct nsexec_reply *r, const void *buf, size_t len, struct brig_err *e);

/* What runs in the helper.  Its return (>= 0, or negative with e filled)
 * ends the job; its frames come first. */
typedef int (*nsexec_fn)(void *arg, struct nsexec_reply *r, struct brig_err *e);

/* The caller's end of one helper. */
struct nsexec_job {
	pid_t pid;  /* the helper; -1 once reaped */
	int fd;	    /* its frames; -1 once closed */
	int status; /* its wait status, once reaped */
};

/* Start fn(arg) in the network namespace of running container ref (name
 * or id).  -ENOENT for no such container, -EINVAL when it is not running. */
int nsexec_start(const struct brig_ctx *c, const char *ref, nsexec_fn fn, void *arg,
		 struct nsexec_job *job, struct brig_err *e);

/* The same for the namespace of process pid, which must still have start
 * time starttime (a recycled pid is refused: -ESRCH). */
int nsexec_start_pid(pid_t pid, unsigned long long starttime, nsexec_fn fn, void *arg,
		     struct nsexec_job *job, struct brig_err *e);

/* The next frame of job: 1 and *buf (malloc'd, len bytes; free it) for a
 * frame; 0 when fn returned success and sent no more; negative with e
 * filled when fn failed (its own error) or the helper died.  After 0 or
 * a failure the helper is reaped and the job is over. */
int nsexec_recv(struct nsexec_job *job, void **buf, size_t *len, struct brig_err *e);

/* Tell the helper to stop (SIGTERM): async-signal-safe, for a front end's
 * Ctrl-C.  fn sees the signal (it may handle it to end cleanly). */
void nsexec_signal(const struct nsexec_job *job);

/* End a job early: SIGKILL the helper if it still runs, reap it, close. */
void nsexec_abort(struct nsexec_job *job);

/* Exactly one frame, then success: the answer of an fn that answers once
 * (*buf malloc'd).  Anything else ends the job (aborted) with e filled. */
int nsexec_result(struct nsexec_job *job, void **buf, size_t *len, struct brig_err *e);

/* A frame of exactly size bytes into out; when last, the job's success
 * must follow.  An early end, a frame of another size or (last) one frame
 * too many fail with e filled; the caller aborts the job then. */
int nsexec_recv_fixed(struct nsexec_job *job, void *out, size_t size, bool last,
		      struct brig_err *e);

/* nsexec_start, then nsexec_result. */
int nsexec_run(const struct brig_ctx *c, const char *ref, nsexec_fn fn, void *arg, void **buf,
	       size_t *len, struct brig_err *e);

#endif
