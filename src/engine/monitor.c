/* monitor.c - one small process per detached container.
 *
 * It is the container's parent (so the container dies with it: the child
 * has PR_SET_PDEATHSIG), owns its leases, writes its output to the log
 * (logidx.h: the bytes, and each chunk's stream and time), serves attach
 * clients (monitor_io.c), and records its end.  It keeps only the
 * container's pipes (or pty master), its listening attach sockets and its
 * clients.  Once the container runs it execs brig-monitor (src/monitor/),
 * a small static executable that does the relay with a fraction of brig's
 * memory, and runs `brig __monitor-finish` (monitor_finish) for the end. */
#include <errno.h>
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
#include "container_int.h"
#include "io.h"
#include "monitor.h"
#include "monitor_args.h"
#include "monitor_io.h"
#include "orphan.h"
#include "proc.h"
#include "pty.h"
#include "rootless_ctl.h"
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

/* What the relay needs once the container runs, whichever process runs
 * it: its output and input, the listening sockets, the clients given at
 * launch, the container, slirp4netns, the log, and brig itself for the
 * end (see exec_lite). */
static void relay_args(const struct brig_ctx *c, const struct container *ct, const int ours[3],
		       const char *log, struct monitor_args *a)
{
	monitor_args_init(a);
	memcpy(a->id, ct->id, sizeof(a->id));
	a->root = c->root;
	a->runroot = c->runroot;
	a->log = log;
	a->pid = ct->pid;
	a->tty = ct->spec.tty;
	a->out = a->tty ? ct->pty_master : ours[1];
	a->in = a->tty ? ct->pty_master : ours[0];
	a->err = a->tty ? -1 : ours[2];
	a->raw = attach_listen(c, ct->id, "sock");
	a->hand = attach_listen(c, ct->id, "fds");
	a->slirp_pid = ct->slirp.pid;
	a->slirp_fd = ct->slirp.exit_fd;
	for (size_t i = 0; i < ct->n_attach && i < ARRAY_SIZE(ct->attach_fd); i++) {
		a->client_fd[a->n_clients] = ct->attach_fd[i];
		a->client_flags[a->n_clients++] = ct->attach_flags[i];
	}
}

/* brig-monitor beside the running brig (the build tree; an install that
 * keeps them together), else in its libexec/brig/ (`make install`). */
