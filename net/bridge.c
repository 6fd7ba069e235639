/* bridge.c - the host side of a brig network: the bridge device with the
 * gateway address, IPv4 forwarding, and the check that a new subnet does not
 * shadow a route the host already has. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link/bridge.h>
#include <netlink/route/route.h>

#include "cleanup.h"
#include "bridge.h"
#include "link.h"
#include "parse.h"
#include "nl.h"

/* Bridges brig creates carry this ifalias, so a bridge somebody else made
 * with the same name is never adopted (and never deleted) by brig. */
#define BRIG_ALIAS "brig"
#define DEFAULT_MTU 1500

static void cachep(struct nl_cache **c)
{
	if (*c)
		nl_cache_free(*c);
}
#define cleanup_cache __attribute__((cleanup(cachep)))

/* Dump the routes of one family of this netns (one request). */
static int routes_dump_family(struct nlctx *c, int family, struct nl_cache **out,
			      struct brig_err *e)
{
	int err;

	nlctx_reset(c);
	err = rtnl_route_alloc_cache(c->sk, family, 0, out);
	if (err < 0)
		return nlctx_fail(c, err, e, "list IPv%d routes", family == AF_INET6 ? 6 : 4);
	return 0;
}

static int routes_dump(struct nlctx *c, struct nl_cache **out, struct brig_err *e)
{
	return routes_dump_family(c, AF_INET, out, e);
}

/* Destination of a main-table unicast route as addr/prefix; false for
 * routes that are not such (local, broadcast, other tables). */
static bool route_dst(struct rtnl_route *r, uint32_t *addr, int *prefix)
{
	struct nl_addr *dst = rtnl_route_get_dst(r);
	uint32_t be = 0;

	if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST)
		return false;
	*prefix = dst ? (int)nl_addr_get_prefixlen(dst) : 0;
	if (dst && nl_addr_get_len(dst) == sizeof(be))
		memcpy(&be, nl_addr_get_binary_addr(dst), sizeof(be));
	*addr = ntohl(be);
	return *prefix >= 0 && *prefix <= 32;
}

static int route_oif(struct rtnl_route *r)
{
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);

	return nh ? rtnl_route_nh_get_ifindex(nh) : 0;
}

/* MTU of the link carrying the default route; DEFAULT_MTU if none. */
static int default_mtu(struct nlctx *c, struct brig_err *e)
{
	cleanup_cache struct nl_cache *routes = NULL;
	cleanup_link struct rtnl_link *l = NULL;
	uint32_t a;
	int p, oif = 0, r;

	if (routes_dump(c, &routes, e) < 0)
		return -e->code;
	for (struct nl_object *o = nl_cache_get_first(routes); o && !oif; o = nl_cache_get_next(o))
		if (route_dst((struct rtnl_route *)o, &a, &p) && p == 0)
			oif = route_oif((struct rtnl_route *)o);
	if (oif == 0)
		return DEFAULT_MTU;
	r = nl_link_get_index(c, oif, &l, e);
	if (r < 0)
		return r;
	return r == 0 || rtnl_link_get_mtu(l) == 0 ? DEFAULT_MTU : (int)rtnl_link_get_mtu(l);
}

/* The first next hop's gateway of route r (host order), 0: none. */
static uint32_t route_gateway(struct rtnl_route *r)
{
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
	struct nl_addr *gw = nh ? rtnl_route_nh_get_gateway(nh) : NULL;
	uint32_t be = 0;

	if (gw && nl_addr_get_family(gw) == AF_INET && nl_addr_get_len(gw) == sizeof(be))
		memcpy(&be, nl_addr_get_binary_addr(gw), sizeof(be));
	return ntohl(be);
}

int net_default_gateway(uint32_t *gw, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = {0};
	cleanup_cache struct nl_cache *routes = NULL;
	uint32_t a;
	int p;

	*gw = 0;
	if (nlctx_open(&c, e) < 0 || routes_dump(&c, &routes, e) < 0)
		return -e->code;
	for (struct nl_object *o = nl_cache_get_first(routes); o && !*gw; o = nl_cache_get_next(o))
		if (route_dst((struct rtnl_route *)o, &a, &p) && p == 0)
			*gw = route_gateway((struct rtnl_route *)o);
	return 0;
}

static bool is_brig_bridge(struct rtnl_link *l)
{
	const char *alias = rtnl_link_get_ifalias(l);

	return nl_link_is_bridge(l) && alias && strcmp(alias, BRIG_ALIAS) == 0;
}

/* The address the bridge's fixed MAC is derived from: its gateway; with
 * none, the network address, which no container gets; with no IPAM at all,
 * 254.x.y.z from a hash of its name (FNV-1a), which no container has. */
