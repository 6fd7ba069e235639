/* qdisc.c - the kernel engine of impairments: netem as the interface's
 * root qdisc and a tbf below it for rate (the layout and the reason are
 * in qdisc_msg.h), through libnl's qdisc API; whether this kernel has
 * netem at all, probed once in a throwaway network namespace. */
#include <net/if.h>
#include <sched.h>
#include <string.h>

#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "nl.h"
#include "proc.h"
#include "qdisc_msg.h"

/* ---- building and reading the objects ---- */

/* netem keeps a probability as a fraction of 2^32-1 */
static int prob32(double pct)
{
	if (pct >= 100)
		return (int)UINT32_MAX;
	return pct > 0 ? (int)(uint32_t)(pct / 100 * UINT32_MAX + 0.5) : 0;
}

/* (libnl hands the u32 over as an int: above 50% it is negative) */
static double pct_of(int prob)
{
	return (uint32_t)prob * 100.0 / UINT32_MAX;
}

static int qdisc_new(int ifindex, uint32_t parent, uint32_t handle, const char *kind,
		     struct rtnl_qdisc **out, struct brig_err *e)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	int err;

	if (!q)
		return brig_errf(e, ENOMEM, "%s qdisc: out of memory", kind);
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	rtnl_tc_set_handle(TC_CAST(q), handle);
	err = rtnl_tc_set_kind(TC_CAST(q), kind);
	if (err < 0) {
		rtnl_qdisc_put(q);
		return brig_errf(e, EOPNOTSUPP, "%s qdisc: %s", kind, nl_geterror(err));
	}
	*out = q;
	return 0;
}

int qdisc_netem_build(int ifindex, const struct netem_params *p, struct rtnl_qdisc **out,
		      struct brig_err *e)
{
	struct rtnl_qdisc *q;
	int r = qdisc_new(ifindex, TC_H_ROOT, QDISC_NETEM_HANDLE, "netem", &q, e);

	if (r < 0)
		return r;
	rtnl_netem_set_limit(q, QDISC_NETEM_LIMIT);
	/* libnl takes microseconds as int; netem_check bounds them to 60 s */
	if (p->delay_us)
		rtnl_netem_set_delay(q, (int)p->delay_us);
	if (p->jitter_us)
		rtnl_netem_set_jitter(q, (int)p->jitter_us);
	if (p->loss > 0)
		rtnl_netem_set_loss(q, prob32(p->loss));
	if (p->corrupt > 0)
		rtnl_netem_set_corruption_probability(q, prob32(p->corrupt));
	if (p->duplicate > 0)
		rtnl_netem_set_duplicate(q, prob32(p->duplicate));
	/* tc's semantics: with a gap of 1 (libnl's default, as tc's), each
	 * packet goes at once with this probability, ahead of the delayed */
	if (p->reorder > 0)
		rtnl_netem_set_reorder_probability(q, prob32(p->reorder));
	*out = q;
	return 0;
}

int qdisc_tbf_build(int ifindex, uint32_t parent, uint32_t handle, uint64_t rate_bps,
		    struct rtnl_qdisc **out, struct brig_err *e)
{
	uint64_t bytes = (rate_bps + 7) / 8, bucket;
	struct rtnl_qdisc *q;
	int r;

	if (rate_bps < QDISC_TBF_MIN_BPS)
		return brig_errf(e, ERANGE, "rate below 1kbit: the kernel's tbf cannot shape it");
	if (bytes > UINT32_MAX)
		return brig_errf(e, ERANGE, "rate above 34gbit: the kernel's tbf cannot shape it");
	r = qdisc_new(ifindex, parent, handle, "tbf", &q, e);
	if (r < 0)
		return r;
	bucket = bytes / 100 > 3200 ? bytes / 100 : 3200;
	rtnl_qdisc_tbf_set_rate(q, (int)(uint32_t)bytes, (int)bucket, 0);
	r = rtnl_qdisc_tbf_set_limit_by_latency(q, 100000);
	if (r < 0) {
		rtnl_qdisc_put(q);
		return brig_errf(e, EINVAL, "tbf qdisc: %s", nl_geterror(r));
	}
	*out = q;
	return 0;
}

