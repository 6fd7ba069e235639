/* syscalls.c - a test program for tests/integration/seccomp.bats, built
 * static (gcc -static) by `make test-helpers` and bind-mounted read-only
 * into a busybox container.  Not part of brig.
 *
 *   syscalls NAME...   call each syscall NAME with harmless arguments (bad
 *                      pointers, bad fds, invalid flags: nothing on the
 *                      host changes) in a child process of its own, and
 *                      print "NAME RESULT": OK, the errno's name (EPERM,
 *                      ENOSYS, ...), or KILLED when a signal ended it
 *   syscalls --int80   exit 0 when the 32-bit ABI (int $0x80) works here
 *   syscalls --euid    print the effective uid (the setuid test) */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* The i386 numbers: int $0x80 uses the 32-bit table. */
#define I386_GETPID 20
#define I386_UNSHARE 310
#define I386_KEYCTL 288
#define X32_BIT 0x40000000L

static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static long raw(long nr, long a, long b, long c, long d, long e)
{
	return syscall(nr, a, b, c, d, e);
}

/* One row per name: the call, with arguments that fail harmlessly (or
 * succeed harmlessly, in a child that exits at once). */
static long call(const char *n)
{
	if (!strcmp(n, "keyctl"))
		return raw(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 0, 0, 0);
	if (!strcmp(n, "add_key"))
		return raw(SYS_add_key, 0, 0, 0, 0, -2);
	if (!strcmp(n, "request_key"))
		return raw(SYS_request_key, 0, 0, 0, 0, 0);
	if (!strcmp(n, "bpf"))
		return raw(SYS_bpf, -1, 0, 0, 0, 0);
	if (!strcmp(n, "perf_event_open"))
		return raw(SYS_perf_event_open, 0, 0, -1, -1, 0);
	if (!strcmp(n, "userfaultfd"))
		return raw(SYS_userfaultfd, -1, 0, 0, 0, 0);
	if (!strcmp(n, "kexec_load"))
		return raw(SYS_kexec_load, 0, 0, 0, -1 /* invalid flags */, 0);
	if (!strcmp(n, "kexec_file_load"))
		return raw(SYS_kexec_file_load, -1, -1, 0, 0, -1);
	if (!strcmp(n, "init_module"))
		return raw(SYS_init_module, 0, 0, 0, 0, 0);
	if (!strcmp(n, "finit_module"))
		return raw(SYS_finit_module, -1, 0, 0, 0, 0);
	if (!strcmp(n, "delete_module"))
		return raw(SYS_delete_module, 0, 0, 0, 0, 0);
	if (!strcmp(n, "open_by_handle_at"))
		return raw(SYS_open_by_handle_at, -1, 0, 0, 0, 0);
	if (!strcmp(n, "name_to_handle_at"))
		return raw(SYS_name_to_handle_at, -100, (long)"/", 0, 0, 0);
	if (!strcmp(n, "mount")) /* a tmpfs on the container's own /tmp */
		return raw(SYS_mount, (long)"none", (long)"/tmp", (long)"tmpfs", 0, 0);
	if (!strcmp(n, "umount2"))
		return raw(SYS_umount2, (long)"/brig-no-such-mount", 0, 0, 0, 0);
	if (!strcmp(n, "pivot_root"))
		return raw(SYS_pivot_root, 0, 0, 0, 0, 0);
	if (!strcmp(n, "move_mount"))
		return raw(SYS_move_mount, -1, (long)"", -1, (long)"", 0);
	if (!strcmp(n, "open_tree"))
		return raw(SYS_open_tree, -1, (long)"", 0, 0, 0);
	if (!strcmp(n, "fsopen"))
		return raw(SYS_fsopen, 0, 0, 0, 0, 0);
	if (!strcmp(n, "fsmount"))
		return raw(SYS_fsmount, -1, 0, 0, 0, 0);
	if (!strcmp(n, "fspick"))
		return raw(SYS_fspick, -1, (long)"", 0, 0, 0);
	if (!strcmp(n, "setns"))
		return raw(SYS_setns, -1, 0, 0, 0, 0);
	if (!strcmp(n, "unshare-user"))
		return raw(SYS_unshare, CLONE_NEWUSER, 0, 0, 0, 0);
	if (!strcmp(n, "unshare-net"))
		return raw(SYS_unshare, CLONE_NEWNET, 0, 0, 0, 0);
	if (!strcmp(n, "unshare-files")) /* no namespace: allowed */
		return raw(SYS_unshare, CLONE_FILES, 0, 0, 0, 0);
	if (!strcmp(n, "clone-newuts") || !strcmp(n, "clone-plain")) {
		long f = SIGCHLD | (!strcmp(n, "clone-newuts") ? CLONE_NEWUTS : 0);
		long pid = raw(SYS_clone, f, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return pid;
	}
	if (!strcmp(n, "clone3"))
		return raw(SYS_clone3, 0, 0, 0, 0, 0);
	if (!strcmp(n, "personality")) /* READ_IMPLIES_EXEC: not a safe value */
		return raw(SYS_personality, 0x0400000, 0, 0, 0, 0);
	if (!strcmp(n, "personality-query"))
		return raw(SYS_personality, 0xffffffffL, 0, 0, 0, 0);
	if (!strcmp(n, "personality-linux32"))
		return raw(SYS_personality, 8, 0, 0, 0, 0);
	if (!strcmp(n, "reboot")) /* no magic: EINVAL when allowed */
		return raw(SYS_reboot, 0, 0, 0, 0, 0);
	if (!strcmp(n, "swapon"))
		return raw(SYS_swapon, 0, 0, 0, 0, 0);
	if (!strcmp(n, "swapoff"))
		return raw(SYS_swapoff, 0, 0, 0, 0, 0);
	if (!strcmp(n, "acct"))
		return raw(SYS_acct, 1 /* a bad pointer */, 0, 0, 0, 0);
	if (!strcmp(n, "settimeofday")) /* both NULL: changes nothing */
		return raw(SYS_settimeofday, 0, 0, 0, 0, 0);
	if (!strcmp(n, "clock_settime"))
		return raw(SYS_clock_settime, 0, 0, 0, 0, 0);
	if (!strcmp(n, "adjtimex")) { /* modes 0: a read */
		struct timex t = { 0 };
		return raw(SYS_adjtimex, (long)&t, 0, 0, 0, 0);
	}
	if (!strcmp(n, "iopl"))
		return raw(SYS_iopl, 4, 0, 0, 0, 0);
	if (!strcmp(n, "ioperm"))
		return raw(SYS_ioperm, 0, 0, 0, 0, 0);
	if (!strcmp(n, "lookup_dcookie"))
		return raw(SYS_lookup_dcookie, 0, 0, 0, 0, 0);
	if (!strcmp(n, "nfsservctl"))
		return raw(SYS_nfsservctl, 0, 0, 0, 0, 0);
	if (!strcmp(n, "quotactl"))
		return raw(SYS_quotactl, 0, 0, 0, 0, 0);
	if (!strcmp(n, "syslog")) /* SYSLOG_ACTION_SIZE_BUFFER */
		return raw(SYS_syslog, 10, 0, 0, 0, 0);
	if (!strcmp(n, "ptrace")) /* PTRACE_TRACEME, in a child that exits */
		return raw(SYS_ptrace, 0, 0, 0, 0, 0);
	if (!strcmp(n, "socket-vsock"))
		return raw(SYS_socket, AF_VSOCK, SOCK_STREAM, 0, 0, 0);
	if (!strcmp(n, "socket-inet"))
		return raw(SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0);
	if (!strcmp(n, "int80-unshare"))
		return int80(I386_UNSHARE, CLONE_NEWUSER, 0, 0);
	if (!strcmp(n, "int80-keyctl"))
		return int80(I386_KEYCTL, 0, -3, 0);
	if (!strcmp(n, "x32-unshare"))
		return raw(X32_BIT | SYS_unshare, CLONE_NEWUSER, 0, 0, 0, 0);
	errno = EDOM; /* a name this program does not know */
	return -1;
}

static void report(const char *name)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(call(name) < 0 ? (errno & 0xff) : 0);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		printf("%s FORK-%s\n", name, strerrorname_np(errno));
		return;
	}
	if (WIFSIGNALED(status))
		printf("%s KILLED\n", name);
	else if (WEXITSTATUS(status) == 0)
		printf("%s OK\n", name);
	else if (WEXITSTATUS(status) == EDOM)
		printf("%s UNKNOWN-NAME\n", name);
	else
		printf("%s %s\n", name, strerrorname_np(WEXITSTATUS(status)));
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--euid")) {
		printf("%u\n", (unsigned)geteuid());
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--int80"))
		return int80(I386_GETPID, 0, 0, 0) == (long)getpid() ? 0 : 1;
	for (int i = 1; i < argc; i++)
		report(argv[i]);
	return 0;
}
