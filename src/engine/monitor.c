/* monitor.c - one small process per detached container.
 *
 * It is the container's parent (so the container dies with it: the child
 * has PR_SET_PDEATHSIG), owns its leases, writes its output to the log
 * (logidx.h: the bytes, and each chunk's stream and time), serves attach
 * clients (monitor_io.c), and records its end.  It keeps only the
 * container's pipes (or pty master), its listening attach sockets and its
 * clients. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "monitor.h"
#include "monitor_io.h"
#include "orphan.h"
#include "pty.h"
#include "state.h"
#include "stream.h"

/* The monitor itself, or with ct->monitor_orphan an intermediate that
 * forks the monitor and exits at once (reaped here): then the monitor is
 * init's child.  The pid to wait for, or 0 when there is none to wait
 * for; -1 when fork failed. */
static pid_t fork_monitor(const struct brig_ctx *c, struct container *ct, int report_fd)
{
	pid_t pid = fork();

	if (pid == 0 && !ct->monitor_orphan)
		monitor_main(c, ct, report_fd);
	if (pid == 0) {
		pid_t mon = fork();
		if (mon == 0)
			monitor_main(c, ct, report_fd);
		_exit(mon < 0 ? EXIT_BRIG : 0);
	}
	if (pid > 0 && ct->monitor_orphan) {
		container_wait(pid);
		return 0;
	}
	return pid;
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
	mon = fork_monitor(c, ct, p[1]);
	close(p[1]);
	rd = p[0];
	if (mon < 0)
		return brig_errno(e, "fork monitor");
	container_unlock(ct); /* the monitor holds the record's lock now */
	if (read(rd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		return brig_errf(e, EIO, "the monitor of %.12s died before starting it", ct->id);
	if (r.ok) {
		*code = 0;
		return 0;
	}
	/* it records the failure, then exits (closing the pipe); then the
	 * state is final */
	if (mon > 0)
		container_wait(mon);
	else
		while (read(rd, &r, sizeof(r)) > 0)
			;
	*code = spawn_exit_code((enum spawn_stage)r.stage, r.code);
	return brig_errf(e, r.code ? r.code : EIO, "%s", r.msg);
}

static int sock_path(const struct brig_ctx *c, const char *id, const char *ext, char *out,
		     size_t len)
{
	int n = snprintf(out, len, "%s/attach/%.12s.%s", c->runroot, id, ext);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int monitor_attach_path(const struct brig_ctx *c, const char *id, char *out, size_t len)
{
	return sock_path(c, id, "sock", out, len);
}

int monitor_handoff_path(const struct brig_ctx *c, const char *id, char *out, size_t len)
{
	return sock_path(c, id, "fds", out, len);
}

static int attach_listen(const struct brig_ctx *c, const char *id, const char *ext)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	struct brig_err e;
	int fd;

	snprintf(dir, sizeof(dir), "%s/attach", c->runroot);
	if (mkdir_p(dir, 0700, &e) < 0 ||
	    sock_path(c, id, ext, sa.sun_path, sizeof(sa.sun_path)) < 0)
		return -1;
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, MON_CLIENTS) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void attach_unlink(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX];

	if (monitor_attach_path(c, id, path, sizeof(path)) == 0)
		unlink(path);
	if (monitor_handoff_path(c, id, path, sizeof(path)) == 0)
		unlink(path);
}

static void report(int fd, const struct monitor_report *r)
{
	(void)!write(fd, r, sizeof(*r));
}

/* Report a failure at stage (the CLI then waits for our exit: the pipe
 * closes with it), and record it. */
static void __attribute__((noreturn))
fail_start(const struct brig_ctx *c, struct container *ct, int report_fd, int stage,
	   const struct brig_err *e)
{
	struct monitor_report r = { .ok = 0, .stage = stage, .code = e->code };

	snprintf(r.msg, sizeof(r.msg), "%s", e->msg);
	report(report_fd, &r);
	fd_to_null(2, 2);
	container_start_failed(c, ct, stage, e->code);
	orphan_monitor_unregister(c, ct->id);
	_exit(0);
}

/* The container's stdio without a tty: a pipe each for stdout and stderr,
 * and with -i (OpenStdin) one for stdin (else /dev/null, our fd 0).
 * ours[] gets our ends: stdin's write end, stdout's and stderr's read
 * ends. */
static int stdio_pipes(struct container *ct, int ours[3])
{
	int in[2] = { -1, -1 }, out[2], err[2];

	if (ct->spec.interactive && pipe2(in, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return -1;
	ct->redirect = true;
	ct->stdio[0] = in[0] >= 0 ? in[0] : 0;
	ct->stdio[1] = out[1];
	ct->stdio[2] = err[1];
	ours[0] = in[1];
	ours[1] = out[0];
	ours[2] = err[0];
	if (ours[0] >= 0)
		fcntl(ours[0], F_SETFL, O_NONBLOCK); /* never wait on the container */
	return 0;
}

/* The container's ends of the pipes, once it has its own copies. */
static void close_theirs(struct container *ct)
{
	for (int fd = 0; fd < 3; fd++)
		if (ct->redirect && ct->stdio[fd] > 2)
			close(ct->stdio[fd]);
}

/* The relay's fds, once the container runs: its output and input, the
 * listening sockets, and the clients given at launch. */
static void io_setup(const struct brig_ctx *c, struct container *ct, struct mon_io *m,
		     const int ours[3])
{
	m->tty = ct->spec.tty;
	if (m->tty) {
		m->out = m->in = ct->pty_master;
		fcntl(m->out, F_SETFL, fcntl(m->out, F_GETFL) | O_NONBLOCK);
	} else {
		m->in = ours[0];
		m->out = ours[1];
		m->err = ours[2];
	}
	m->raw_listener = attach_listen(c, ct->id, "sock");
	m->hand_listener = attach_listen(c, ct->id, "fds");
	for (size_t i = 0; i < ct->n_attach && i < ARRAY_SIZE(ct->attach_fd); i++)
		mon_client_add(m, ct->attach_fd[i], MON_HANDED, ct->attach_flags[i]);
}

/* Keep nothing the CLI inherited from its caller but the report pipe, the
 * record's lock (which passes to us: nobody may remove the record until it
 * says running, even if the CLI is killed now) and the attach clients
 * given at launch. */
static void keep_only_ours(const struct container *ct, int report_fd)
{
	int keep[2 + ARRAY_SIZE(ct->attach_fd)] = { report_fd, ct->lock_fd };
	size_t n = 2;

	for (size_t i = 0; i < ct->n_attach && i < ARRAY_SIZE(ct->attach_fd); i++)
		keep[n++] = ct->attach_fd[i];
	fd_close_except(keep, n);
}

static void drain(void *arg)
{
	mon_drain(arg);
}

/* The monitor's own stdio (fd_to_null): nothing from the CLI's terminal
 * is kept.  Until it reports, stderr stays the CLI's, so warnings met
 * while starting the container (a corrupt lease line) reach the user;
 * then it goes too. */
void monitor_main(const struct brig_ctx *c, struct container *ct, int report_fd)
{
	struct monitor_report r = { .ok = 1 };
	struct log_writer log = { .fd = -1, .idx = -1 };
	struct mon_io m;
	struct brig_err e;
	enum spawn_stage stage;
	int ours[3] = { -1, -1, -1 }, status, raw, hand;

	setsid();
	if (chdir("/") < 0 || fd_to_null(0, 1) < 0)
		_exit(EXIT_BRIG);
	keep_only_ours(ct, report_fd);
	signal(SIGPIPE, SIG_IGN);
	if (orphan_monitor_register(c, ct->id, ct->spec.cgroup_parent, &e) < 0)
		fail_start(c, ct, report_fd, SPAWN_STAGE_SETUP, &e);
	snprintf(log.path, sizeof(log.path), "%s/container.log", ct->dir);
	log_writer_open(&log, log.path);
	mon_io_init(&m);
	m.log = &log;
	if (!ct->spec.tty && stdio_pipes(ct, ours) < 0)
		_exit(EXIT_BRIG);
	if (ct->spec.tty) {
		ct->rows = 24;
		ct->cols = 80;
	}
	if (container_start(c, ct, &stage, &e) < 0)
		fail_start(c, ct, report_fd, stage, &e);
	close_theirs(ct);
	io_setup(c, ct, &m, ours);
	report(report_fd, &r);
	close(report_fd);
	if (fd_to_null(2, 2) < 0)
		_exit(EXIT_BRIG); /* never write on the CLI's terminal later */
	raw = m.raw_listener;
	hand = m.hand_listener;
	mon_relay(&m);
	if (raw >= 0 || hand >= 0)
		attach_unlink(c, ct->id);
	status = container_wait(ct->pid);
	log_writer_close(&log);
	/* Out of the registry before the record is final: once it is, rm
	 * need not wait for us, and a gc must not take us for an orphan.  A
	 * crash now leaves a running record with its owner gone, which gc
	 * reconciles. */
	orphan_monitor_unregister(c, ct->id);
	/* once the record is final, clients may take the rest of the output
	 * (an --rm record's files are deleted after that) */
	container_finish_then(c, ct, status, drain, &m);
	_exit(0);
}
