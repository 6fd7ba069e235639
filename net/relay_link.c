/* relay_link.c - splicing the user engine's relay into a veth pair and
 * taking it out again (relay.h).  Both run in the relay's network
 * namespace and are the same three steps in two orders:
 *
 *   record   B:y's configuration (MAC, MTU, bridge, alias, up, addresses
 *            but IPv6 link-local, the routes through it);
 *   replace  splice: y moves here as side_a and a new pair side_b <-> B:y
 *            is made; unsplice: side_b is deleted (B:y with it) and side_a
 *            moves back to B as y;
 *   apply    the recorded configuration, addresses and routes to B:y.
 *
 * Moving y out of B (or deleting it) takes its addresses and routes with
 * it, which is why they are recorded first and put back after. */
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "cleanup.h"
#include "link.h"
#include "nl.h"
#include "parse.h"
#include "relay.h"

#define CONF_MAX 64 /* addresses, and routes, carried over */

/* What B:y has that its replacement must have too. */
struct relay_ifconf {
	char name[NET_IFNAME_MAX];
	uint8_t mac[6];
	bool has_mac, up;
	unsigned mtu;
	char master[NET_IFNAME_MAX]; /* "" when none */
	char alias[256];
	struct rtnl_addr *addr[CONF_MAX];
	struct rtnl_route *route[CONF_MAX];
	unsigned naddr, nroute;
};

static void ifconf_free(struct relay_ifconf *f)
{
	for (unsigned i = 0; i < f->naddr; i++)
		rtnl_addr_put(f->addr[i]);
	for (unsigned i = 0; i < f->nroute; i++)
		rtnl_route_put(f->route[i]);
	f->naddr = f->nroute = 0;
}
#define cleanup_ifconf __attribute__((cleanup(ifconf_free)))

static void nl_cache_freep(struct nl_cache **c)
{
	if (*c)
		nl_cache_free(*c);
}
#define cleanup_cache __attribute__((cleanup(nl_cache_freep)))

/* ---- record ---- */

static int record_link(struct nlctx *c, struct rtnl_link *l, struct relay_ifconf *f,
		       struct brig_err *e)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);
	const char *alias = rtnl_link_get_ifalias(l), *kind = rtnl_link_get_type(l);
	int master = rtnl_link_get_master(l);

	if (!kind || strcmp(kind, "veth") != 0)
		return brig_errf(e, EINVAL, "%s is not a veth (%s)", f->name, kind ? kind : "?");
	if (mac && nl_addr_get_len(mac) == 6) {
		memcpy(f->mac, nl_addr_get_binary_addr(mac), 6);
		f->has_mac = true;
	}
	f->mtu = rtnl_link_get_mtu(l);
	f->up = rtnl_link_get_flags(l) & IFF_UP;
	snprintf(f->alias, sizeof(f->alias), "%s", alias ? alias : "");
	if (master > 0) {
		cleanup_link struct rtnl_link *br = NULL;
		int r = nl_link_get_index(c, master, &br, e);

		if (r <= 0)
			return r < 0 ? r : brig_errf(e, ENODEV, "%s: its bridge vanished", f->name);
		snprintf(f->master, sizeof(f->master), "%s", rtnl_link_get_name(br));
	}
	return 0;
}

/* Addresses of ifindex but IPv6 link-local (the kernel makes those). */
static int record_addrs(struct nlctx *c, int ifindex, struct relay_ifconf *f, struct brig_err *e)
{
	cleanup_cache struct nl_cache *cache = NULL;
	int err = rtnl_addr_alloc_cache(c->sk, &cache);

	if (err < 0)
		return nlctx_fail(c, err, e, "list addresses of %s", f->name);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) != ifindex ||
		    (rtnl_addr_get_family(a) == AF_INET6 && rtnl_addr_get_scope(a) == RT_SCOPE_LINK))
			continue;
		if (f->naddr == CONF_MAX)
			return brig_errf(e, E2BIG, "%s: more than %d addresses", f->name, CONF_MAX);
		nl_object_get(o);
		f->addr[f->naddr++] = a;
	}
	return 0;
}

/* A route through ifindex that the kernel would not make again by itself
 * (prefix and local routes, router advertisements): single nexthop only. */
static bool route_ours(struct rtnl_route *r, int ifindex)
{
	struct rtnl_nexthop *nh;

	if (rtnl_route_get_table(r) == RT_TABLE_LOCAL || rtnl_route_get_nnexthops(r) != 1)
		return false;
	if (rtnl_route_get_protocol(r) == RTPROT_KERNEL || rtnl_route_get_protocol(r) == RTPROT_RA)
		return false;
	nh = rtnl_route_nexthop_n(r, 0);
	return nh && rtnl_route_nh_get_ifindex(nh) == ifindex;
}