static uint32_t bridge_mac_seed(const struct net_network *n)
{
	uint32_t h = 2166136261u;

	if (!n->no_gateway)
		return n->gateway;
	if (!n->ipam_none)
		return n->subnet;
	for (const char *p = n->bridge; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return 0xfe000000u | (h & 0xffffff);
}

/* Create the bridge, up, at mtu (one request). */
static int bridge_add(struct nlctx *c, const char *name, int mtu, uint32_t mac_addr,
		      struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = rtnl_link_bridge_alloc();
	struct nl_addr *mac;
	uint8_t bytes[6];
	int err;

	if (!l)
		return brig_errf(e, ENOMEM, "create bridge %s: out of memory", name);
	/* A bridge without a MAC of its own takes the lowest of its ports,
	 * changing as containers come and go: give it a stable one. */
	net_mac_from_ip(mac_addr, bytes);
	mac = nl_addr_build(AF_LLC, bytes, sizeof(bytes));
	if (!mac)
		return brig_errf(e, ENOMEM, "create bridge %s: out of memory", name);
	rtnl_link_set_addr(l, mac);
	nl_addr_put(mac);
	rtnl_link_set_name(l, name);
	rtnl_link_set_mtu(l, (unsigned)mtu);
	/* created down: router advertisements are refused before it is up */
	nlctx_reset(c);
	err = rtnl_link_add(c->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		return nlctx_fail(c, err, e, "create bridge %s", name);
	return 0;
}

/* Mark a bridge as brig's.  The kernel ignores IFLA_IFALIAS in the request
 * that creates a link, so this is a second request, right after. */
static int bridge_mark(struct nlctx *c, struct rtnl_link *l, struct brig_err *e)
{
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();

	if (!ch)
		return brig_errf(e, ENOMEM, "mark bridge: out of memory");
	rtnl_link_set_ifalias(ch, BRIG_ALIAS);
	return nl_link_change(c, l, ch, e);
}

/* Another brig may have just created the bridge and not yet marked it:
 * give it a moment (bounded) before calling the link foreign. */
static int wait_marked(struct nlctx *c, const char *name, struct rtnl_link **l,
		       struct brig_err *e)
{
	for (int i = 0; i < 50 && !is_brig_bridge(*l) && nl_link_is_bridge(*l); i++) {
		rtnl_link_put(*l);
		*l = NULL;
		usleep(2000);
		if (nl_link_get(c, name, l, e) <= 0)
			return brig_errf(e, ENODEV, "bridge %s vanished", name);
	}
	return 0;
}

/* accept_ra=0 and autoconf=0 on a bridge brig made: a container's router
 * advertisement must never change the host's IPv6 addresses or routes
 * (the CVE-2020-13401 family).  Without IPv6 the files are absent. */
int nl_ipv6_no_autoconf(const char *bridge, struct brig_err *e)
{
	static const char *const keys[] = { "accept_ra", "autoconf", "accept_dad" };
	char path[128];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cleanup_close int fd = -1;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", bridge, keys[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			return 0;
		if (fd < 0 || write(fd, "0\n", 2) != 2)
			return brig_errno(e, "bridge %s: write %s", bridge, path);
	}
	return 0;
}

static int ip_forward_on(struct brig_err *e)
{
	static const char path[] = "/proc/sys/net/ipv4/ip_forward";
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return brig_errno(e, "enable IPv4 forwarding: open %s", path);
	if (write(fd, "1\n", 2) != 2)
		return brig_errno(e, "enable IPv4 forwarding: write %s", path);
	return 0;
}

int net_bridge_ensure(const struct net_network *n, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r, mtu = n->mtu;

	if (!*n->bridge || strlen(n->bridge) >= NET_IFNAME_MAX)
		return brig_errf(e, EINVAL, "network %s: invalid bridge name '%s'", n->name,
				 n->bridge);
	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	r = nl_link_get(&c, n->bridge, &l, e);
	if (r < 0)
		return r;
	if (r == 0) {
		if (mtu <= 0 && (mtu = default_mtu(&c, e)) < 0)
			return brig_err_ctx(e, "network %s: default MTU", n->name);
		r = bridge_add(&c, n->bridge, mtu, bridge_mac_seed(n), e);
		if (r < 0 && c.kerr != EEXIST) /* EEXIST: lost a race, check below */
			return r;
		if (nl_link_get(&c, n->bridge, &l, e) <= 0)
			return brig_errf(e, ENODEV, "bridge %s vanished after creation", n->bridge);
		if (r == 0 && (bridge_mark(&c, l, e) < 0 || nl_ipv6_no_autoconf(n->bridge, e) < 0))
			return brig_err_ctx(e, "network %s", n->name);
		if (r < 0 && wait_marked(&c, n->bridge, &l, e) < 0)
			return -e->code;
		if (r == 0) { /* re-read to see the alias */
			rtnl_link_put(l);
			l = NULL;
			if (nl_link_get(&c, n->bridge, &l, e) <= 0)
				return brig_errf(e, ENODEV, "bridge %s vanished", n->bridge);
		}
	}
	if (!is_brig_bridge(l))
		return brig_errf(e, EEXIST, "link %s exists and is not a brig bridge", n->bridge);
	if (!(rtnl_link_get_flags(l) & IFF_UP) && nl_link_up(&c, l, e) < 0)
		return -e->code;
	if (!n->no_gateway && nl_addr_add(&c, rtnl_link_get_ifindex(l), n->gateway, n->prefix, e) < 0)
		return brig_err_ctx(e, "bridge %s", n->bridge);
	if (n->ipv6 && !n->no_gateway &&
	    nl_addr_add6(&c, rtnl_link_get_ifindex(l), &n->gateway6, n->prefix6, e) < 0)
		return brig_err_ctx(e, "bridge %s", n->bridge);
	return ip_forward_on(e);
}

int net_bridge_remove(const struct net_network *n, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "remove bridge %s", n->bridge);
	r = nl_link_get(&c, n->bridge, &l, e);
	if (r <= 0)
		return r; /* absent: nothing to do */
	/* A link of that name brig did not create is not ours to delete. */
	if (!is_brig_bridge(l))
		return 0;
	return net_link_delete(n->bridge, e);
}

