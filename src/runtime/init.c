/* init.c - the container side: from sync 1 to exec.
 *
 * Order matters: network inside the netns first (while the host's /proc is
 * still visible, so net sysctls can be written to the netns we are in), then
 * the filesystem and pivot_root, then identity, capabilities and fds, and
 * exec last.  Any failure is sent to the parent as {errno, stage, text}. */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "ctx.h"
#include "cleanup.h"
#include "hygiene.h"
#include "io.h"
#include "proc.h"
#include "mount.h"
#include "link.h"
#include "pty.h"
#include "rootfs_at.h"
#include "spawn.h"
#include "sync.h"
#include "sysfilter.h"
#include "userns.h"

extern char **environ;

/* --net container:NAME: this is the container's own init, so setns here
 * changes nothing of brig's. */
static int join_netns(pid_t pid, struct brig_err *e)
{
	cleanup_close int fd = proc_ns_open(pid, "net", e);

	if (fd < 0)
		return brig_err_ctx(e, "network namespace of %d", pid);
	if (setns(fd, CLONE_NEWNET) < 0)
		return brig_errno(e, "join network namespace of %d", pid);
	return 0;
}

/* "net.ipv4.ip_forward=1" -> /proc/sys/net/ipv4/ip_forward.  Only net.*
 * keys are namespaced; the caller has validated that. */
static int write_sysctl(const char *kv, struct brig_err *e)
{
	char path[256];
	const char *eq = strchr(kv, '=');
	cleanup_close int fd = -1;
	size_t klen;

	if (!eq)
		return brig_errf(e, EINVAL, "sysctl '%s': expected KEY=VALUE", kv);
	klen = (size_t)(eq - kv);
	if (klen + sizeof("/proc/sys/") > sizeof(path))
		return brig_errf(e, ENAMETOOLONG, "sysctl '%s': key too long", kv);
	snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)klen, kv);
	for (char *p = path + sizeof("/proc/sys/") - 1; *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return brig_errno(e, "sysctl %.*s", (int)klen, kv);
	if (write(fd, eq + 1, strlen(eq + 1)) < 0)
		return brig_errno(e, "sysctl %.*s", (int)klen, kv);
	return 0;
}

static int setup_network(const struct spawn_spec *s, struct brig_err *e)
{
	if (s->net == SPAWN_NET_HOST)
		return 0;
	if (s->net == SPAWN_NET_JOIN)
		return join_netns(s->join_net_pid, e);
	if (net_lo_up(e) < 0)
		return brig_err_ctx(e, "network lo");
	for (size_t i = 0; i < s->n_ifaces; i++) {
		const struct spawn_iface *f = &s->ifaces[i];
		/* before it is up (a --sysctl below may say otherwise) */
		if (net_ipv6_link_prepare(f->peer_if, f->v6, e) < 0)
			return brig_err_ctx(e, "network %s", f->ifname);
		if (net_iface_configure(f->peer_if, f->ifname, f->addr, f->prefix, f->mac, f->gw,
					e) < 0)
			return brig_err_ctx(e, "network %s", f->ifname);
		if (f->v6 && net_iface_configure6(f->ifname, &f->addr6, f->prefix6,
						  f->route6 ? &f->gw6 : NULL, e) < 0)
			return brig_err_ctx(e, "network %s", f->ifname);
	}
	for (char *const *kv = s->sysctls; kv && *kv; kv++)
		if (write_sysctl(*kv, e) < 0)
			return -e->code;
	return 0;
}

static int set_user(const struct spawn_spec *s, struct brig_err *e)
{
	if (!s->user_set)
		return 0;
	if (setgroups(0, NULL) < 0)
		return brig_errno(e, "setgroups");
	if (setgid(s->gid) < 0)
		return brig_errno(e, "setgid %u", s->gid);
	if (setuid(s->uid) < 0)
		return brig_errno(e, "setuid %u", s->uid);
	return 0;
}

/* Drop every capability outside s->caps from the bounding set, so nothing
 * the command execs can gain it back.  Needs CAP_SETPCAP: runs while root. */
static int drop_bounding(const struct spawn_spec *s, struct brig_err *e)
{
	int last = cap_max_bits() - 1;

	for (int cap = 0; cap <= last && cap < 64; cap++) {
		if (s->caps & (1ULL << cap))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0 && errno != EINVAL)
			return brig_errno(e, "drop capability %d from the bounding set", cap);
	}
	return 0;
}