static int record_routes(struct nlctx *c, int ifindex, struct relay_ifconf *f, struct brig_err *e)
{
	cleanup_cache struct nl_cache *cache = NULL;
	int err = rtnl_route_alloc_cache(c->sk, AF_UNSPEC, 0, &cache);

	if (err < 0)
		return nlctx_fail(c, err, e, "list routes through %s", f->name);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		if (!route_ours((struct rtnl_route *)o, ifindex))
			continue;
		if (f->nroute == CONF_MAX)
			return brig_errf(e, E2BIG, "%s: more than %d routes", f->name, CONF_MAX);
		nl_object_get(o);
		f->route[f->nroute++] = (struct rtnl_route *)o;
	}
	return 0;
}

/* Everything of link name in the namespace of c. */
static int record(struct nlctx *c, const char *name, struct relay_ifconf *f, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	snprintf(f->name, sizeof(f->name), "%s", name);
	r = nl_link_get(c, name, &l, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "no interface %s", name);
	if (r < 0 || record_link(c, l, f, e) < 0 ||
	    record_addrs(c, rtnl_link_get_ifindex(l), f, e) < 0 ||
	    record_routes(c, rtnl_link_get_ifindex(l), f, e) < 0)
		return -e->code;
	return 0;
}

/* ---- apply ---- */

/* MAC, MTU, bridge, alias and up on link name of c's namespace. */
static int apply_link(struct nlctx *c, const struct relay_ifconf *f, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = NULL, *br = NULL;
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();
	struct nl_addr *mac = NULL;
	int r = nl_link_get(c, f->name, &l, e);

	if (r <= 0)
		return r < 0 ? r : brig_errf(e, ENODEV, "no interface %s", f->name);
	if (!ch)
		return brig_errf(e, ENOMEM, "configure %s: out of memory", f->name);
	if (f->master[0]) {
		r = nl_link_get(c, f->master, &br, e);
		if (r <= 0)
			return r < 0 ? r : brig_errf(e, ENODEV, "no bridge %s", f->master);
		rtnl_link_set_master(ch, rtnl_link_get_ifindex(br));
	}
	if (f->has_mac && (mac = nl_addr_build(AF_LLC, f->mac, 6))) {
		rtnl_link_set_addr(ch, mac);
		nl_addr_put(mac);
	}
	if (f->mtu)
		rtnl_link_set_mtu(ch, f->mtu);
	if (f->alias[0])
		rtnl_link_set_ifalias(ch, f->alias);
	rtnl_link_set_flags(ch, IFF_UP);
	return nl_link_change(c, l, ch, e);
}

/* One recorded address on ifindex: the address itself, not its lifetimes
 * or state (IPv6 ones skip duplicate detection: the node had them). */
