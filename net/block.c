/* block.c - a link blocked both ways by a two-instruction BPF program on
 * its clsact hooks (why not admin-down: block.h).  The program is loaded
 * with bpf(2) directly and the filter message built by hand: libnl has
 * no cls_bpf, and libbpf would be a dependency for two instructions. */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <netlink/route/classifier.h>

#include "block.h"
#include "cleanup.h"
#include "nl.h"
#include "qdisc_msg.h"

/* brig's filters: first in line (priority 1), all protocols, a handle
 * of their own so an unblock deletes them and nothing else. */
#define BLOCK_PRIO 1
#define BLOCK_HANDLE 0xb1e9
#define BLOCK_NAME "brig-down"

static const uint32_t hooks[] = {
	TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
	TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS),
};

static const char *hook_name(uint32_t parent)
{
	return parent == hooks[0] ? "ingress" : "egress";
}

/* r0 = TC_ACT_SHOT; exit: drop every frame.  Returns the program's fd
 * (close-on-exec, as every BPF fd is); the filters keep it loaded. */
static int prog_load(struct brig_err *e)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = TC_ACT_SHOT },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	a.license = (uint64_t)(uintptr_t)"GPL";
	memcpy(a.prog_name, "brig_down", sizeof("brig_down")); /* [A-Za-z0-9_.] only */
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return brig_errno(e, "load the blocking BPF program");
	return fd;
}

/* RTM_NEWTFILTER / RTM_DELTFILTER for brig's filter at parent; prog_fd
 * < 0: no options (a delete). */
static struct nl_msg *filter_msg(int type, int flags, int ifindex, uint32_t parent, int prog_fd)
{
	struct tcmsg t = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_handle = BLOCK_HANDLE,
		.tcm_parent = parent,
		.tcm_info = TC_H_MAKE((uint32_t)BLOCK_PRIO << 16, htons(ETH_P_ALL)),
	};
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);
	struct nlattr *opts;

	if (!m || nlmsg_append(m, &t, sizeof(t), NLMSG_ALIGNTO) < 0)
		goto nla_put_failure;
	NLA_PUT_STRING(m, TCA_KIND, "bpf");
	if (prog_fd >= 0) {
		opts = nla_nest_start(m, TCA_OPTIONS);
		if (!opts)
			goto nla_put_failure;
		NLA_PUT_U32(m, TCA_BPF_FD, (uint32_t)prog_fd);
		NLA_PUT_STRING(m, TCA_BPF_NAME, BLOCK_NAME);
		NLA_PUT_U32(m, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
		nla_nest_end(m, opts);
	}
	return m;
nla_put_failure: /* NLA_PUT_*'s label */
	nlmsg_free(m);
	return NULL;
}

/* Send m (freed here) and wait for the kernel's answer. */
static int send_msg(struct nlctx *c, struct nl_msg *m)
{
	if (!m)
		return -NLE_NOMEM;
	nlctx_reset(c);
	return nl_send_sync(c->sk, m);
}

/* The clsact qdisc, made unless there (a user's stays as it is). */
static int clsact_ensure(struct nlctx *c, const char *ifname, int ifindex, struct brig_err *e)
{
	cleanup_qdisc struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	int err;

	if (!q)
		return brig_errf(e, ENOMEM, "clsact qdisc: out of memory");
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_CLSACT);
	rtnl_tc_set_handle(TC_CAST(q), TC_H_MAKE(TC_H_CLSACT, 0));
	rtnl_tc_set_kind(TC_CAST(q), "clsact");
	nlctx_reset(c);
	err = rtnl_qdisc_add(c->sk, q, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0 && c->kerr != EEXIST)
		return nlctx_fail(c, err, e, "%s: add clsact qdisc", ifname);
	return 0;
}

