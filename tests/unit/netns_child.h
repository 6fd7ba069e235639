/* netns_child.h - unit tests that change network namespaces: each runs in
 * a forked child inside a new, empty netns, and reports a failure through
 * memory shared across the fork.  main() calls netns_child_init() first. */
#ifndef BRIG_TEST_NETNS_CHILD_H
#define BRIG_TEST_NETNS_CHILD_H

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's failure report (2048 bytes, shared across fork). */
static char *report;

/* In the child: unless cond, report it with e's last message and exit. */
#define CHECK(cond, e)                                                                    \
	do {                                                                              \
		if (!(cond)) {                                                            \
			snprintf(report, 2048, "%s:%d: %s [last error: %s]", __FILE__,    \
				 __LINE__, #cond, (e)->msg);                              \
			_exit(1);                                                         \
		}                                                                         \
	} while (0)

static inline int netns_child_init(void)
{
	report = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return report == MAP_FAILED ? -1 : 0;
}

/* Run fn in a child (dying with us) inside a new, empty netns; skip
 * without root or namespaces, fail with the child's report. */
static inline void in_netns(void (*fn)(void))
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		print_message("skipped: needs root (runs in a private netns)\n");
		skip();
	}
	report[0] = '\0';
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || unshare(CLONE_NEWNET) < 0) {
			snprintf(report, 2048, "unshare(CLONE_NEWNET): %m");
			_exit(77);
		}
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		print_message("skipped: %s\n", report);
		skip();
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child failed (status %d): %s", status, report);
}

#endif
