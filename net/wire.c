/* wire.c - a lab's links: veth pairs whose two ends are made directly in
 * their network namespaces (a node's, the host's), so neither end ever
 * shows anywhere else and a pair between two nodes dies with either node;
 * dummy interfaces; and the lab bridges (kind: bridge) with the mark that
 * lets `lab down` remove exactly what its lab created. */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "cleanup.h"
#include "link.h"
#include "nl.h"
#include "parse.h"

/* A netlink socket keeps the namespace it was made in: enter netns only
 * for socket(), then come back.  Only this thread moves. */
int nlctx_open_in(struct nlctx *c, int netns, struct brig_err *e)
{
	cleanup_close int self = -1;
	int r;

	if (netns < 0)
		return nlctx_open(c, e);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return brig_errno(e, "open this thread's network namespace");
	if (setns(netns, CLONE_NEWNET) < 0)
		return brig_errno(e, "enter a node's network namespace");
	r = nlctx_open(c, e);
	if (setns(self, CLONE_NEWNET) < 0) {
		nlctx_close(c);
		return brig_errno(e, "return to this thread's network namespace");
	}
	return r;
}

/* Name, MAC and namespace of one end in its part of the request. */
static int end_set(struct rtnl_link *l, const struct net_end *end, int mtu)
{
	rtnl_link_set_name(l, end->ifname);
	if (end->netns >= 0)
		rtnl_link_set_ns_fd(l, end->netns);
	if (mtu > 0)
		rtnl_link_set_mtu(l, (unsigned)mtu);
	if (end->has_mac) {
		struct nl_addr *mac = nl_addr_build(AF_LLC, end->mac, 6);
		if (!mac)
			return -ENOMEM;
		rtnl_link_set_addr(l, mac);
		nl_addr_put(mac);
	}
	return 0;
}

/* The pair a/b, each end created in its own namespace: one request. */
static int pair_add(struct nlctx *c, const struct net_end *a, const struct net_end *b, int mtu,
		    struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = rtnl_link_veth_alloc();
	cleanup_link struct rtnl_link *peer = NULL;
	int err;

	if (!l)
		return brig_errf(e, ENOMEM, "create veth %s: out of memory", a->ifname);
	peer = rtnl_link_veth_get_peer(l); /* takes a reference */
	if (end_set(l, a, mtu) < 0 || end_set(peer, b, mtu) < 0)
		return brig_errf(e, ENOMEM, "create veth %s: out of memory", a->ifname);
	nlctx_reset(c);
	err = rtnl_link_add(c->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		return nlctx_fail(c, err, e, "create veth %s/%s", a->ifname, b->ifname);
	return 0;
}

/* Master (a bridge of the end's namespace), mark and up, in one change. */
static int end_link_change(struct nlctx *c, struct rtnl_link *l, const struct net_end *end,
			   struct brig_err *e)
{
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();
	cleanup_link struct rtnl_link *br = NULL;
	int r;

	if (!ch)
		return brig_errf(e, ENOMEM, "configure %s: out of memory", end->ifname);
	if (end->master) {
		r = nl_link_get(c, end->master, &br, e);
		if (r == 0 || (r > 0 && !nl_link_is_bridge(br)))
			return brig_errf(e, ENODEV, "attach %s: no bridge %s", end->ifname,
					 end->master);
		if (r < 0)
			return r;
		rtnl_link_set_master(ch, rtnl_link_get_ifindex(br));
	}
	if (end->mark)
		rtnl_link_set_ifalias(ch, end->mark);
	rtnl_link_set_flags(ch, IFF_UP);
	return nl_link_change(c, l, ch, e);
}

/* Inside the end's namespace: attach, mark, up, addresses (v6 without
 * DAD, as a container's: the lab's file made it unique on its link). */
static int end_configure(const struct net_end *end, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open_in(&c, end->netns, e) < 0)
		return brig_err_ctx(e, "configure %s", end->ifname);
	r = nl_link_get(&c, end->ifname, &l, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "configure %s: it vanished", end->ifname);
	if (r < 0 || end_link_change(&c, l, end, e) < 0)
		return brig_err_ctx(e, "configure %s", end->ifname);
	if (end->addr && nl_addr_add(&c, rtnl_link_get_ifindex(l), end->addr, end->prefix, e) < 0)
		return brig_err_ctx(e, "configure %s", end->ifname);
	if (end->has_addr6 &&
	    nl_addr_add6(&c, rtnl_link_get_ifindex(l), &end->addr6, end->prefix6, e) < 0)
		return brig_err_ctx(e, "configure %s", end->ifname);
	return 0;
}

