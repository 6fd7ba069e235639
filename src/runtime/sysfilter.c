/* sysfilter.c - brig's default seccomp profile (see sysfilter.h).
 *
 * Docker's profile allows a list of syscalls and refuses the rest with
 * EPERM.  brig's states the other side: what Docker refuses, refused the
 * same way (EPERM; clone3 ENOSYS), over a default of allow.  For the
 * syscalls of today the effect is the same; a syscall added to the kernel
 * later is allowed here where Docker's list would refuse it.  Each entry is
 * lifted when the container holds one of the capabilities that make the
 * call legitimate, as Docker does (--cap-add SYS_ADMIN may mount). */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "sysfilter.h"

/* linux/capability.h's numbers, without pulling libcap's header */
enum {
	C_DAC_READ_SEARCH = 2, C_SYS_MODULE = 16, C_SYS_RAWIO = 17, C_SYS_CHROOT = 18,
	C_SYS_PTRACE = 19, C_SYS_PACCT = 20, C_SYS_ADMIN = 21, C_SYS_BOOT = 22, C_SYS_NICE = 23,
	C_SYS_TIME = 25, C_SYS_TTY_CONFIG = 26, C_SYSLOG = 34, C_PERFMON = 38, C_BPF = 39,
};
#define CAP(c) (1ULL << (c))
#define ALWAYS 0ULL /* no capability lifts it */
#define ADMIN CAP(C_SYS_ADMIN)

/* Refused with EPERM unless the container holds one of lifted_by. */
static const struct denied {
	const char *name;
	uint64_t lifted_by;
} denied[] = {
	/* The kernel's keyrings are not namespaced: the host's keys. */
	{ "keyctl", ALWAYS },
	{ "add_key", ALWAYS },
	{ "request_key", ALWAYS },
	/* Programs and counters in the kernel, faults handled in user space:
	 * a wide attack surface, the source of many privilege escalations. */
	{ "bpf", ADMIN | CAP(C_BPF) },
	{ "perf_event_open", ADMIN | CAP(C_PERFMON) },
	{ "userfaultfd", ALWAYS },
	/* A new kernel, kernel modules. */
	{ "kexec_load", CAP(C_SYS_BOOT) },
	{ "kexec_file_load", CAP(C_SYS_BOOT) },
	{ "reboot", CAP(C_SYS_BOOT) },
	{ "init_module", CAP(C_SYS_MODULE) },
	{ "finit_module", CAP(C_SYS_MODULE) },
	{ "delete_module", CAP(C_SYS_MODULE) },
	{ "create_module", ALWAYS },
	{ "get_kernel_syms", ALWAYS },
	{ "query_module", ALWAYS },
	/* File handles open any file of a filesystem, past the container's
	 * root (the "shocker" escape, 2014). */
	{ "open_by_handle_at", CAP(C_DAC_READ_SEARCH) },
	{ "name_to_handle_at", ADMIN | CAP(C_DAC_READ_SEARCH) },
	/* Mounts: the container's tree stays as brig made it (masked and
	 * read-only paths cannot be unmounted). */
	{ "mount", ADMIN },
	{ "umount", ADMIN },
	{ "umount2", ADMIN },
	{ "pivot_root", ADMIN },
	{ "move_mount", ADMIN },
	{ "open_tree", ADMIN },
	{ "fsopen", ADMIN },
	{ "fsconfig", ADMIN },
	{ "fsmount", ADMIN },
	{ "fspick", ADMIN },
	{ "mount_setattr", ADMIN },
	/* Joining namespaces (new ones: clone and unshare, below). */
	{ "setns", ADMIN },
	/* Host-wide state: swap, accounting, clocks, I/O ports, quotas, the
	 * kernel log, filesystem-wide notifications. */
	{ "swapon", ALWAYS },
	{ "swapoff", ALWAYS },
	{ "acct", CAP(C_SYS_PACCT) },
	{ "settimeofday", CAP(C_SYS_TIME) },
	{ "stime", CAP(C_SYS_TIME) },
	{ "clock_settime", CAP(C_SYS_TIME) },
	{ "clock_settime64", CAP(C_SYS_TIME) },
	{ "iopl", CAP(C_SYS_RAWIO) },
	{ "ioperm", CAP(C_SYS_RAWIO) },
	{ "quotactl", ADMIN },
	{ "quotactl_fd", ADMIN },
	{ "syslog", ADMIN | CAP(C_SYSLOG) },
	{ "lookup_dcookie", ADMIN },
	{ "fanotify_init", ADMIN },
	{ "vhangup", CAP(C_SYS_TTY_CONFIG) },
	{ "chroot", CAP(C_SYS_CHROOT) },
	/* The container's names are set by brig before this filter. */
	{ "sethostname", ADMIN },
	{ "setdomainname", ADMIN },
	/* Another process's memory, files and descriptors (ptrace itself and
	 * process_vm_* are allowed, as Docker's on kernels >= 4.8). */
	{ "kcmp", CAP(C_SYS_PTRACE) },
	{ "pidfd_getfd", CAP(C_SYS_PTRACE) },
	{ "process_madvise", CAP(C_SYS_PTRACE) },
	/* Memory placement on the host's NUMA nodes. */
	{ "get_mempolicy", CAP(C_SYS_NICE) },
	{ "set_mempolicy", CAP(C_SYS_NICE) },
	{ "set_mempolicy_home_node", CAP(C_SYS_NICE) },
	{ "mbind", CAP(C_SYS_NICE) },
	{ "move_pages", ALWAYS },
	{ "migrate_pages", ALWAYS },
	/* Obsolete, never needed in a container. */
	{ "nfsservctl", ALWAYS },
	{ "uselib", ALWAYS },
	{ "ustat", ALWAYS },
	{ "sysfs", ALWAYS },
	{ "_sysctl", ALWAYS },
	{ "vm86", ALWAYS },
	{ "vm86old", ALWAYS },
	{ "afs_syscall", ALWAYS },
};

