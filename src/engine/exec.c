/* exec.c - a command in a running container, started by a helper process
 * so that the caller (a CLI, a long-lived server's thread) never joins a
 * namespace itself:
 *
 *   caller ── fork ──> helper: enters the cgroup, joins the namespaces,
 *                        opens the pty (in the container's devpts)
 *                        ── fork ──> command: stdio, identity, exec
 *
 * The helper tells the caller over a SOCK_SEQPACKET pair: SYNC_EXEC_NEXT
 * (with the pty master) once the command was exec'd, or SYNC_ERROR; then
 * SYNC_EXITED with its wait status when it ends. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "container_int.h"
#include "exec.h"
#include "hygiene.h"
#include "io.h"
#include "proc.h"
#include "pty.h"
#include "state.h"
#include "sync.h"
#include "rootless_ctl.h"
#include "userns.h"

/* In this order: the mount namespace last, so /proc/PID stays reachable
 * until every other namespace is joined. */
static const struct {
	const char *name;
	int type;
} namespaces[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
};

/* What the caller prepares and the helper uses. */
struct joiner {
	const struct exec_request *req;
	struct spawn_spec s;
	int nsfd[ARRAY_SIZE(namespaces)];
	int userns_fd; /* -1: the container has no user namespace */
	struct cgroup *cg; /* NULL: no cgroups here */
	int sock;
};

/* The running container's pid, config and cgroup (NULL when cgroups are
 * unavailable): the record's keys, read here only. */
static int load_target(const struct brig_ctx *c, const char *ref, pid_t *pid,
		       struct container_spec *cfg, struct cgroup **cg, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	struct container_state st;
	struct brig_err ignore;

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, cfg, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&st), "running") != 0)
		return brig_errf(e, EINVAL, "container %s is not running", ref);
	*pid = st.pid;
	if (rootless_no_cgroup() || container_cgroups_ready(&ignore) < 0 ||
	    cgroup_open(cfg->cgroup_parent, id, cg, &ignore) < 0)
		*cg = NULL;
	return 0;
}

static int open_namespaces(pid_t pid, int fds[], struct brig_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		fds[i] = proc_ns_open(pid, namespaces[i].name, e);
		if (fds[i] < 0) {
			int r = fds[i];
			while (i-- > 0)
				close(fds[i]);
			return r;
		}
	}
	return 0;
}

static void close_namespaces(int fds[])
{
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		close(fds[i]);
}

/* 0, 1, 2 from the request; -1 is /dev/null. */
static int set_stdio(const int stdio[3], struct brig_err *e)
{
	for (int fd = 0; fd < 3; fd++) {
		int from = stdio[fd] >= 0 ? stdio[fd] : open("/dev/null", O_RDWR | O_CLOEXEC);
		if (from < 0 || dup2(from, fd) < 0)
			return brig_errno(e, "exec: stdio");
	}
	return 0;
}

/* A failure of the command's setup: e over report, exit with code. */
static void __attribute__((noreturn)) command_failed(int report, const struct brig_err *e, int code)
{
	(void)!write(report, e, sizeof(*e));
	_exit(code);
}

/* The command: its stdio, identity and confinement, then exec.  A failure
 * goes back over report as a struct brig_err. */