/* Delete link ifname of namespace netns; absent is success. */
static int delete_in(int netns, const char *ifname, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };

	if (nlctx_open_in(&c, netns, e) < 0)
		return brig_err_ctx(e, "delete %s", ifname);
	return nl_link_del(&c, ifname, e);
}

int net_wire_create(const struct net_end *a, const struct net_end *b, int mtu,
		    struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	struct brig_err ignored;

	if (!net_ifname_valid(a->ifname) || !net_ifname_valid(b->ifname))
		return brig_errf(e, EINVAL, "create veth: invalid interface name '%s'/'%s'",
				 a->ifname, b->ifname);
	if (nlctx_open(&c, e) < 0 || pair_add(&c, a, b, mtu, e) < 0)
		return -e->code;
	if (end_configure(a, e) < 0 || end_configure(b, e) < 0) {
		delete_in(a->netns, a->ifname, &ignored); /* takes its peer along */
		return -e->code;
	}
	return 0;
}

int net_dummy_create(const struct net_end *end, int mtu, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = rtnl_link_alloc();
	struct brig_err ignored;
	int err;

	if (!net_ifname_valid(end->ifname))
		return brig_errf(e, EINVAL, "create dummy: invalid interface name '%s'", end->ifname);
	if (!l || rtnl_link_set_type(l, "dummy") < 0 || end_set(l, end, mtu) < 0)
		return brig_errf(e, ENOMEM, "create dummy %s: out of memory", end->ifname);
	if (nlctx_open(&c, e) < 0)
		return -e->code;
	nlctx_reset(&c);
	err = rtnl_link_add(c.sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		return nlctx_fail(&c, err, e, "create dummy %s", end->ifname);
	if (end_configure(end, e) < 0) {
		delete_in(end->netns, end->ifname, &ignored);
		return -e->code;
	}
	return 0;
}

/* ---- marked links on the host: a lab's bridges and host-side ends ---- */

/* Ours: carries mark; or an unmarked veth or bridge, which is what ours
 * is between its creation and its marking (the caller recorded the name
 * only after it saw the name free). */
static bool marked(struct rtnl_link *l, const char *mark)
{
	const char *alias = rtnl_link_get_ifalias(l), *kind = rtnl_link_get_type(l);

	if (alias && *alias)
		return strcmp(alias, mark) == 0;
	return kind && (strcmp(kind, "veth") == 0 || strcmp(kind, "bridge") == 0);
}

int net_link_delete_marked(const char *ifname, const char *mark, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "delete %s", ifname);
	r = nl_link_get(&c, ifname, &l, e);
	if (r <= 0)
		return r;
	return marked(l, mark) ? net_link_delete(ifname, e) : 0;
}

/* A new bridge, down, no address. */
static int lab_bridge_add(struct nlctx *c, const char *name, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = rtnl_link_bridge_alloc();
	int err;

	if (!l)
		return brig_errf(e, ENOMEM, "create bridge %s: out of memory", name);
	rtnl_link_set_name(l, name);
	nlctx_reset(c);
	err = rtnl_link_add(c->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		return nlctx_fail(c, err, e, "create bridge %s", name);
	return 0;
}

int net_bridge_add_marked(const char *name, const char *mark, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	struct net_end end = { .netns = -1, .ifname = name, .mark = mark };
	struct brig_err ignored;
	int r;

	if (!net_ifname_valid(name))
		return brig_errf(e, EINVAL, "bridge '%s': not a valid interface name", name);
	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "bridge %s", name);
	r = nl_link_get(&c, name, &l, e);
	if (r < 0)
		return r;
	if (r > 0)
		return nl_link_is_bridge(l) ? 0
					    : brig_errf(e, EEXIST, "link %s exists and is not a bridge",
							name);
	if (lab_bridge_add(&c, name, e) < 0)
		return -e->code;
	/* a node's router advertisement must not configure the host */
	if (end_configure(&end, e) < 0 || nl_ipv6_no_autoconf(name, e) < 0) {
		net_link_delete(name, &ignored);
		return -e->code;
	}
	return 1;
}

int net_link_probe(const char *ifname, bool *is_bridge, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "look up %s", ifname);
	r = nl_link_get(&c, ifname, &l, e);
	if (r > 0 && is_bridge)
		*is_bridge = nl_link_is_bridge(l);
	return r;
}