/* New namespaces, from clone and unshare (CLONE_NEWTIME, 0x80, is a
 * signal number in clone's flags: unshare only). */
static const uint64_t ns_flags[] = {
	CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID,   CLONE_NEWNET, 0x80 /* CLONE_NEWTIME */,
};

/* Add "refuse name with err when cmp holds" (cmp NULL: always); a name this
 * libseccomp or no ABI of ours knows is skipped. */
static int deny(scmp_filter_ctx ctx, const char *name, int err, const struct scmp_arg_cmp *cmp,
		struct brig_err *e)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = cmp ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 1, *cmp)
		: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
	if (r < 0)
		return brig_errf(e, -r, "seccomp: rule for %s: %s", name, strerror(-r));
	return 0;
}

/* clone and unshare with any namespace flag; clone3 (whose flags sit in
 * memory, out of a filter's reach) fails ENOSYS, so libc falls back to
 * clone, whose flags it can see. */
static int deny_namespaces(scmp_filter_ctx ctx, struct brig_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]);
		if ((ns_flags[i] != 0x80 && deny(ctx, "clone", EPERM, &c, e) < 0) ||
		    deny(ctx, "unshare", EPERM, &c, e) < 0)
			return -e->code;
	}
	return deny(ctx, "clone3", ENOSYS, NULL, e);
}

/* personality(2) only with Docker's safe values: 0 (Linux), 8
 * (PER_LINUX32), 0x20000 (UNAME26), 0x20008 (both) and 0xffffffff (a
 * query).  A rule compares an argument once, so "none of these" is written
 * as a union of refusals that each exclude them all:
 *   - above 0xffffffff;
 *   - bit p set and bit p+1 (mod 32) clear, for p not 3 or 17;
 *   - bits p-1 and p set and bit p+1 clear, for p = 3 and 17.
 * A value of 32 bits that is not all ones has a clear bit; one with a bit
 * set outside 0x20008 has, going up from that bit, a last set bit before a
 * clear one.  That bit is either not 3 or 17 (a rule of the second kind),
 * or 3 or 17 reached from below through p-1 (the third).  The allowed
 * values set only bits 3 and 17, never 2 or 16, so none matches. */
static int deny_personality(scmp_filter_ctx ctx, struct brig_err *e)
{
	struct scmp_arg_cmp big = SCMP_A0(SCMP_CMP_GT, 0xffffffffULL);

	if (deny(ctx, "personality", EPERM, &big, e) < 0)
		return -e->code;
	for (unsigned p = 0; p < 32; p++) {
		uint64_t bit = 1ULL << p, next = 1ULL << ((p + 1) % 32);
		uint64_t set = p == 3 || p == 17 ? bit | (bit >> 1) : bit;
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, set | next, set);
		if (deny(ctx, "personality", EPERM, &c, e) < 0)
			return -e->code;
	}
	return 0;
}

/* The 32-bit ABIs the native one runs: their syscalls need rules too, or
 * `int $0x80` would pass around the filter. */
static int add_arches(scmp_filter_ctx ctx, struct brig_err *e)
{
	static const struct {
		uint32_t native, extra;
	} compat[] = {
		{ SCMP_ARCH_X86_64, SCMP_ARCH_X86 },
		{ SCMP_ARCH_X86_64, SCMP_ARCH_X32 },
		{ SCMP_ARCH_AARCH64, SCMP_ARCH_ARM },
	};
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < ARRAY_SIZE(compat); i++) {
		int r;
		if (compat[i].native != native)
			continue;
		r = seccomp_arch_add(ctx, compat[i].extra);
		if (r < 0 && r != -EEXIST)
			return brig_errf(e, -r, "seccomp: add architecture: %s", strerror(-r));
	}
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, uint64_t caps, struct brig_err *e)
{
	struct scmp_arg_cmp vsock = SCMP_A0(SCMP_CMP_EQ, AF_VSOCK);

	if (add_arches(ctx, e) < 0)
		return -e->code;
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		if (!(caps & denied[i].lifted_by) && deny(ctx, denied[i].name, EPERM, NULL, e) < 0)
			return -e->code;
	if (!(caps & ADMIN) && deny_namespaces(ctx, e) < 0)
		return -e->code;
	/* host-to-guest sockets reach past the network namespace */
	if (deny_personality(ctx, e) < 0 || deny(ctx, "socket", EPERM, &vsock, e) < 0)
		return -e->code;
	return 0;
}