static void __attribute__((noreturn)) command(const struct joiner *j, int slave, int report)
{
	const struct exec_request *req = j->req;
	struct brig_err e;

	/* Without -t, a session of its own (with -t, pty_attach_stdio makes
	 * one): no controlling terminal of the user's to push input into
	 * (TIOCSTI) or to open as /dev/tty, as in run (init.c).  With -d,
	 * once the helper exits it is the container's init's child. */
	proc_signals_default();
	if (slave < 0 && setsid() < 0) {
		brig_errno(&e, "exec: a new session");
		command_failed(report, &e, EXIT_BRIG);
	}
	if ((slave >= 0 ? pty_attach_stdio(slave, &e) : set_stdio(req->stdio, &e)) < 0)
		command_failed(report, &e, EXIT_BRIG);
	/* From here only 0, 1, 2 and the report pipe: no host fd (the sync
	 * socket, the pty master, the caller's stdio fds) is open while the
	 * working directory is resolved or the command runs. */
	fd_close_except(&report, 1);
	if (init_confine(&j->s, &e) < 0)
		command_failed(report, &e, EXIT_BRIG);
	extern char **environ;
	environ = (char **)j->s.env;
	execvp(j->s.argv[0], j->s.argv);
	brig_errno(&e, "exec %s", j->s.argv[0]);
	command_failed(report, &e, spawn_exit_code(SPAWN_STAGE_EXEC, e.code));
}

/* Whether fd is the namespace we are in already: a rootless container
 * without a cgroup of its own keeps brig's cgroup namespace, which
 * belongs to the initial user namespace, so setns would be refused. */
static bool already_in(int fd, const char *name)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* Into the container's cgroup first (its limits cover exec'd work), then
 * its namespaces. */
static int join(const struct joiner *j, struct brig_err *e)
{
	if (j->cg && cgroup_enter(j->cg, getpid(), e) < 0)
		return -e->code;
	/* the user namespace first: it owns every other one */
	if (j->userns_fd >= 0 && userns_join(j->userns_fd, e) < 0)
		return -e->code;
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		if (!already_in(j->nsfd[i], namespaces[i].name) &&
		    setns(j->nsfd[i], namespaces[i].type) < 0)
			return brig_errno(e, "join %s namespace", namespaces[i].name);
	return 0;
}

/* The caller's fds (a lab's locks, a server's sockets) stay on the host. */
static void keep_only(const struct joiner *j)
{
	int keep[ARRAY_SIZE(namespaces) + 5];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		keep[n++] = j->nsfd[i];
	keep[n++] = j->userns_fd;
	keep[n++] = j->sock;
	for (int fd = 0; fd < 3; fd++)
		keep[n++] = j->req->stdio[fd];
	fd_close_except(keep, n);
}

static void __attribute__((noreturn)) helper_failed(int sock, const struct brig_err *e)
{
	sync_send_error(sock, SPAWN_STAGE_SETUP, e);
	_exit(EXIT_BRIG);
}

static void __attribute__((noreturn)) helper(const struct joiner *j)
{
	int master = -1, slave = -1, rep[2];
	struct brig_err e;
	bool failed;
	pid_t pid;

	/* Non-dumpable before joining anything, and so is the command until
	 * it execs: no process of the container may open our /proc/PID/exe
	 * (the brig binary, CVE-2019-5736), fd or cwd.  Only the fds we need
	 * are taken along into the container's namespaces. */
	if (hygiene_undumpable(&e) < 0)
		helper_failed(j->sock, &e);
	keep_only(j);
	if (join(j, &e) < 0 ||
	    (j->req->tty && pty_open(&master, &slave, j->req->rows, j->req->cols, &e) < 0))
		helper_failed(j->sock, &e);
	/* the helper outlives its caller with --detach or a killed caller:
	 * it must not keep the caller's locks (a lab's) or pipes open */
	fd_close_except((int[]){ j->sock, j->req->stdio[0], j->req->stdio[1], j->req->stdio[2],
				 master, slave },
			6);
	if (pipe2(rep, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		brig_errno(&e, "exec: fork");
		helper_failed(j->sock, &e);
	}
	if (pid == 0)
		command(j, slave, rep[1]);
	close(rep[1]);
	if (slave >= 0)
		close(slave);
	/* EOF: the command was exec'd (the pipe is CLOEXEC) */
	failed = read(rep[0], &e, sizeof(e)) == (ssize_t)sizeof(e);
	if (failed)
		sync_send_error(j->sock, SPAWN_STAGE_EXEC, &e);
	else if (master >= 0 ? sync_send_fd(j->sock, SYNC_EXEC_NEXT, master, &e) < 0
			     : sync_send(j->sock, SYNC_EXEC_NEXT, &e) < 0)
		_exit(EXIT_BRIG);
	if (master >= 0)
		close(master); /* the relay's EOF is when the command's side closes */
	if (j->req->detach && !failed)
		_exit(0);
	sync_send_exit(j->sock, container_wait(pid));
	_exit(0);
}

/* Fork the helper; the caller's side of the socket into p. */
static int fork_helper(struct joiner *j, struct exec_proc *p, struct brig_err *e)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return brig_errno(e, "exec: socketpair");
	fflush(NULL);
	p->helper = fork();
	if (p->helper == 0) {
		close(sv[0]);
		j->sock = sv[1];
		helper(j);
	}
	close(sv[1]);
	if (p->helper < 0) {
		close(sv[0]);
		return brig_errno(e, "exec: fork");
	}
	p->sock = sv[0];
	return 0;
}

