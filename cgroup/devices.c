/* devices.c - which device nodes a container may open.
 *
 * A container root holds CAP_MKNOD (Docker's default set), so it can make a
 * node for any device, the host's disks included; what stops it from
 * opening one is the device policy of its cgroup: on v1 the devices
 * controller's lists, on v2 a BPF_PROG_TYPE_CGROUP_DEVICE program attached
 * to its directory.  The policy is Docker's (runc's AllowedDevices): deny
 * everything, then allow mknod of any node (so images that make their own
 * /dev entries still start) and read/write of the standard nodes of an
 * exact /dev only.  --privileged lifts it: every device.
 *
 * The program is written with raw instructions, as net/block.c writes its
 * classifier: libbpf would be a dependency for twenty instructions.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "driver.h"

#define ANY (-1)

/* Docker's default device rules: mknod of anything; null, zero, full,
 * random, urandom, tty, console, ptmx, and the container's own ptys. */
const struct cg_dev_rule cg_dev_default[] = {
    {'c', ANY, ANY, "m"}, {'b', ANY, ANY, "m"}, {'c', 1, 3, "rwm"},	{'c', 1, 5, "rwm"},
    {'c', 1, 7, "rwm"},	  {'c', 1, 8, "rwm"},	{'c', 1, 9, "rwm"},	{'c', 5, 0, "rwm"},
    {'c', 5, 1, "rwm"},	  {'c', 5, 2, "rwm"},	{'c', 136, ANY, "rwm"},
};
const size_t cg_dev_ndefault = ARRAY_SIZE(cg_dev_default);

int cg_dev_rule_text(const struct cg_dev_rule *r, char *buf, size_t len)
{
	char major[16] = "*", minor[16] = "*";
	int n;

	if (r->major != ANY)
		snprintf(major, sizeof(major), "%d", r->major);
	if (r->minor != ANY)
		snprintf(minor, sizeof(minor), "%d", r->minor);
	n = snprintf(buf, len, "%c %s:%s %s", r->type, major, minor, r->access);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : n;
}

/* ---- v1: the devices controller ---------------------------------------- */

/* "a" into devices.deny empties the allow list, then one rule per write
 * (the kernel parses one); with all, "a" into devices.allow instead, so a
 * directory left by an earlier run is reset either way. */
int cg_v1_devices(struct cg_dir *d, bool all, struct brig_err *e)
{
	char rule[64];
	int r;

	if (all)
		return cg_write(d, d->path, "devices.allow", "a", e);
	r = cg_write(d, d->path, "devices.deny", "a", e);
	for (size_t i = 0; r >= 0 && i < cg_dev_ndefault; i++) {
		if (cg_dev_rule_text(&cg_dev_default[i], rule, sizeof(rule)) < 0)
			return brig_errf(e, ENAMETOOLONG, "device rule %zu: too long", i);
		r = cg_write(d, d->path, "devices.allow", rule, e);
	}
	return r;
}

/* ---- v2: a BPF device program ------------------------------------------ */

#define INSN(c, d, s, o, i)                                                                        \
	(struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

static unsigned access_bits(const char *access)
{
	unsigned bits = 0;

	for (const char *a = access; *a; a++)
		bits |= *a == 'm'   ? BPF_DEVCG_ACC_MKNOD
			: *a == 'r' ? BPF_DEVCG_ACC_READ
			: *a == 'w' ? BPF_DEVCG_ACC_WRITE
				    : 0;
	return bits;
}

#define ALL_ACCESS (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

/* The tests of one rule, each "if not this, jump to the next rule": the
 * jump offsets are filled in by the caller once the block's length is
 * known (off = 0 marks a jump to patch).  Registers as the prologue left
 * them: r2 type, r3 access, r4 major, r5 minor. */
static size_t rule_tests(const struct cg_dev_rule *r, struct bpf_insn *p)
{
	unsigned acc = access_bits(r->access);
	size_t n = 0;

	if (r->type != 'a')
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
			      r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (acc != ALL_ACCESS) {
		/* what is asked must be a subset of what the rule allows */
		p[n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		p[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int)acc);
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
	}
	if (r->major != ANY)
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, r->major);
	if (r->minor != ANY)
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, r->minor);
	return n;
}

/* The program: load type, access, major and minor from the context
 * (struct bpf_cgroup_dev_ctx: access << 16 | type, major, minor), then one
 * block per rule returning 1 (allow) when all of its tests pass; past the
 * last, 0 (deny). */
size_t cg_dev_prog(const struct cg_dev_rule *rules, size_t n, struct bpf_insn *out)
{
	size_t len = 0;

	out[len++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	out[len++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	out[len++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	out[len++] = INSN(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	out[len++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	out[len++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	for (size_t i = 0; i < n; i++) {
		struct bpf_insn *b = out + len;
		size_t t = rule_tests(&rules[i], b);

		b[t] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
		b[t + 1] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		/* every jump lands just past this block's "return 1" */
		for (size_t j = 0; j < t; j++)
			if (BPF_CLASS(b[j].code) == BPF_JMP)
				b[j].off = (short)(t + 1 - j);
		len += t + 2;
	}
	out[len++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	out[len++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return len;
}

static int prog_load(struct brig_err *e)
{
	struct bpf_insn insns[CG_DEV_PROG_LEN(ARRAY_SIZE(cg_dev_default))];
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = (uint32_t)cg_dev_prog(cg_dev_default, cg_dev_ndefault, insns);
	a.license = (uintptr_t) "GPL";
	snprintf(a.prog_name, sizeof(a.prog_name), "brig_devices");
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return brig_errno(e, "load the device filter (BPF)");
	return fd;
}

/* ALLOW_MULTI, as runc: the programs of every ancestor run too and all of
 * them must allow.  The cgroup keeps the program: its fd can go. */
int cg_v2_devices(struct cg_dir *d, bool all, struct brig_err *e)
{
	cleanup_close int prog = -1, dir = -1;
	union bpf_attr a;

	/* no program is every device; a test's fake tree is no cgroup */
	if (all || d->emulate)
		return 0;
	prog = prog_load(e);
	if (prog < 0)
		return prog;
	dir = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return brig_errno(e, "open %s", d->path);
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dir;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0)
		return brig_errno(e, "attach the device filter to %s", d->path);
	return 0;
}