int net_check_host_routes(const struct net_network *n, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_cache struct nl_cache *routes = NULL;
	char a[16], b[16], dev[IF_NAMESIZE] = "?";
	uint32_t addr;
	int prefix, oif, brindex;

	if (nlctx_open(&c, e) < 0 || routes_dump(&c, &routes, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	brindex = (int)if_nametoindex(n->bridge); /* 0 when absent */
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;

		/* The default route overlaps everything; it is not a conflict. */
		if (!route_dst(rt, &addr, &prefix) || prefix == 0)
			continue;
		oif = route_oif(rt);
		if (brindex && oif == brindex)
			continue;
		if (!net_overlaps(n->subnet, n->prefix, addr, prefix))
			continue;
		if (oif)
			if_indextoname((unsigned)oif, dev);
		return brig_errf(e, EEXIST,
				 "network %s: subnet %s/%d overlaps host route %s/%d dev %s",
				 n->name, net_ip_str(n->subnet, a), n->prefix,
				 net_ip_str(addr, b), prefix, dev);
	}
	return 0;
}

int net_bridge_route_localnet(const char *bridge, struct brig_err *e)
{
	char path[128];
	cleanup_close int fd = -1;

	if (!*bridge || strlen(bridge) >= NET_IFNAME_MAX || strchr(bridge, '/'))
		return brig_errf(e, EINVAL, "invalid bridge name '%s'", bridge);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		return brig_errno(e, "bridge %s: write %s", bridge, path);
	return 0;
}

int net_bridge_port_hairpin(const char *port, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();
	int r;

	if (!ch)
		return brig_errf(e, ENOMEM, "hairpin mode on %s: out of memory", port);
	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "hairpin mode on %s", port);
	r = nl_link_get(&c, port, &l, e);
	if (r <= 0)
		return r < 0 ? r : brig_errf(e, ENODEV, "hairpin mode on %s: no such link", port);
	/* bridge link set dev PORT hairpin on: RTM_SETLINK of family
	 * AF_BRIDGE with IFLA_PROTINFO { IFLA_BRPORT_MODE 1 } */
	rtnl_link_set_ifindex(ch, rtnl_link_get_ifindex(l));
	rtnl_link_set_family(ch, AF_BRIDGE);
	if ((r = rtnl_link_bridge_set_flags(ch, RTNL_BRIDGE_HAIRPIN_MODE)) < 0)
		return nlctx_fail(&c, r, e, "hairpin mode on %s", port);
	return nl_link_change(&c, ch, ch, e);
}

/* Destination of a main-table unicast IPv6 route; false for others. */
static bool route_dst6(struct rtnl_route *r, struct in6_addr *addr, int *prefix)
{
	struct nl_addr *dst = rtnl_route_get_dst(r);

	if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST)
		return false;
	*prefix = dst ? (int)nl_addr_get_prefixlen(dst) : 0;
	memset(addr, 0, sizeof(*addr));
	if (dst && nl_addr_get_len(dst) == sizeof(*addr))
		memcpy(addr, nl_addr_get_binary_addr(dst), sizeof(*addr));
	return *prefix >= 0 && *prefix <= 128;
}

int net_check_host_routes6(const struct net_network *n, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_cache struct nl_cache *routes = NULL;
	char a[NET_CIDR6_STRLEN], b[NET_CIDR6_STRLEN], dev[IF_NAMESIZE] = "?";
	struct in6_addr addr;
	int prefix, oif, brindex;

	if (!n->ipv6)
		return 0;
	if (nlctx_open(&c, e) < 0 || routes_dump_family(&c, AF_INET6, &routes, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	brindex = (int)if_nametoindex(n->bridge);
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		if (!route_dst6(rt, &addr, &prefix) || prefix == 0)
			continue;
		oif = route_oif(rt);
		if ((brindex && oif == brindex) || !net_overlaps6(&n->subnet6, n->prefix6, &addr, prefix))
			continue;
		if (oif)
			if_indextoname((unsigned)oif, dev);
		return brig_errf(e, EEXIST, "network %s: IPv6 subnet %s overlaps host route %s dev %s",
				 n->name, net_prefix6_str(&n->subnet6, n->prefix6, a),
				 net_prefix6_str(&addr, prefix, b), dev);
	}
	return 0;
}