static int apply_addr(struct nlctx *c, struct rtnl_addr *rec, int ifindex, struct brig_err *e)
{
	struct rtnl_addr *a = (struct rtnl_addr *)nl_object_clone((struct nl_object *)rec);
	char buf[64];
	int err;

	if (!a)
		return brig_errf(e, ENOMEM, "restore an address: out of memory");
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_label(a, "");
	rtnl_addr_unset_flags(a, IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED);
	if (rtnl_addr_get_family(a) == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	nlctx_reset(c);
	err = rtnl_addr_add(c->sk, a, 0);
	nl_addr2str(rtnl_addr_get_local(a), buf, sizeof(buf));
	rtnl_addr_put(a);
	if (err < 0 && c->kerr != EEXIST)
		return nlctx_fail(c, err, e, "restore address %s", buf);
	return 0;
}

static int route_add_on(struct nlctx *c, struct rtnl_route *rec, int ifindex)
{
	struct rtnl_route *r = (struct rtnl_route *)nl_object_clone((struct nl_object *)rec);
	int err;

	if (!r)
		return -NLE_NOMEM;
	rtnl_route_nh_set_ifindex(rtnl_route_nexthop_n(r, 0), ifindex);
	nlctx_reset(c);
	err = rtnl_route_add(c->sk, r, NLM_F_EXCL);
	rtnl_route_put(r);
	return err < 0 && c->kerr == EEXIST ? 0 : err;
}

/* The routes, in two passes: one may need another as its way to a gateway. */
static int apply_routes(struct nlctx *c, const struct relay_ifconf *f, int ifindex, struct brig_err *e)
{
	int err[CONF_MAX];
	char buf[64];

	for (unsigned i = 0; i < f->nroute; i++)
		err[i] = route_add_on(c, f->route[i], ifindex);
	for (unsigned i = 0; i < f->nroute; i++) {
		if (err[i] < 0)
			err[i] = route_add_on(c, f->route[i], ifindex);
		if (err[i] < 0) {
			nl_addr2str(rtnl_route_get_dst(f->route[i]), buf, sizeof(buf));
			return nlctx_fail(c, err[i], e, "restore route %s dev %s", buf, f->name);
		}
	}
	return 0;
}

/* All of f onto link f->name of namespace netns. */
static int apply(int netns, const struct relay_ifconf *f, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int ifindex;

	if (nlctx_open_in(&c, netns, e) < 0 || apply_link(&c, f, e) < 0 ||
	    nl_link_get(&c, f->name, &l, e) <= 0)
		return brig_err_ctx(e, "configure %s", f->name);
	ifindex = rtnl_link_get_ifindex(l);
	for (unsigned i = 0; i < f->naddr; i++)
		if (apply_addr(&c, f->addr[i], ifindex, e) < 0)
			return brig_err_ctx(e, "configure %s", f->name);
	if (apply_routes(&c, f, ifindex, e) < 0)
		return brig_err_ctx(e, "configure %s", f->name);
	return 0;
}

/* ---- replace ---- */

/* Move link name of c's namespace into namespace to_ns as newname. */
static int link_move(struct nlctx *c, const char *name, int to_ns, const char *newname,
		     struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = NULL;
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();
	int r = nl_link_get(c, name, &l, e);

	if (r <= 0)
		return r < 0 ? r : brig_errf(e, ENODEV, "no interface %s", name);
	if (!ch)
		return brig_errf(e, ENOMEM, "move %s: out of memory", name);
	rtnl_link_set_ns_fd(ch, to_ns);
	rtnl_link_set_name(ch, newname);
	if (nl_link_change(c, l, ch, e) < 0)
		return brig_err_ctx(e, "move %s to %s", name, newname);
	return 0;
}

/* Bring link name of this namespace up. */
static int up_here(const char *name, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return -e->code;
	r = nl_link_get(&c, name, &l, e);
	if (r <= 0)
		return r < 0 ? r : brig_errf(e, ENODEV, "no interface %s", name);
	return nl_link_up(&c, l, e);
}

/* The relay's sides must add nothing to the link: with IPv6 on, each
 * would send its own duplicate address detection, MLD reports and router
 * solicitations to A and B.  Off for every link made in or moved into this
 * namespace from now on (absent without IPv6: nothing to do). */
static int quiet_netns(struct brig_err *e)
{
	static const char *const paths[] = { "/proc/sys/net/ipv6/conf/default/disable_ipv6",
					     "/proc/sys/net/ipv6/conf/all/disable_ipv6" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		cleanup_close int fd = open(paths[i], O_WRONLY | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			return 0;
		if (fd < 0 || write(fd, "1\n", 2) != 2)
			return brig_errno(e, "relay namespace: write %s", paths[i]);
	}
	return 0;
}

static int self_netns(struct brig_err *e)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? brig_errno(e, "open this thread's network namespace") : fd;
}

/* side_a of this namespace back into ns_b as f->name, configured as f. */
static int put_back(int ns_b, const char *side_a, const struct relay_ifconf *f, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };

	if (nlctx_open(&c, e) < 0 || link_move(&c, side_a, ns_b, f->name, e) < 0)
		return -e->code;
	return apply(ns_b, f, e);
}

/* The new pair side_b (here) <-> f->name (in ns_b), then f onto it.
 * *made: the pair exists (to be deleted on failure). */
static int pair_in_place(int ns_b, const char *side_b, const struct relay_ifconf *f, bool *made,
			 struct brig_err *e)
{
	struct net_end here = { .netns = -1, .ifname = side_b };
	struct net_end there = { .netns = ns_b, .ifname = f->name };

	if (net_wire_create(&here, &there, (int)f->mtu, e) < 0)
		return -e->code;
	*made = true;
	return apply(ns_b, f, e);
}

int net_relay_splice(int ns_b, const char *if_b, const char *side_a, const char *side_b,
		     struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_ifconf struct relay_ifconf f = { 0 };
	cleanup_close int self = self_netns(e);
	struct brig_err ignored;
	bool made = false;

	if (self < 0 || quiet_netns(e) < 0 || nlctx_open_in(&c, ns_b, e) < 0 ||
	    record(&c, if_b, &f, e) < 0 ||
	    link_move(&c, if_b, self, side_a, e) < 0)
		return brig_err_ctx(e, "splice relay into %s", if_b);
	if (up_here(side_a, e) < 0 || pair_in_place(ns_b, side_b, &f, &made, e) < 0) {
		if (made)
			net_link_delete(side_b, &ignored); /* B's new end goes with it */
		put_back(ns_b, side_a, &f, &ignored);
		return brig_err_ctx(e, "splice relay into %s", if_b);
	}
	return 0;
}

int net_relay_unsplice(int ns_b, const char *if_b, const char *side_a, const char *side_b,
		       struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_ifconf struct relay_ifconf f = { 0 };

	if (nlctx_open_in(&c, ns_b, e) < 0 || record(&c, if_b, &f, e) < 0 ||
	    net_link_delete(side_b, e) < 0 || put_back(ns_b, side_a, &f, e) < 0)
		return brig_err_ctx(e, "take relay out of %s", if_b);
	return 0;
}