/* Make s->caps the effective and permitted sets of root; the inheritable
 * set stays empty (as Docker's since CVE-2022-24769: a file's inheritable
 * capabilities must not grant more than the container's), and so does the
 * ambient set.  Only capabilities we hold can be kept: this host lacks some
 * (e.g. CAP_SYS_RESOURCE), so intersect with what we have.  A non-root
 * user lost every capability at setuid, as in Docker. */
static int apply_caps(const struct spawn_spec *s, struct brig_err *e)
{
	cap_t have = cap_get_proc(), want = cap_init();
	int r = 0;

	if (!have || !want) {
		r = brig_errno(e, "capabilities");
		goto out;
	}
	for (int cap = 0; cap < cap_max_bits() && cap < 64; cap++) {
		cap_flag_value_t held = CAP_CLEAR;
		cap_value_t v = cap;
		if (!(s->caps & (1ULL << cap)))
			continue;
		cap_get_flag(have, v, CAP_PERMITTED, &held);
		if (held == CAP_SET)
			for (int f = CAP_EFFECTIVE; f <= CAP_PERMITTED; f++)
				cap_set_flag(want, (cap_flag_t)f, 1, &v, CAP_SET);
	}
	if (getuid() == 0 && cap_set_proc(want) < 0)
		r = brig_errno(e, "set capabilities");
out:
	cap_free(have);
	cap_free(want);
	return r;
}

/* Open f->path for writing inside root, made (with its directories) when
 * missing.  A symlink there is followed inside the root (etc/resolv.conf
 * -> ../../../../etc/passwd is the container's own passwd, as Docker's
 * bind would land), never out of it, and no magic link is.  O_NONBLOCK: a
 * FIFO in the image must not hang the start.  -1 with errno, as open. */
static int open_file(int root, const struct spawn_file *f, struct brig_err *e)
{
	int flags = O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY;
	int fd = rootfs_open(root, f->path, flags, 0644);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	fd = rootfs_mkpath(root, f->path, 0644, ROOTFS_FILE, e);
	if (fd < 0) {
		errno = e->code;
		return -1;
	}
	close(fd);
	return rootfs_open(root, f->path, flags, 0644);
}

static int write_file(int root, const struct spawn_file *f, struct brig_err *e)
{
	cleanup_close int fd = open_file(root, f, e);
	size_t len = strlen(f->content);
	struct stat st;

	if (fd < 0)
		return errno == EROFS ? 0 : brig_errno(e, "write %s", f->path);
	if (fstat(fd, &st) < 0)
		return brig_errno(e, "write %s", f->path);
	/* only a plain file of the container's: never a device, a FIFO, or a
	 * kernel file (/proc/sys/kernel/core_pattern) a link aimed us at */
	if (!S_ISREG(st.st_mode) || rootfs_on_kernel_fs(fd))
		return brig_errf(e, EPERM, "write %s: not a regular file in the image", f->path);
	if (ftruncate(fd, 0) < 0 || write(fd, f->content, len) != (ssize_t)len)
		return brig_errno(e, "write %s", f->path);
	return 0;
}

/* Runs after pivot_root, through rootfs_at.c all the same.  A file the
 * user mounted is the user's: brig does not write it.  Nor does it write
 * into a directory the user bound read-only (EROFS): the container keeps
 * the file that is there. */
static int write_files(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_close int root = -1;

	if (!s->n_files)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return brig_errno(e, "open /");
	for (size_t i = 0; i < s->n_files; i++)
		if (!mount_is_target(s, s->files[i].path) && write_file(root, &s->files[i], e) < 0)
			return -e->code;
	return 0;
}

/* As Docker, a working directory the image lacks is created (root's, 0755)
 * when the container starts; exec's must exist.  Inside the new root, so
 * no path can leave it. */
static int make_workdir(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_close int root = -1, fd = -1;

	if (!s->workdir || !*s->workdir)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return brig_errno(e, "open /");
	fd = rootfs_mkpath(root, s->workdir, 0755, 0, e);
	return fd < 0 ? brig_err_ctx(e, "working directory %s", s->workdir) : 0;
}

/* Resolved inside the container's root, never through a magic link: a
 * `-w /proc/self/fd/N` naming a host directory fd is refused
 * (CVE-2024-21626). */
static int enter_workdir(const struct spawn_spec *s, struct brig_err *e)
{
	const char *dir = s->workdir && *s->workdir ? s->workdir : "/";

	return hygiene_chdir_in_root(dir, e);
}

/* A pty from the container's own devpts (so `tty` names /dev/pts/N inside):
 * the slave becomes the controlling terminal and stdio of a new session,
 * the master goes back to the parent at sync 3. */