/* The helper's first word: exec'd (0), or why not (e). */
static int await_exec(struct exec_proc *p, struct brig_err *e)
{
	struct sync_msg m;
	int r = sync_recv(p->sock, &m, &p->pty_master, e);

	if (r < 0)
		return r;
	if (r == 0)
		return brig_errf(e, EIO, "exec: the helper process died");
	if (m.point == SYNC_ERROR)
		return brig_errf(e, m.err ? m.err : EIO, "%s", m.text);
	if (m.point != SYNC_EXEC_NEXT)
		return brig_errf(e, EPROTO, "exec: unexpected message %d", m.point);
	return 0;
}

int container_exec_start(const struct brig_ctx *c, const char *ref, const struct exec_request *req,
			 struct exec_proc *p, int *code, struct brig_err *e)
{
	struct joiner j = { .req = req, .s = { .argv = req->argv }, .userns_fd = -1 };
	struct container_spec cfg = { 0 };
	char **env = NULL;
	pid_t pid = 0;
	int r;

	*p = (struct exec_proc){ .helper = -1, .sock = -1, .pty_master = -1 };
	*code = EXIT_BRIG;
	if (load_target(c, ref, &pid, &cfg, &j.cg, e) < 0) {
		spec_free(&cfg);
		return -e->code;
	}
	r = container_exec_spec(&cfg, req->env, req->n_env, req->user, req->workdir, &j.s, &env, e);
	if (r == 0)
		r = container_confine(c, &cfg, &j.s, e);
	if (r == 0 && cfg.userns.set && (j.userns_fd = proc_ns_open(pid, "user", e)) < 0)
		r = j.userns_fd;
	if (r == 0 && (r = open_namespaces(pid, j.nsfd, e)) == 0) {
		r = fork_helper(&j, p, e);
		close_namespaces(j.nsfd);
	}
	if (j.userns_fd >= 0)
		close(j.userns_fd);
	cgroup_free(j.cg);
	container_env_free(env);
	spec_free(&cfg); /* j.s borrowed strings from it */
	if (r < 0)
		return r;
	if ((r = await_exec(p, e)) < 0) {
		*code = container_exec_wait(p);
		return r;
	}
	if (req->detach)
		container_exec_wait(p); /* only the helper is left to reap */
	return 0;
}

int container_exec_wait(struct exec_proc *p)
{
	struct sync_msg m;
	struct brig_err ignore;
	int status = -1;

	if (p->sock >= 0 && sync_recv(p->sock, &m, NULL, &ignore) == 1 && m.point == SYNC_EXITED)
		status = m.err;
	if (p->sock >= 0)
		close(p->sock);
	if (p->pty_master >= 0)
		close(p->pty_master);
	if (p->helper > 0)
		container_wait(p->helper);
	*p = (struct exec_proc){ .helper = -1, .sock = -1, .pty_master = -1 };
	return proc_exit_status(status);
}