void qdisc_netem_read(struct rtnl_qdisc *q, struct netem_params *p)
{
	int v;

	memset(p, 0, sizeof(*p));
	if ((v = rtnl_netem_get_delay(q)) > 0)
		p->delay_us = (uint64_t)v;
	if ((v = rtnl_netem_get_jitter(q)) > 0)
		p->jitter_us = (uint64_t)v;
	/* a getter answers -NLE_NOATTR for what was never set */
	if ((v = rtnl_netem_get_loss(q)) != -NLE_NOATTR)
		p->loss = pct_of(v);
	if ((v = rtnl_netem_get_corruption_probability(q)) != -NLE_NOATTR)
		p->corrupt = pct_of(v);
	if ((v = rtnl_netem_get_duplicate(q)) != -NLE_NOATTR)
		p->duplicate = pct_of(v);
	if ((v = rtnl_netem_get_reorder_probability(q)) != -NLE_NOATTR)
		p->reorder = pct_of(v);
}

uint64_t qdisc_tbf_rate(struct rtnl_qdisc *q)
{
	int v = rtnl_qdisc_tbf_get_rate(q);

	return v == -1 ? 0 : (uint64_t)(uint32_t)v * 8;
}

void qdisc_counters(struct rtnl_qdisc *q, struct netem_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->packets = rtnl_tc_get_stat(TC_CAST(q), RTNL_TC_PACKETS);
	c->bytes = rtnl_tc_get_stat(TC_CAST(q), RTNL_TC_BYTES);
	/* netem counts its losses, and what its tbf child refused, as its
	 * own drops; it keeps no count of duplicates, corruptions or
	 * reorderings (they stay 0 here) */
	c->dropped = rtnl_tc_get_stat(TC_CAST(q), RTNL_TC_DROPS);
}

/* ---- requests ---- */

static bool is_kind(struct rtnl_qdisc *q, const char *kind)
{
	const char *k = q ? rtnl_tc_get_kind(TC_CAST(q)) : NULL;

	return k && strcmp(k, kind) == 0;
}

int qdisc_ifindex(struct nlctx *c, const char *ifname, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = NULL;
	int r = nl_link_get(c, ifname, &l, e);

	if (r == 0)
		return brig_errf(e, ENODEV, "no interface %s", ifname);
	return r < 0 ? r : rtnl_link_get_ifindex(l);
}

int qdisc_at(struct nlctx *c, int ifindex, uint32_t parent, struct rtnl_qdisc **out,
		    struct brig_err *e)
{
	struct nl_cache *cache = NULL;
	int err;

	*out = NULL;
	nlctx_reset(c);
	err = rtnl_qdisc_alloc_cache(c->sk, &cache);
	if (err < 0)
		return nlctx_fail(c, err, e, "list qdiscs");
	*out = rtnl_qdisc_get_by_parent(cache, ifindex, parent);
	nl_cache_free(cache);
	return 0;
}

int qdisc_put(struct nlctx *c, const char *ifname, struct rtnl_qdisc *q, int flags,
	      struct brig_err *e)
{
	int err;

	nlctx_reset(c);
	err = rtnl_qdisc_add(c->sk, q, flags);
	if (err < 0)
		return nlctx_fail(c, err, e, "%s: add %s qdisc", ifname,
				  rtnl_tc_get_kind(TC_CAST(q)));
	return 0;
}

int qdisc_del(struct nlctx *c, const char *ifname, int ifindex, uint32_t parent,
	      struct brig_err *e)
{
	cleanup_qdisc struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	int err;

	if (!q)
		return brig_errf(e, ENOMEM, "qdisc: out of memory");
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	nlctx_reset(c);
	err = rtnl_qdisc_delete(c->sk, q);
	/* ENOENT: no such qdisc (or the default one, handle 0) */
	if (err < 0 && c->kerr != ENOENT && err != -NLE_OBJ_NOTFOUND)
		return nlctx_fail(c, err, e, "%s: delete qdisc", ifname);
	return 0;
}

/* Build both objects first, so a value the kernel engine cannot take
 * fails before anything changes. */
static int build_all(int ifindex, const struct netem_params *p, struct rtnl_qdisc **netem,
		     struct rtnl_qdisc **tbf, struct brig_err *e)
{
	int r = qdisc_netem_build(ifindex, p, netem, e);

