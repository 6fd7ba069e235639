/* rootless_ns.c - create and join the user namespace of rootless brig:
 * the pause process and the maps it gets.  See rootless_ns.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "proc.h"
#include "rootless.h"
#include "rootless_ns.h"

/* The pause process: unshare, report, wait for its maps, then sleep. */
static void __attribute__((noreturn)) pause_main(int rd, int wr)
{
	int err = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
	char go = 0;

	if (write_all(wr, &err, sizeof(err)) < 0 || err)
		_exit(1);
	if (read(rd, &go, 1) != 1 || go != 'g')
		_exit(1);
	setsid();
	if (chdir("/") < 0)
		_exit(1);
	prctl(PR_SET_NAME, "brig-pause");
	/* nothing of brig's stays open: a test runner waiting on a pipe, or
	 * a deleted file, is never held by the pause process */
	for (int fd = 0; fd < 3; fd++)
		fd_to_null(fd, fd);
	close_range(3, ~0U, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	for (;;)
		pause();
}

/* newuidmap PID IN OUT COUNT... (or newgidmap): the setuid helper checks
 * the ranges against /etc/subuid for our user. */
static int run_helper(const char *prog, pid_t pid, const struct idmap *m, struct brig_err *e)
{
	char nums[1 + 3 * IDMAP_MAX][12];
	char *argv[2 + 3 * IDMAP_MAX + 1];
	size_t n = 0;
	int status;
	pid_t child;

	argv[n++] = (char *)prog;
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)pid);
	argv[n++] = nums[0];
	for (size_t i = 0; i < m->n; i++) {
		uint32_t v[3] = {m->r[i].inside, m->r[i].outside, m->r[i].count};
		for (int k = 0; k < 3; k++) {
			snprintf(nums[n - 1], sizeof(nums[0]), "%u", v[k]);
			argv[n] = nums[n - 1];
			n++;
		}
	}
	argv[n] = NULL;
	child = fork();
	if (child < 0)
		return brig_errno(e, "fork %s", prog);
	if (child == 0) {
		execvp(prog, argv);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return brig_errno(e, "wait for %s", prog);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return brig_errf(e, ENOENT, "%s: not found (install the uidmap package)", prog);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return brig_errf(e, EPERM,
				 "%s %d: failed (are the ranges in /etc/subuid and "
				 "/etc/subgid?)",
				 prog, (int)pid);
	return 0;
}

static int write_proc(pid_t pid, const char *file, const char *text, struct brig_err *e)
{
	char path[64];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return brig_errno(e, "write %s", path);
	return 0;
}

/* One range, our own id as 0: the owner of a namespace may write that
 * itself, the gid map only once setgroups is denied (user_namespaces(7)). */
static int write_single(pid_t pid, const struct idmap *uid, const struct idmap *gid,
			struct brig_err *e)
{
	char line[64];

	if (write_proc(pid, "setgroups", "deny", e) < 0)
		return -e->code;
	snprintf(line, sizeof(line), "0 %u 1\n", gid->r[0].outside);
	if (write_proc(pid, "gid_map", line, e) < 0)
		return -e->code;
	snprintf(line, sizeof(line), "0 %u 1\n", uid->r[0].outside);
	return write_proc(pid, "uid_map", line, e);
}

static int write_maps(pid_t pid, const struct idmap *uid, const struct idmap *gid,
		      struct brig_err *e)
{
	if (uid->n == 1 && gid->n == 1 && uid->r[0].count == 1 && gid->r[0].count == 1)
		return write_single(pid, uid, gid, e);
	if (run_helper("newgidmap", pid, gid, e) < 0)
		return -e->code;
	return run_helper("newuidmap", pid, uid, e);
}

int rootless_ns_create(const struct idmap *uid, const struct idmap *gid, pid_t *holder,
		       struct brig_err *e)
{
	int up[2], down[2], err = 0;
	pid_t pid;

	if (pipe2(up, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	if (pipe2(down, O_CLOEXEC) < 0) {
		close(up[0]);
		close(up[1]);
		return brig_errno(e, "pipe");
	}
	pid = fork();
	if (pid == 0)
		pause_main(down[0], up[1]);
	close(up[1]);
	close(down[0]);
	if (pid < 0)
		err = brig_errno(e, "fork the pause process");
	else if (read(up[0], &err, sizeof(err)) != sizeof(err) || err)
		err = brig_errf(e, err ? err : EIO, "create a user namespace: %s%s",
				strerror(err ? err : EIO),
				err == ENOSPC || err == EPERM ? " (see docs/rootless.md)" : "");
	else if ((err = write_maps(pid, uid, gid, e)) == 0 && write_all(down[1], "g", 1) < 0)
		err = brig_errno(e, "start the pause process");
	close(up[0]);
	close(down[1]);
	if (err < 0) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return err;
	}
	*holder = pid;
	return 0;
}

int rootless_ns_join(pid_t holder, struct brig_err *e)
{
	cleanup_close int fd = proc_ns_open(holder, "user", e);

	if (fd < 0)
		return fd;
	if (setns(fd, CLONE_NEWUSER) < 0)
		return brig_errno(e, "join the user namespace of pid %d", (int)holder);
	/* denied in a single-id namespace (setgroups "deny"): keep none mapped */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return brig_errno(e, "setgroups");
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return brig_errno(e, "become root of the user namespace");
	rootless_forget();
	return 0;
}
