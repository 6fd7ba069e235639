/* proc.c - what /proc says about a process: its start time (so a recycled
 * pid is never mistaken for it) and its namespaces. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctx.h"
#include "proc.h"

unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;
	unsigned long long v = 0;
	const char *p;
	ssize_t n;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and ')': fields restart after the
	 * last ')'; then state is field 3 and starttime field 22. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	/* A zombie is dead: it only waits for its parent to reap it. */
	if (p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (int field = 2; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return 0;
	}
	for (p++; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

int proc_host_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

int64_t proc_host_memory(void)
{
	return (int64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
}

int proc_ns_open(pid_t pid, const char *ns, struct brig_err *e)
{
	char path[64];
	int fd;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return brig_errno(e, "open %s", path);
	return fd;
}

/* The child: run fn, send its error (if any) back, exit. */
static void __attribute__((noreturn)) child_run(int wfd, int (*fn)(void *arg, struct brig_err *e),
						void *arg)
{
	struct brig_err e = { 0 };

	/* one write well under PIPE_BUF: it arrives whole */
	if (fn(arg, &e) < 0) {
		if (write(wfd, &e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(2);
		_exit(1);
	}
	_exit(0);
}

int proc_run_child(int (*fn)(void *arg, struct brig_err *e), void *arg, struct brig_err *e)
{
	int p[2], status;
	ssize_t n;
	pid_t child;

	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	fflush(NULL);
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return brig_errno(e, "fork");
	}
	if (child == 0) {
		close(p[0]);
		child_run(p[1], fn, arg);
	}
	close(p[1]);
	do
		n = read(p[0], e, sizeof(*e));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return brig_errno(e, "wait");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (n != (ssize_t)sizeof(*e))
		return brig_errf(e, EIO, "the helper process died (wait status %d)", status);
	return -(e->code ? e->code : EIO);
}

struct in_ns {
	int nsfd, nstype;
	int (*fn)(void *arg, struct brig_err *e);
	void *arg;
};

static int join_and_run(void *arg, struct brig_err *e)
{
	struct in_ns *x = arg;

	if (setns(x->nsfd, x->nstype) < 0)
		return brig_errno(e, "join namespace");
	return x->fn(x->arg, e);
}

int proc_run_in_ns(pid_t pid, const char *ns, int nstype, int (*fn)(void *arg, struct brig_err *e),
		   void *arg, struct brig_err *e)
{
	cleanup_close int nsfd = proc_ns_open(pid, ns, e);
	struct in_ns x = { nsfd, nstype, fn, arg };

	if (nsfd < 0)
		return nsfd;
	if (proc_run_child(join_and_run, &x, e) < 0)
		return brig_err_ctx(e, "in the %s namespace of %d", ns, (int)pid);
	return 0;
}

int proc_exit_status(int wstatus)
{
	if (wstatus < 0)
		return EXIT_BRIG;
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_BRIG;
}

char **brig_argv;

void proc_signals_default(void)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL); /* EINVAL for the few the libc keeps */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int proc_pidfd(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}
