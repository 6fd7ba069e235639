/* spawn.c - the parent side of starting a container.
 *
 * The child is cloned into new pid, mount, uts, ipc (and net) namespaces;
 * the cgroup namespace is unshared by the child only once it is in its
 * cgroup, so the container sees its own cgroup as "/".
 *
 * Entering the cgroup is the costly part of a start if done the obvious way:
 * writing the child's pid to cgroup.procs takes the kernel's global
 * threadgroup lock, whose write side waits for an RCU grace period (4-12 ms
 * here, most of a --net none start).  So, without a user namespace, the
 * child is born in its cgroup2 directory (clone3 CLONE_INTO_CGROUP) and
 * enters the v1 hierarchies itself by writing "0" to their tasks files,
 * which moves one thread without that lock (cgroup_enter_self).  With a
 * user namespace the child has no rights over the host's cgroup files:
 * the parent moves it at sync 2, as before. */
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "cgroup.h"
#include "cleanup.h"
#include "bridge.h"
#include "link.h"
#include "spawn.h"
#include "sync.h"
#include "slirp.h"
#include "userns.h"

static unsigned long clone_flags(const struct spawn_spec *s)
{
	unsigned long f = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;

	if (s->net == SPAWN_NET_NEW)
		f |= CLONE_NEWNET;
	if (s->userns)
		f |= CLONE_NEWUSER; /* every namespace above is then its own */
	return f;
}

/* clone3 into the cgroup2 directory cgfd; -1 (errno) where the kernel
 * lacks it (before 5.7) or refuses the directory: the caller falls back. */
static pid_t clone_into(unsigned long flags, int cgfd)
{
	struct clone_args a = { 0 };

	a.flags = flags | CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)cgfd;
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

/* Fork the container's init.  s->cg_v2_born is set before the clone so
 * that the child's copy of it is right; a failed clone3 made no child. */
static pid_t clone_child(struct spawn_spec *s)
{
	struct brig_err ignore;
	cleanup_close int cgfd = -1;
	pid_t pid;

	s->cg_self = s->cg && !s->userns;
	s->cg_v2_born = false;
	if (s->cg_self)
		cgfd = cgroup_clone_fd(s->cg, &ignore);
	if (cgfd >= 0) {
		s->cg_v2_born = true;
		pid = clone_into(clone_flags(s), cgfd);
		if (pid >= 0)
			return pid;
		s->cg_v2_born = false;
	}
	return (pid_t)syscall(SYS_clone, clone_flags(s) | SIGCHLD, 0, 0, 0, 0);
}

/* Host side of sync 2: cgroup first (the command never runs unconstrained),
 * then one veth pair per interface, the peer moved into the child's netns. */
static int prepare_host(const struct spawn_spec *s, pid_t pid, int netns, size_t *made,
			struct brig_err *e)
{
	/* the maps first: the child becomes root of its namespace at sync 2 */
	if (s->userns &&
	    userns_setup(pid, s->userns, s->userns_layers, s->n_userns_layers, e) < 0)
		return -e->code;
	if (s->cg && !s->cg_self && cgroup_enter(s->cg, pid, e) < 0)
		return -e->code;
	if (s->slirp && slirp_start(s->slirp, netns, e) < 0)
		return brig_err_ctx(e, "network");
	for (*made = 0; *made < s->n_ifaces; (*made)++) {
		const struct spawn_iface *i = &s->ifaces[*made];
		if (net_veth_create(i->host_if, i->peer_if, i->bridge, i->mtu, pid, e) < 0)
			return brig_err_ctx(e, "network %s", i->ifname);
		if (i->hairpin && net_bridge_port_hairpin(i->host_if, e) < 0)
			return brig_err_ctx(e, "network %s", i->ifname);
	}
	return 0;
}

static void undo_host(const struct spawn_spec *s, size_t made)
{
	struct brig_err ignore;

	for (size_t i = 0; i < made; i++)
		net_link_delete(s->ifaces[i].host_if, &ignore);
	if (s->slirp)
		slirp_stop(s->slirp);
}

