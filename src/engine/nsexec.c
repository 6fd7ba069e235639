/* nsexec.c - a function run in a container's network namespace by a
 * forked helper, its results back as frames over a pipe (nsexec.h).
 *
 * A frame is a header {kind, len} and len bytes: DATA (fn's nsexec_send),
 * then exactly one of DONE (fn returned >= 0) or FAIL (its struct
 * brig_err).  A helper that dies without either (killed, crashed) is
 * reported with its wait status. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "io.h"
#include "nsexec.h"
#include "proc.h"
#include "state.h"

enum { FRAME_DATA = 1, FRAME_DONE, FRAME_FAIL };

struct frame {
	uint32_t kind, len;
};

struct nsexec_reply {
	int fd;
};

static int put_frame(int fd, uint32_t kind, const void *buf, size_t len)
{
	struct frame h = {kind, (uint32_t)len};

	if (write_all(fd, &h, sizeof(h)) < 0 || (len && write_all(fd, buf, len) < 0))
		return -1;
	return 0;
}

int nsexec_send(struct nsexec_reply *r, const void *buf, size_t len, struct brig_err *e)
{
	if (len > NSEXEC_FRAME_MAX)
		return brig_errf(e, EMSGSIZE, "a result of %zu bytes is too large", len);
	if (put_frame(r->fd, FRAME_DATA, buf, len) < 0)
		return brig_errno(e, "send a result to brig");
	return 0;
}

/* The helper: join, run, report, exit.  Never returns. */
static void __attribute__((noreturn))
helper(pid_t caller, int nsfd, int wfd, nsexec_fn fn, void *arg)
{
	struct nsexec_reply r = {wfd};
	struct brig_err e = {0};

	/* The caller may be killed: its helper must not outlive it (a
	 * capture or a sender would run on).  It may have died already,
	 * before the death signal was armed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != caller)
		_exit(3);
	signal(SIGPIPE, SIG_IGN);
	if (setns(nsfd, CLONE_NEWNET) < 0)
		brig_errno(&e, "join the container's network namespace");
	close(nsfd);
	if (e.code || fn(arg, &r, &e) < 0) {
		if (!e.code)
			e.code = EIO;
		_exit(put_frame(wfd, FRAME_FAIL, &e, sizeof(e)) < 0 ? 2 : 1);
	}
	_exit(put_frame(wfd, FRAME_DONE, NULL, 0) < 0 ? 2 : 0);
}

static int start_in(int nsfd, nsexec_fn fn, void *arg, struct nsexec_job *job, struct brig_err *e)
{
	pid_t caller = getpid();
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	fflush(NULL);
	job->pid = fork();
	if (job->pid < 0) {
		close(p[0]);
		close(p[1]);
		return brig_errno(e, "fork");
	}
	if (job->pid == 0) {
		close(p[0]);
		helper(caller, nsfd, p[1], fn, arg);
	}
	close(p[1]);
	job->fd = p[0];
	job->status = -1;
	return 0;
}

int nsexec_start_pid(pid_t pid, unsigned long long starttime, nsexec_fn fn, void *arg,
		     struct nsexec_job *job, struct brig_err *e)
{
	cleanup_close int nsfd = proc_ns_open(pid, "net", e);

	job->pid = job->fd = -1;
	if (nsfd < 0)
		return nsfd;
	/* opened first, checked after: the fd is of the very process asked for */
	if (proc_starttime(pid) != starttime)
		return brig_errf(e, ESRCH, "process %d is gone", (int)pid);
	return start_in(nsfd, fn, arg, job, e);
}

int nsexec_start(const struct brig_ctx *c, const char *ref, nsexec_fn fn, void *arg,
		 struct nsexec_job *job, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	struct container_state st;

	job->pid = job->fd = -1;
	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&st), "running") != 0)
		return brig_errf(e, EINVAL, "container %s is not running", ref);
	if (nsexec_start_pid(st.pid, st.starttime, fn, arg, job, e) < 0)
		return brig_err_ctx(e, "container %s", ref);
	return 0;
}