static int open_pty(const struct spawn_spec *s, int *master, struct brig_err *e)
{
	cleanup_close int slave = -1;

	if (pty_open(master, &slave, s->rows, s->cols, e) < 0 || pty_console(slave, e) < 0)
		return -e->code;
	return pty_attach_stdio(slave, e);
}

/* Without -t, a session of our own and so no controlling terminal: the
 * stdio brig hands down may be the user's terminal itself, and a process
 * sharing its session could push input into it with TIOCSTI (or read it
 * through /dev/tty).  With no controlling terminal TIOCSTI needs
 * CAP_SYS_ADMIN, which only --privileged holds. */
static int setup_stdio(const struct spawn_spec *s, int *master, struct brig_err *e)
{
	if (s->tty)
		return open_pty(s, master, e);
	if (setsid() < 0)
		return brig_errno(e, "new session");
	if (!s->redirect)
		return 0;
	for (int fd = 0; fd < 3; fd++)
		if (s->stdio[fd] != fd && dup2(s->stdio[fd], fd) < 0)
			return brig_errno(e, "stdio %d", fd);
	return 0;
}

static void __attribute__((noreturn)) fail(int sock, int stage, const struct brig_err *e)
{
	sync_send_error(sock, stage, e);
	_exit(spawn_exit_code(stage, e->code));
}

static int set_hostname(const struct spawn_spec *s, struct brig_err *e)
{
	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		return brig_errno(e, "sethostname %s", s->hostname);
	return 0;
}

/* no_new_privs: no execve can grant what the process lacks (setuid and
 * setgid bits, file capabilities); the seccomp filter follows it.  Without
 * no_new_privs the kernel loads a filter only for CAP_SYS_ADMIN: it is
 * loaded first, while init still holds every capability (runc's order);
 * the syscalls that follow (prctl, setuid, capset, close_range, execve)
 * are all ones the filter allows. */
