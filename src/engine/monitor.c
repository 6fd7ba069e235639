/* monitor.c - one small process per detached container.
 *
 * It is the container's parent (so the container dies with it: the child
 * has PR_SET_PDEATHSIG), owns its leases, writes its output to the log, and
 * records its end.  It keeps only the log pipe (or pty master) and, for tty
 * containers, a listening attach socket. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "monitor.h"
#include "orphan.h"
#include "pty.h"
#include "state.h"

struct log {
	char path[PATH_MAX];
	int fd;
	off_t size;
};

static int log_open(struct log *l)
{
	struct stat st;

	l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	l->size = l->fd >= 0 && fstat(l->fd, &st) == 0 ? st.st_size : 0;
	return l->fd;
}

/* Size-capped: past LOG_MAX_BYTES the log becomes container.log.1. */
static void log_write(struct log *l, const char *buf, size_t len)
{
	char old[PATH_MAX + 2];

	if (l->size + (off_t)len > LOG_MAX_BYTES && l->size > 0) {
		snprintf(old, sizeof(old), "%s.1", l->path);
		close(l->fd);
		rename(l->path, old);
		log_open(l);
	}
	if (l->fd >= 0 && write(l->fd, buf, len) == (ssize_t)len)
		l->size += (off_t)len;
}

int monitor_launch(const struct brig_ctx *c, struct container *ct, int *code,
		   struct brig_err *e)
{
	struct monitor_report r = { 0 };
	cleanup_close int rd = -1;
	int p[2];
	pid_t mon;

	*code = EXIT_BRIG;
	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	fflush(NULL);
	mon = fork();
	if (mon < 0) {
		close(p[0]);
		close(p[1]);
		return brig_errno(e, "fork monitor");
	}
	if (mon == 0) {
		close(p[0]);
		monitor_main(c, ct, p[1]);
	}
	close(p[1]);
	container_unlock(ct); /* the monitor holds the record's lock now */
	rd = p[0];
	if (read(rd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		return brig_errf(e, EIO, "the monitor of %.12s died before starting it", ct->id);
	if (r.ok) {
		*code = 0;
		return 0;
	}
	container_wait(mon); /* it records the failure; then state is final */
	*code = spawn_exit_code((enum spawn_stage)r.stage, r.code);
	return brig_errf(e, r.code ? r.code : EIO, "%s", r.msg);
}

int monitor_attach_path(const struct brig_ctx *c, const char *id, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/attach/%.12s.sock", c->runroot, id);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int attach_listen(const struct brig_ctx *c, const char *id)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	struct brig_err e;
	int fd;

	snprintf(dir, sizeof(dir), "%s/attach", c->runroot);
	if (mkdir_p(dir, 0700, &e) < 0 ||
	    monitor_attach_path(c, id, sa.sun_path, sizeof(sa.sun_path)) < 0)
		return -1;
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Relay the container's output into the log until every writer is gone;
 * for a tty, also serve one attached client at a time. */
static void relay(int out, int listener, struct log *l)
{
	struct pollfd p[3] = { { out, POLLIN, 0 }, { listener, POLLIN, 0 }, { -1, POLLIN, 0 } };
	char buf[8192];

	for (;;) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents) {
			ssize_t n = read(out, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return; /* EOF (pipe) or EIO (pty): the container is done */
			log_write(l, buf, (size_t)n);
			if (p[2].fd >= 0 && send(p[2].fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
				close(p[2].fd);
				p[2].fd = -1;
			}
		}
		if (p[1].fd >= 0 && (p[1].revents & POLLIN)) {
			int client = accept4(p[1].fd, NULL, NULL, SOCK_CLOEXEC);
			if (client >= 0 && p[2].fd >= 0)
				close(p[2].fd); /* the newest client wins */
			if (client >= 0)
				p[2].fd = client;
		}
		if (p[2].fd >= 0 && p[2].revents) {
			ssize_t n = recv(p[2].fd, buf, sizeof(buf), 0);
			if (n <= 0 || write(out, buf, (size_t)n) < 0) {
				close(p[2].fd);
				p[2].fd = -1;
			}
		}
	}
}

static void report(int fd, const struct monitor_report *r)
{
	(void)!write(fd, r, sizeof(*r));
	close(fd);
}

/* The monitor's own stdio (fd_to_null): nothing from the CLI's terminal
 * is kept.  Until it reports, stderr stays the CLI's, so warnings met
 * while starting the container (a corrupt lease line) reach the user;
 * then it goes too. */

/* Close every fd from 3 up except a and b (either may be -1). */
void monitor_main(const struct brig_ctx *c, struct container *ct, int report_fd)
{
	struct monitor_report r = { .ok = 1 };
	struct log l = { .fd = -1 };
	struct brig_err e;
	enum spawn_stage stage;
	int pipefd[2] = { -1, -1 }, listener = -1, out, status;
	bool tty = ct->spec.tty;

	setsid();
	if (chdir("/") < 0 || fd_to_null(0, 1) < 0)
		_exit(EXIT_BRIG);
	/* Keep nothing the CLI inherited from its caller but the report pipe
	 * and the record's lock, which passes to us: nobody may remove the
	 * record until it says running, even if the CLI is killed now (the log
	 * and the container's pipes are opened below). */
	fd_close_except((int[]){ report_fd, ct->lock_fd }, 2);
	signal(SIGPIPE, SIG_IGN);
	if (orphan_monitor_register(c, ct->id, ct->spec.cgroup_parent, &e) < 0) {
		r = (struct monitor_report){ .ok = 0, .stage = SPAWN_STAGE_SETUP, .code = e.code };
		snprintf(r.msg, sizeof(r.msg), "%s", e.msg);
		report(report_fd, &r);
		container_start_failed(c, ct, SPAWN_STAGE_SETUP, e.code);
		_exit(0);
	}
	snprintf(l.path, sizeof(l.path), "%s/container.log", ct->dir);
	log_open(&l);
	if (!tty) {
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			_exit(EXIT_BRIG);
		ct->redirect = true;
		ct->stdio[0] = 0; /* /dev/null */
		ct->stdio[1] = ct->stdio[2] = pipefd[1];
	} else {
		ct->rows = 24;
		ct->cols = 80;
	}
	if (container_start(c, ct, &stage, &e) < 0) {
		r = (struct monitor_report){ .ok = 0, .stage = stage, .code = e.code };
		snprintf(r.msg, sizeof(r.msg), "%s", e.msg);
		report(report_fd, &r);
		fd_to_null(2, 2);
		container_start_failed(c, ct, stage, e.code);
		orphan_monitor_unregister(c, ct->id);
		_exit(0);
	}
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	out = tty ? ct->pty_master : pipefd[0];
	if (tty)
		listener = attach_listen(c, ct->id);
	report(report_fd, &r);
	if (fd_to_null(2, 2) < 0)
		_exit(EXIT_BRIG); /* never write on the CLI's terminal later */
	relay(out, listener, &l);
	status = container_wait(ct->pid);
	if (listener >= 0) {
		char path[PATH_MAX];
		if (monitor_attach_path(c, ct->id, path, sizeof(path)) == 0)
			unlink(path);
	}
	container_finish(c, ct, status);
	orphan_monitor_unregister(c, ct->id);
	_exit(0);
}