/* The compiled program, out of libseccomp through a memory file (2.5
 * exports to an fd only). */
static int export(scmp_filter_ctx ctx, struct sock_fprog *prog, struct brig_err *e)
{
	cleanup_close int fd = memfd_create("brig-seccomp", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return brig_errno(e, "seccomp: memfd_create");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return brig_errf(e, -r, "seccomp: export the filter: %s", strerror(-r));
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return brig_errf(e, EINVAL, "seccomp: the filter has %lld bytes", (long long)size);
	prog->filter = malloc((size_t)size);
	if (!prog->filter)
		return brig_errf(e, ENOMEM, "seccomp: out of memory");
	if (pread(fd, prog->filter, (size_t)size, 0) != size) {
		free(prog->filter);
		prog->filter = NULL;
		return brig_errno(e, "seccomp: read the filter");
	}
	prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	return 0;
}

/* Bump when the rules' code changes (the tables hash themselves). */
#define PROFILE_CODE_VERSION 1

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

/* What a compiled program depends on besides the capabilities: the
 * tables, the rules' code, libseccomp and the machine.  It names the
 * cached file, so a new brig or libseccomp never loads an old program. */
static uint64_t profile_key(void)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t arch = seccomp_arch_native(), code = PROFILE_CODE_VERSION;

	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		h = fnv(h, denied[i].name, strlen(denied[i].name) + 1);
		h = fnv(h, &denied[i].lifted_by, sizeof(denied[i].lifted_by));
	}
	h = fnv(h, ns_flags, sizeof(ns_flags));
	h = fnv(h, &code, sizeof(code));
	h = fnv(h, &arch, sizeof(arch));
	return v ? fnv(h, v, sizeof(*v)) : h;
}

/* The capabilities that change the profile: only they key the cache. */
static uint64_t relevant_caps(uint64_t caps)
{
	uint64_t mask = ADMIN;

	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		mask |= denied[i].lifted_by;
	return caps & mask;
}

static int compile(uint64_t caps, struct sock_fprog *prog, struct brig_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return brig_errf(e, ENOMEM, "seccomp: init");
	r = add_rules(ctx, caps, e) < 0 ? -e->code : export(ctx, prog, e);
	seccomp_release(ctx);
	return r;
}

/* A program cached by an earlier start; anything odd is a miss. */
static int load_cached(const char *path, struct sock_fprog *prog)
{
	struct brig_err ignore;
	char *data = NULL;
	size_t len = 0;

	if (read_file_max(path, O_NOFOLLOW, BPF_MAXINSNS * sizeof(struct sock_filter), &data, &len,
			  &ignore) < 0)
		return -1;
	if (len == 0 || len % sizeof(struct sock_filter)) {
		free(data);
		return -1;
	}
	prog->filter = (struct sock_filter *)(void *)data;
	prog->len = (unsigned short)(len / sizeof(struct sock_filter));
	return 0;
}

/* Compiling costs about a millisecond, reading the file a few
 * microseconds.  The cache is only a cache: failing to write it is
 * not an error. */
static int cached_or_compiled(uint64_t caps, const char *dir, struct sock_fprog *prog,
			      struct brig_err *e)
{
	char path[4096];
	struct brig_err ignore;

	if (!dir || snprintf(path, sizeof(path), "%s/%016llx-%016llx.bpf", dir,
			     (unsigned long long)profile_key(),
			     (unsigned long long)caps) >= (int)sizeof(path))
		return compile(caps, prog, e);
	if (load_cached(path, prog) == 0)
		return 0;
	if (compile(caps, prog, e) < 0)
		return -e->code;
	if (mkdir_p(dir, 0700, &ignore) == 0)
		write_atomic_mode(path, prog->filter, prog->len * sizeof(struct sock_filter), 0600,
				  &ignore);
	return 0;
}

static struct {
	bool built;
	uint64_t caps;
	struct sock_fprog prog;
} cache;

const struct sock_fprog *sysfilter_get(uint64_t caps, const char *cache_dir, struct brig_err *e)
{
	struct sock_fprog prog = { 0 };

	caps = relevant_caps(caps);
	if (cache.built && cache.caps == caps)
		return &cache.prog;
	if (cached_or_compiled(caps, cache_dir, &prog, e) < 0)
		return NULL;
	free(cache.prog.filter);
	cache.prog = prog;
	cache.caps = caps;
	cache.built = true;
	return &cache.prog;
}

int sysfilter_load(const struct sock_fprog *prog, struct brig_err *e)
{
	if (prog && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) < 0)
		return brig_errno(e, "load the seccomp filter");
	return 0;
}
