/* nl.h - internal to net/: the rtnetlink socket shared by link.c, veth.c
 * and bridge.c.  Not part of brig's public API (link.h, bridge.h);
 * tests/lint-layers.py refuses it outside net/.
 *
 * A struct nlctx wraps a libnl socket with NETLINK_EXT_ACK enabled and an
 * error callback that keeps the kernel's errno and extended-ack text of the
 * last failed request, so nlctx_fail() can report "what: why: kernel says"
 * with a real errno instead of a libnl -NLE_* code. */
#ifndef BRIG_NET_NL_H
#define BRIG_NET_NL_H

#include <netinet/in.h>
#include <stdbool.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "err.h"

struct nlctx {
	struct nl_sock *sk;
	int kerr;       /* errno of the last kernel NLMSG_ERROR, 0 if none */
	char ext[256];  /* its NLMSGERR_ATTR_MSG text, "" if none */
};

/* Open and connect a NETLINK_ROUTE socket in the current netns. */
int nlctx_open(struct nlctx *c, struct brig_err *e);

/* The same in network namespace netns (an fd; -1: the current one): the
 * socket keeps that namespace (net/wire.c). */
int nlctx_open_in(struct nlctx *c, int netns, struct brig_err *e);

/* Free the socket; accepts a never-opened (zeroed) ctx. */
void nlctx_close(struct nlctx *c);
#define cleanup_nlctx __attribute__((cleanup(nlctx_close)))

/* Forget the previous kernel error; call before each request. */
void nlctx_reset(struct nlctx *c);

/* Translate libnl error nlerr (negative -NLE_*) for the request just made:
 * fills e with "<fmt...>: <nl_geterror text>[: <kernel ext ack>]" and the
 * kernel errno (or a mapped one); returns -errno. */
int nlctx_fail(struct nlctx *c, int nlerr, struct brig_err *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Look up a link by name: 1 and *out (caller puts it) when found, 0 when
 * absent, negative on error. */
int nl_link_get(struct nlctx *c, const char *name, struct rtnl_link **out, struct brig_err *e);

/* Look up a link by ifindex: 1 and *out when found, 0 when absent. */
int nl_link_get_index(struct nlctx *c, int ifindex, struct rtnl_link **out, struct brig_err *e);

/* Apply changes (flags, name, mtu, address...) to link orig. */
int nl_link_change(struct nlctx *c, struct rtnl_link *orig, struct rtnl_link *changes,
		   struct brig_err *e);

/* Delete link ifname; absent is success. */
int nl_link_del(struct nlctx *c, const char *ifname, struct brig_err *e);

/* Set IFF_UP on link orig. */
int nl_link_up(struct nlctx *c, struct rtnl_link *orig, struct brig_err *e);

/* Add IPv4 addr/prefix on ifindex; an address already there is success. */
/* Add local (an address with its prefix length, either family) to
 * ifindex with IFA_F_* flags; already there is success.  text names it in
 * the error. */
int nl_addr_add_local(struct nlctx *c, int ifindex, struct nl_addr *local, unsigned flags,
		      const char *text, struct brig_err *e);

int nl_addr_add(struct nlctx *c, int ifindex, uint32_t addr, int prefix, struct brig_err *e);

/* Add IPv6 addr/prefix on ifindex with IFA_F_NODAD (net/link6.c); an
 * address already there is success. */
int nl_addr_add6(struct nlctx *c, int ifindex, const struct in6_addr *a, int prefix,
		 struct brig_err *e);

/* accept_ra=0 and autoconf=0 on a bridge brig made (absent without IPv6). */
/* "default via gw dev ifindex" in the main table of dst's family (dst the
 * zero prefix, via the gateway; gw its text for the error). */
int nl_route_add_default(struct nlctx *c, int ifindex, struct nl_addr *dst, struct nl_addr *via,
			 const char *gw, struct brig_err *e);

int nl_ipv6_no_autoconf(const char *bridge, struct brig_err *e);

/* True when l's kind (IFLA_INFO_KIND) is "bridge". */
bool nl_link_is_bridge(struct rtnl_link *l);

static inline void rtnl_link_putp(struct rtnl_link **l)
{
	if (*l)
		rtnl_link_put(*l);
}
#define cleanup_link __attribute__((cleanup(rtnl_link_putp)))

#endif