/* The filters at parent: whether brig's is there, how many others. */
static int filters_at(struct nlctx *c, int ifindex, uint32_t parent, bool *ours, int *others,
		      struct brig_err *e)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int err;

	nlctx_reset(c);
	err = rtnl_cls_alloc_cache(c->sk, ifindex, parent, &cache);
	if (err < 0)
		return nlctx_fail(c, err, e, "list %s filters", hook_name(parent));
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_cls *f = (struct rtnl_cls *)o;
		const char *kind = rtnl_tc_get_kind(TC_CAST(f));

		/* the dump gives each priority's head (handle 0), then its
		 * filters */
		if (rtnl_tc_get_handle(TC_CAST(f)) == 0)
			continue;
		if (kind && strcmp(kind, "bpf") == 0 && rtnl_cls_get_prio(f) == BLOCK_PRIO &&
		    rtnl_tc_get_handle(TC_CAST(f)) == BLOCK_HANDLE &&
		    rtnl_cls_get_protocol(f) == ETH_P_ALL)
			*ours = true;
		else
			(*others)++;
	}
	nl_cache_free(cache);
	return 0;
}

static int block_on(struct nlctx *c, const char *ifname, int ifindex, struct brig_err *e)
{
	cleanup_close int fd = -1;
	int r = clsact_ensure(c, ifname, ifindex, e);

	if (r == 0)
		r = fd = prog_load(e);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(hooks); i++) {
		/* NLM_F_CREATE without EXCL: brig's filter already there is
		 * given the new program, so a second block is a no-op */
		r = send_msg(c, filter_msg(RTM_NEWTFILTER, NLM_F_CREATE, ifindex, hooks[i], fd));
		if (r < 0)
			return nlctx_fail(c, r, e, "%s: add the blocking %s filter", ifname,
					  hook_name(hooks[i]));
	}
	return r < 0 ? r : 0;
}

static int block_off(struct nlctx *c, const char *ifname, int ifindex, struct brig_err *e)
{
	cleanup_qdisc struct rtnl_qdisc *q = NULL;
	int others = 0, r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(hooks); i++) {
		bool ours = false;

		r = filters_at(c, ifindex, hooks[i], &ours, &others, e);
		if (r == 0 && ours) {
			r = send_msg(c, filter_msg(RTM_DELTFILTER, 0, ifindex, hooks[i], -1));
			if (r < 0 && c->kerr != ENOENT)
				return nlctx_fail(c, r, e, "%s: delete the blocking %s filter",
						  ifname, hook_name(hooks[i]));
			r = 0;
		}
	}
	if (r == 0)
		r = qdisc_at(c, ifindex, TC_H_CLSACT, &q, e);
	if (r < 0 || others || !q || strcmp(rtnl_tc_get_kind(TC_CAST(q)), "clsact") != 0)
		return r;
	return qdisc_del(c, ifname, ifindex, TC_H_CLSACT, e);
}

/* A socket in this namespace, and ifname's index (or negative, e filled). */
static int open_link(struct nlctx *c, const char *ifname, struct brig_err *e)
{
	int r = nlctx_open(c, e);

	return r < 0 ? r : qdisc_ifindex(c, ifname, e);
}

int net_link_block(const char *ifname, bool block, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	struct brig_err ignored;
	int r, ifindex = open_link(&c, ifname, e);

	if (ifindex < 0)
		return ifindex;
	if (!block)
		return block_off(&c, ifname, ifindex, e);
	r = block_on(&c, ifname, ifindex, e);
	if (r < 0)
		(void)block_off(&c, ifname, ifindex, &ignored); /* not half blocked */
	return r;
}

int net_link_blocked(const char *ifname, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	bool ours = false;
	int others = 0, r = 0, ifindex = open_link(&c, ifname, e);

	if (ifindex < 0)
		return ifindex;
	for (size_t i = 0; r == 0 && !ours && i < ARRAY_SIZE(hooks); i++)
		r = filters_at(&c, ifindex, hooks[i], &ours, &others, e);
	return r < 0 ? r : ours;
}

int net_link_block_dropped(const char *ifname, uint64_t *dropped, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_qdisc struct rtnl_qdisc *q = NULL;
	int r, ifindex;

	*dropped = 0;
	ifindex = open_link(&c, ifname, e);
	if (ifindex < 0)
		return ifindex;
	r = qdisc_at(&c, ifindex, TC_H_CLSACT, &q, e);
	/* the kernel counts a TC_ACT_SHOT on either hook as the clsact
	 * qdisc's drop */
	if (r == 0 && q)
		*dropped = rtnl_tc_get_stat(TC_CAST(q), RTNL_TC_DROPS);
	return r;
}