static int lite_path(char *out, size_t len)
{
	static const char *const where[] = { "/brig-monitor", "/../libexec/brig/brig-monitor" };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return -1;
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		int w = snprintf(out, len, "%s%s", self, where[i]);
		if (w > 0 && (size_t)w < len && access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* brig-monitor's gain is its small memory over a container's life; its
 * cost is an exec now and one of brig at the end (a few ms).  A container
 * that ends within LITE_AFTER_MS (`run --rm IMAGE true`, a script's
 * step, a `docker run` of a short command) is relayed and ended by this
 * process; its output waits in its pipe or terminal meanwhile. */
#define LITE_AFTER_MS 50

static bool ends_soon(pid_t pid)
{
	struct pollfd p = { .fd = proc_pidfd(pid), .events = POLLIN };
	int r;

	if (p.fd < 0)
		return false;
	do
		r = poll(&p, 1, LITE_AFTER_MS);
	while (r < 0 && errno == EINTR);
	close(p.fd);
	return r > 0;
}

/* Become brig-monitor: a small static executable that maps only what the
 * relay needs (issue 18: a monitor's memory, times a thousand containers),
 * where this process carries all of brig.  exec keeps our pid, so the
 * container stays our child (wait, its PDEATHSIG) and the registry's pid
 * and start time stay true; the fds pass by clearing their CLOEXEC.  For
 * the end it runs `brig __monitor-finish` through a->brig.  Returns only
 * when brig-monitor is missing or cannot run: then this process relays,
 * as it did before brig-monitor existed, so nothing breaks. */
static void exec_lite(struct monitor_args *a)
{
	char path[PATH_MAX], buf[4 * PATH_MAX], *argv[MONITOR_ARGV_MAX];
	struct brig_err e;

	if (lite_path(path, sizeof(path)) < 0 ||
	    (a->brig = open("/proc/self/exe", O_PATH | O_CLOEXEC)) < 0)
		return;
	argv[0] = (char *)"brig-monitor";
	if (monitor_args_format(a, buf, sizeof(buf), argv, &e) == 0) {
		monitor_args_cloexec(a, false);
		execv(path, argv);
		monitor_args_cloexec(a, true);
	}
	close(a->brig);
	a->brig = -1;
}

/* The end of the run: out of the registry before the record is final
 * (once it is, rm need not wait for us, and a gc must not take us for an
 * orphan; a crash now leaves a running record with its owner gone, which
 * gc reconciles), then the record made final; final(arg) once it is (an
 * --rm record: once unlisted, before its files are deleted), when the
 * attach clients may take the rest of the output and end. */
static void end(const struct brig_ctx *c, struct container *ct, int wstatus,
		void (*final)(void *arg), void *arg)
{
	orphan_monitor_unregister(c, ct->id);
	container_finish_then(c, ct, wstatus, final, arg);
}

/* ct as brig-monitor's end finds it: the record (spec and this run's
 * state, saved when it started: its networks, ports, hosts entries) and
 * its cgroup, opened by name.  slirp4netns is brig-monitor's child, which
 * stops it. */
static int reload(const struct brig_ctx *c, const char *id, struct container *ct,
		  struct brig_err *e)
{
	struct brig_err ignore;

	if (strlen(id) != BRIG_ID_LEN)
		return brig_errf(e, EINVAL, "invalid container id '%.80s'", id);
	memcpy(ct->id, id, sizeof(ct->id));
	if (state_path(c, id, NULL, ct->dir, sizeof(ct->dir), e) < 0 ||
	    state_load(c, id, &ct->spec, &ct->st, e) < 0)
		return -e->code;
	snprintf(ct->name, sizeof(ct->name), "%s", ct->spec.name);
	for (ct->n_nets = 0; ct->n_nets < ct->st.n_nets && ct->n_nets < MAX_NETS; ct->n_nets++) {
		const char *net = ct->st.nets[ct->n_nets].network;
		size_t n = strnlen(net, sizeof(ct->nets[0].name) - 1);
		memcpy(ct->nets[ct->n_nets].name, net, n);
		ct->nets[ct->n_nets].name[n] = '\0';
	}
	ct->pid = ct->st.pid;
	if (!rootless_no_cgroup() && container_cgroups_ready(&ignore) == 0)
		cgroup_open(ct->spec.cgroup_parent, id, &ct->cg, &ignore);
	return 0;
}

/* monitor_finish: brig-monitor learns that the record is final when its
 * pipe closes. */
static void close_ready(void *arg)
{
	int *fd = arg;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int monitor_finish(const struct brig_ctx *c, const char *id, int wstatus, int ready_fd,
		   struct brig_err *e)
{
	struct container ct;
	int r;

	container_blank(&ct);
	r = reload(c, id, &ct, e);
	if (r == 0)
		end(c, &ct, wstatus, close_ready, &ready_fd);
	close_ready(&ready_fd);
	container_free(&ct);
	return r;
}

struct here {
	const struct brig_ctx *c;
	struct container *ct;
	struct mon_io *m;
};

static void drain(void *arg)
{
	mon_drain(arg);
}

/* mon_run's end in the monitor itself (no brig-monitor): the clients
 * drain once the record is final (mon_run's own drain then finds none). */
static void end_here(void *arg, int wstatus)
{
	struct here *h = arg;

	end(h->c, h->ct, wstatus, drain, h->m);
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

/* The monitor's own stdio (fd_to_null): nothing from the CLI's terminal
 * is kept.  Until it reports, stderr stays the CLI's, so warnings met
 * while starting the container (a corrupt lease line) reach the user;
 * then it goes too. */
void monitor_main(const struct brig_ctx *c, struct container *ct, int report_fd)
{
	struct monitor_report r = { .ok = 1 };
	struct log_writer log = { .fd = -1, .idx = -1 };
	struct monitor_args a;
	struct mon_io m;
	struct brig_err e;
	enum spawn_stage stage;
	int ours[3] = { -1, -1, -1 };

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
	relay_args(c, ct, ours, log.path, &a);
	report(report_fd, &r);
	close(report_fd);
	if (fd_to_null(2, 2) < 0)
		_exit(EXIT_BRIG); /* never write on the CLI's terminal later */
	if (!ends_soon(ct->pid))
		exec_lite(&a);
	monitor_args_io(&a, &m);
	mon_run(&m, ct->pid, end_here, &(struct here){ c, ct, &m });
	_exit(0);
}