/* Read exactly len bytes: 1, 0 at a clean end before any byte, -1. */
static int read_exact(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 && got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

static void reap(struct nsexec_job *job)
{
	if (job->fd >= 0)
		close(job->fd);
	job->fd = -1;
	if (job->pid > 0)
		while (waitpid(job->pid, &job->status, 0) < 0 && errno == EINTR)
			;
	job->pid = -1;
}

/* The helper ended without a word: say how. */
static int died(struct nsexec_job *job, struct brig_err *e)
{
	reap(job);
	if (WIFSIGNALED(job->status))
		return brig_errf(e, EIO, "the helper process was killed by signal %d",
				 WTERMSIG(job->status));
	return brig_errf(e, EIO, "the helper process died (wait status %d)", job->status);
}

int nsexec_recv(struct nsexec_job *job, void **buf, size_t *len, struct brig_err *e)
{
	struct frame h;
	char *data = NULL;

	*buf = NULL;
	*len = 0;
	if (job->fd < 0)
		return brig_errf(e, EINVAL, "the helper is done");
	if (read_exact(job->fd, &h, sizeof(h)) != 1 || h.len > NSEXEC_FRAME_MAX)
		return died(job, e);
	if (h.len && (!(data = malloc(h.len)) || read_exact(job->fd, data, h.len) != 1)) {
		free(data);
		return data ? died(job, e) : brig_errf(e, ENOMEM, "out of memory");
	}
	if (h.kind == FRAME_DATA) {
		*buf = data;
		*len = h.len;
		return 1;
	}
	reap(job);
	if (h.kind == FRAME_DONE) {
		free(data);
		return 0;
	}
	if (h.kind == FRAME_FAIL && h.len == sizeof(*e)) {
		memcpy(e, data, sizeof(*e));
		e->msg[sizeof(e->msg) - 1] = '\0';
		free(data);
		return -(e->code ? e->code : EIO);
	}
	free(data);
	return brig_errf(e, EIO, "the helper sent a frame of kind %u", h.kind);
}

void nsexec_signal(const struct nsexec_job *job)
{
	if (job->pid > 0)
		kill(job->pid, SIGTERM);
}

void nsexec_abort(struct nsexec_job *job)
{
	if (job->pid > 0)
		kill(job->pid, SIGKILL);
	reap(job);
}

int nsexec_result(struct nsexec_job *job, void **buf, size_t *len, struct brig_err *e)
{
	void *extra = NULL;
	size_t n;
	int r;

	if ((r = nsexec_recv(job, buf, len, e)) <= 0) {
		nsexec_abort(job);
		return r < 0 ? r : brig_errf(e, EIO, "the helper sent no result");
	}
	if ((r = nsexec_recv(job, &extra, &n, e)) != 0) {
		free(extra);
		free(*buf);
		*buf = NULL;
		nsexec_abort(job);
		return r < 0 ? r : brig_errf(e, EIO, "the helper sent more than one result");
	}
	return 0;
}

int nsexec_recv_fixed(struct nsexec_job *job, void *out, size_t size, bool last,
		      struct brig_err *e)
{
	void *buf;
	size_t len;
	int r = nsexec_recv(job, &buf, &len, e);

	if (r == 1 && len != size)
		r = brig_errf(e, EIO, "the helper sent %zu bytes, not %zu", len, size);
	if (r == 1)
		memcpy(out, buf, size);
	free(buf);
	if (r == 0)
		return brig_errf(e, EIO, "the helper ended early");
	if (r < 0 || !last)
		return r < 0 ? r : 0;
	if ((r = nsexec_recv(job, &buf, &len, e)) != 0) {
		free(buf);
		return r < 0 ? r : brig_errf(e, EIO, "the helper sent too much");
	}
	return 0;
}

int nsexec_run(const struct brig_ctx *c, const char *ref, nsexec_fn fn, void *arg, void **buf,
	       size_t *len, struct brig_err *e)
{
	struct nsexec_job job;

	*buf = NULL;
	if (nsexec_start(c, ref, fn, arg, &job, e) < 0)
		return -e->code;
	return nsexec_result(&job, buf, len, e);
}