	if (r < 0 || !p->rate_bps)
		return r;
	return qdisc_tbf_build(ifindex, QDISC_TBF_PARENT, QDISC_TBF_HANDLE, p->rate_bps, tbf, e);
}

static int apply(struct nlctx *c, const char *ifname, int ifindex, const struct netem_params *p,
		 struct brig_err *e)
{
	cleanup_qdisc struct rtnl_qdisc *root = NULL, *netem = NULL, *tbf = NULL;
	int r = build_all(ifindex, p, &netem, &tbf, e);

	if (r == 0)
		r = qdisc_at(c, ifindex, TC_H_ROOT, &root, e);
	if (r < 0)
		return r;
	if (netem_params_empty(p))
		return is_kind(root, "netem") ? qdisc_del(c, ifname, ifindex, TC_H_ROOT, e) : 0;
	/* the kernel replaces a root of another kind, but not one holding
	 * netem's handle (1:): that one goes first */
	if (root && !is_kind(root, "netem") &&
	    rtnl_tc_get_handle(TC_CAST(root)) == QDISC_NETEM_HANDLE)
		r = qdisc_del(c, ifname, ifindex, TC_H_ROOT, e);
	/* NLM_F_REPLACE: a netem already there is changed in place (keeping
	 * its tbf child), a root of another kind is replaced */
	if (r == 0)
		r = qdisc_put(c, ifname, netem, NLM_F_CREATE | NLM_F_REPLACE, e);
	if (r == 0 && tbf)
		r = qdisc_put(c, ifname, tbf, NLM_F_CREATE | NLM_F_REPLACE, e);
	else if (r == 0)
		r = qdisc_del(c, ifname, ifindex, QDISC_TBF_PARENT, e);
	return r;
}

int netem_kernel_set(const char *ifname, const struct netem_params *p, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	int ifindex, r;

	r = netem_check(p, e);
	if (r == 0)
		r = nlctx_open(&c, e);
	if (r < 0)
		return r;
	ifindex = qdisc_ifindex(&c, ifname, e);
	if (ifindex < 0)
		return ifindex;
	return apply(&c, ifname, ifindex, p, e);
}

int netem_kernel_get(const char *ifname, struct netem_params *p, struct netem_counters *c,
		     struct brig_err *e)
{
	cleanup_nlctx struct nlctx nc = { 0 };
	cleanup_qdisc struct rtnl_qdisc *root = NULL, *child = NULL;
	int ifindex, r = nlctx_open(&nc, e);

	if (r < 0)
		return r;
	ifindex = qdisc_ifindex(&nc, ifname, e);
	if (ifindex < 0)
		return ifindex;
	r = qdisc_at(&nc, ifindex, TC_H_ROOT, &root, e);
	if (r < 0)
		return r;
	if (!is_kind(root, "netem"))
		return 0;
	qdisc_netem_read(root, p);
	qdisc_counters(root, c);
	r = qdisc_at(&nc, ifindex, QDISC_TBF_PARENT, &child, e);
	if (r == 0 && is_kind(child, "tbf"))
		p->rate_bps = qdisc_tbf_rate(child);
	return r < 0 ? r : 1;
}

/* ---- is there a netem? ---- */

/* In the probe's child: a fresh network namespace (so nothing of the
 * caller's changes and everything vanishes with the child), a netem on
 * its lo. */
static int probe(void *arg, struct brig_err *e)
{
	struct netem_params p = { .delay_us = 1000 };
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_qdisc struct rtnl_qdisc *q = NULL;
	int r;

	(void)arg;
	if (unshare(CLONE_NEWNET) < 0)
		return brig_errno(e, "unshare(CLONE_NEWNET)");
	r = nlctx_open(&c, e);
	if (r == 0)
		r = qdisc_netem_build((int)if_nametoindex("lo"), &p, &q, e);
	if (r == 0)
		r = qdisc_put(&c, "lo", q, NLM_F_CREATE, e);
	return r;
}

bool netem_kernel_available(void)
{
	static int known = -1;
	struct brig_err e;

	if (known < 0)
		known = proc_run_child(probe, NULL, &e) == 0;
	return known;
}