int init_confine(const struct spawn_spec *s, struct brig_err *e)
{
	if (s->userns && userns_become_root(e) < 0)
		return -e->code;
	if (!s->no_new_privs && sysfilter_load(s->seccomp, e) < 0)
		return -e->code;
	/* setuid may make us dumpable again (fs.suid_dumpable): not before exec */
	if (hygiene_check_stdio(e) < 0 || drop_bounding(s, e) < 0 || set_user(s, e) < 0 ||
	    hygiene_undumpable(e) < 0 || enter_workdir(s, e) < 0 || apply_caps(s, e) < 0)
		return -e->code;
	/* Only 0, 1, 2 may reach the command; the rest close at exec. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return brig_errno(e, "close_range");
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return brig_errno(e, "no_new_privs");
	if (s->no_new_privs && sysfilter_load(s->seccomp, e) < 0)
		return -e->code;
	return 0;
}

static void __attribute__((noreturn)) exec_command(const struct spawn_spec *s, int sock)
{
	struct brig_err e;

	environ = (char **)s->env;
	execvp(s->argv[0], s->argv);
	brig_errno(&e, "exec %s", s->argv[0]);
	fail(sock, SPAWN_STAGE_EXEC, &e);
}

/* --init: stay PID 1 as a tiny init.  The command runs as our child; every
 * signal we get is forwarded to it, every orphan that dies is reaped, and we
 * exit with the command's status. */
/* Show as "brig-init" in the container's ps, not as the host command line
 * (which names host paths): overwrite the argv area in place. */
static void rename_init(void)
{
	char *start, *end;
	int n = 0;

	if (!brig_argv || !brig_argv[0])
		return;
	while (brig_argv[n])
		n++;
	start = brig_argv[0];
	end = brig_argv[n - 1] + strlen(brig_argv[n - 1]);
	memset(start, 0, (size_t)(end - start));
	strncpy(start, "brig-init", (size_t)(end - start));
	prctl(PR_SET_NAME, "brig-init");
}

static void __attribute__((noreturn)) run_init(const struct spawn_spec *s, int sock)
{
	sigset_t all, old;
	siginfo_t si;
	pid_t child;
	int status;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	child = fork();
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		exec_command(s, sock);
	}
	close(sock); /* the parent sees EOF once the command has exec'd */
	/* PID 1 stays brig for the container's life and never execs: its fds
	 * (the monitor's) are closed for real, not just CLOEXEC, and it stays
	 * non-dumpable (init_confine), so /proc/1/exe and /proc/1/fd are out
	 * of the container's reach. */
	fd_close_except(NULL, 0);
	rename_init();
	if (child < 0)
		_exit(125);
	for (;;) {
		if (sigwaitinfo(&all, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			kill(child, si.si_signo);
			continue;
		}
		pid_t p;
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			if (p == child)
				_exit(proc_exit_status(status));
	}
}

/* Our mounts need nothing from the host side (sync 2) unless we wait for
 * the parent to write our user namespace's maps or to move us into our
 * cgroup (whose namespace the cgroup mounts show), or join another
 * network namespace (sysfs shows the one we are in when it is mounted). */
static bool mounts_early(const struct spawn_spec *s)
{
	return !s->userns && (s->cg_self || !s->cg) && s->net != SPAWN_NET_JOIN;
}

/* We are in our cgroup (cgroup_enter_self, or the parent moved us): now
 * it becomes our "/". */
static int enter_cgroupns(const struct spawn_spec *s, struct brig_err *e)
{
	if (s->cg && unshare(CLONE_NEWCGROUP) < 0)
		return brig_errno(e, "unshare cgroup namespace");
	return 0;
}

/* sync 1.  With slirp4netns our netns goes along: we are not dumpable,
 * so nobody without CAP_SYS_PTRACE in the initial user namespace may
 * open /proc/PID/ns/net of ours (rootless brig has none). */
static int send_ready(const struct spawn_spec *s, int sock, struct brig_err *e)
{
	int fd, r;

	if (!s->slirp)
		return sync_send(sock, SYNC_CHILD_READY, e);
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return brig_errno(e, "open /proc/self/ns/net");
	r = sync_send_fd(sock, SYNC_CHILD_READY, fd, e);
	close(fd);
	return r;
}

void init_container(const struct spawn_spec *s, int sock)
{
	struct brig_err e = { 0 }, sync_e;
	struct sync_msg m;
	struct spawn_spec in_userns;
	int master = -1;
	bool early;

	/* Die with the parent: no orphaned half-set-up container. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* brig run blocks the signals it forwards until it knows our pid */
	proc_signals_default();
	/* Until exec we are the brig binary with the monitor's fds: nothing
	 * in the container may open our /proc/PID/exe or fd (CVE-2019-5736). */
	if (hygiene_undumpable(&e) < 0)
		fail(sock, SPAWN_STAGE_SETUP, &e);
	if (send_ready(s, sock, &e) < 0)
		fail(sock, SPAWN_STAGE_SETUP, &e);
	/* Into our cgroup while the parent makes the veth pairs, and before
	 * anything of the container runs (spawn.c: why we write it, not the
	 * parent).  A failure here reaches the parent at sync 3. */
	if (s->cg_self && cgroup_enter_self(s->cg, s->cg_v2_born, &e) < 0) {
		brig_err_ctx(&e, "cgroup");
		fail(sock, SPAWN_STAGE_SETUP, &e);
	}
	/* The mounts, while the parent makes the veth pairs (the kernel's
	 * RTNL lock often makes that the slower side).  A failure is told
	 * after sync 2, where the parent listens for it: had we left with
	 * its sync 2 unread, its read of our message would fail "connection
	 * reset" instead. */
	early = mounts_early(s) && (enter_cgroupns(s, &e) < 0 || mount_rootfs(s, &e) < 0);
	if (sync_recv(sock, &m, NULL, early ? &sync_e : &e) <= 0 || m.point != SYNC_HOST_READY)
		_exit(125); /* the parent is gone or failed; it reports */
	if (early)
		fail(sock, SPAWN_STAGE_SETUP, &e);
	/* The parent wrote our maps: become root of our user namespace. */
	if (s->userns) {
		if (userns_enter(s, &in_userns, &e) < 0)
			fail(sock, SPAWN_STAGE_SETUP, &e);
		s = &in_userns;
	}
	/* sysctls and accept_ra are written through the host's /proc: before
	 * pivot_root */
	if ((!mounts_early(s) && enter_cgroupns(s, &e) < 0) || setup_network(s, &e) < 0 ||
	    (!mounts_early(s) && mount_rootfs(s, &e) < 0) || mount_pivot(s, &e) < 0 ||
	    write_files(s, &e) < 0 || make_workdir(s, &e) < 0 || mount_root_readonly(s, &e) < 0 ||
	    set_hostname(s, &e) < 0 || setup_stdio(s, &master, &e) < 0 || init_confine(s, &e) < 0)
		fail(sock, SPAWN_STAGE_SETUP, &e);
	/* The container dies with whoever started it (brig run or its monitor),
	 * so it never runs unmanaged.  Changing credentials cleared the death
	 * signal: arm it again, last. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((master >= 0 ? sync_send_fd(sock, SYNC_EXEC_NEXT, master, &e)
			 : sync_send(sock, SYNC_EXEC_NEXT, &e)) < 0)
		_exit(125);
	if (master >= 0)
		close(master);
	if (s->init)
		run_init(s, sock);
	exec_command(s, sock);
}
