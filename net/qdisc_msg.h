/* qdisc_msg.h - internal to net/ (and its unit tests): the qdisc objects
 * of the kernel engine, built from struct netem_params and read back,
 * apart from the socket so tests can build a request, parse it back and
 * compare without sch_netem.  tests/lint-layers.py refuses it outside net/.
 *
 * The layout, as the netem wiki and tc-netem(8) give it:
 *
 *   root  1:   netem  delay/jitter/loss/corrupt/duplicate/reorder
 *   1:1   10:  tbf    rate (only when a rate is set)
 *
 * Rate goes through a tbf child rather than netem's own rate: libnl's
 * netem API has no TCA_NETEM_RATE, tbf is the kernel's long-standing
 * shaper (and exists where netem does not, so its half is tested for
 * real), and netem hands it each packet once its delay is served, so
 * the delay and the rate add up as on a slow, long link. */
#ifndef BRIG_NET_QDISC_MSG_H
#define BRIG_NET_QDISC_MSG_H

#include <stdint.h>

#include <linux/pkt_sched.h>
#include <netlink/route/qdisc.h>

#include "err.h"
#include "netem.h"

#define QDISC_NETEM_HANDLE TC_H_MAKE(1U << 16, 0) /* 1: */
#define QDISC_TBF_PARENT TC_H_MAKE(1U << 16, 1)	  /* 1:1, netem's one class */
#define QDISC_TBF_HANDLE TC_H_MAKE(10U << 16, 0)  /* 10: */

/* Packets netem holds (tc's default is 1000: at 50 ms of delay that is
 * only 240 Mbit/s of full-size frames). */
#define QDISC_NETEM_LIMIT 10000

/* Slowest rate the tbf accepts: its bucket's time must fit the kernel's
 * 32-bit tick count. */
#define QDISC_TBF_MIN_BPS 1000

/* Netem's qdisc for ifindex (root, handle 1:) with p's delay, jitter and
 * percentages (rate is the tbf's).  *out is the caller's
 * (rtnl_qdisc_put). */
int qdisc_netem_build(int ifindex, const struct netem_params *p, struct rtnl_qdisc **out,
		      struct brig_err *e);

/* A tbf for ifindex at parent/handle shaping to rate_bps (bits/s; at
 * least QDISC_TBF_MIN_BPS, at most 2^32-1 bytes/s: -ERANGE).  Its
 * bucket holds 10 ms of the rate (at least two full frames), its queue
 * 100 ms more. */
int qdisc_tbf_build(int ifindex, uint32_t parent, uint32_t handle, uint64_t rate_bps,
		    struct rtnl_qdisc **out, struct brig_err *e);

/* What a netem qdisc says (delay to the kernel's tick, percentages to
 * 1/2^32): every field of p but rate_bps. */
void qdisc_netem_read(struct rtnl_qdisc *q, struct netem_params *p);

/* A tbf's rate in bits/s (to the byte: its rate is in bytes/s). */
uint64_t qdisc_tbf_rate(struct rtnl_qdisc *q);

/* A qdisc's counters (what passed, what it dropped). */
void qdisc_counters(struct rtnl_qdisc *q, struct netem_counters *c);

/* ---- requests (c: net/nl.h's socket of the current netns) ---- */

struct nlctx;

/* ifindex of ifname; -ENODEV "no interface IFNAME" when absent. */
int qdisc_ifindex(struct nlctx *c, const char *ifname, struct brig_err *e);

/* The qdisc of ifindex at parent now (TC_H_ROOT, QDISC_TBF_PARENT,
 * TC_H_CLSACT...), from one dump: *out (the caller's) or NULL. */
int qdisc_at(struct nlctx *c, int ifindex, uint32_t parent, struct rtnl_qdisc **out,
	     struct brig_err *e);

/* Add q with flags (NLM_F_CREATE, | NLM_F_REPLACE or | NLM_F_EXCL). */
int qdisc_put(struct nlctx *c, const char *ifname, struct rtnl_qdisc *q, int flags,
	      struct brig_err *e);

/* Delete the qdisc at parent of ifindex (and what hangs below it); none
 * there is success. */
int qdisc_del(struct nlctx *c, const char *ifname, int ifindex, uint32_t parent,
	      struct brig_err *e);

static inline void rtnl_qdisc_putp(struct rtnl_qdisc **q)
{
	if (*q)
		rtnl_qdisc_put(*q);
}
#define cleanup_qdisc __attribute__((cleanup(rtnl_qdisc_putp)))

#endif