/* Wait for one expected sync point; a SYNC_ERROR from the child becomes e. */
static int expect(int sock, enum sync_point point, enum spawn_stage *stage, int *fd,
		  struct brig_err *e)
{
	struct sync_msg m;
	int r = sync_recv(sock, &m, fd, e);

	if (r < 0)
		return r;
	if (r == 0)
		return brig_errf(e, EPIPE, "container init exited before sync %d", point);
	if (m.point == SYNC_ERROR) {
		*stage = m.stage;
		return brig_errf(e, m.err, "%s", m.text);
	}
	if (m.point != (int)point)
		return brig_errf(e, EPROTO, "sync: expected point %d, got %d", point, m.point);
	return 0;
}

/* sync 2.  The child may have failed since sync 1 (entering its cgroup)
 * and be gone: then its reason, queued on the socket, beats EPIPE. */
static int send_go(int sock, enum spawn_stage *stage, struct brig_err *e)
{
	struct brig_err why = { 0 };

	if (sync_send(sock, SYNC_HOST_READY, e) == 0)
		return 0;
	if (expect(sock, SYNC_EXEC_NEXT, stage, NULL, &why) < 0 && why.code != EPIPE)
		*e = why;
	return -e->code;
}

/* After sync 3 the child execs: EOF means success, a message is the exec's
 * failure. */
static int expect_exec(int sock, enum spawn_stage *stage, struct brig_err *e)
{
	struct sync_msg m;
	int r = sync_recv(sock, &m, NULL, e);

	if (r <= 0)
		return r;
	*stage = m.stage;
	return brig_errf(e, m.err, "%s", m.text);
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static pid_t start(const struct spawn_spec *spec, enum spawn_stage *stage, int *pty_master,
		   struct brig_err *e)
{
	struct spawn_spec copy = *spec;
	const struct spawn_spec *s = &copy;
	int sv[2];
	size_t made = 0;
	pid_t pid;
	cleanup_close int netns = -1; /* sync 1 carries it for slirp4netns */

	*stage = SPAWN_STAGE_SETUP;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return brig_errno(e, "socketpair");
	pid = clone_child(&copy);
	if (pid < 0) {
		int r = brig_errno(e, "clone");
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		close(sv[0]);
		init_container(s, sv[1]);
	}
	close(sv[1]);
	cleanup_close int sock = sv[0];

	/* sync 1: child exists -> sync 2: host side ready -> sync 3 -> exec */
	*pty_master = -1;
	if (expect(sock, SYNC_CHILD_READY, stage, s->slirp ? &netns : NULL, e) < 0 ||
	    prepare_host(s, pid, netns, &made, e) < 0 || send_go(sock, stage, e) < 0 ||
	    expect(sock, SYNC_EXEC_NEXT, stage, pty_master, e) < 0 ||
	    expect_exec(sock, stage, e) < 0) {
		reap(pid);
		undo_host(s, made);
		if (*pty_master >= 0)
			close(*pty_master);
		*pty_master = -1;
		return -e->code;
	}
	return pid;
}

pid_t spawn_start(const struct spawn_spec *s, enum spawn_stage *stage, int *pty_master,
		  struct brig_err *e)
{
	struct spawn_spec with = *s;
	int *layers = NULL;
	size_t n = 0;
	pid_t pid;

	*stage = SPAWN_STAGE_SETUP;
	*pty_master = -1;
	if (!s->userns)
		return start(s, stage, pty_master, e);
	/* cloned before the child exists, so that it inherits them */
	if (userns_layers_open(s->lower, &layers, &n, e) < 0)
		return brig_err_ctx(e, "user namespace");
	with.userns_layers = layers;
	with.n_userns_layers = n;
	pid = start(&with, stage, pty_master, e);
	userns_layers_close(layers, n);
	return pid;
}

int spawn_exit_code(enum spawn_stage stage, int err)
{
	if (stage != SPAWN_STAGE_EXEC)
		return EXIT_BRIG;
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_INVOKE;
}
