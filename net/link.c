/* link.c - the rtnetlink socket (with extended acks) and per-link requests:
 * lookup, change, delete, lo up, addresses, counters, and configuring the
 * container's interface from inside its netns. */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "cleanup.h"
#include "link.h"
#include "parse.h"
#include "nl.h"

/* libnl error callback: remember the kernel's errno and, when the kernel
 * attached one (NETLINK_EXT_ACK), its human-readable reason. */
static int on_nlerr(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct nlctx *c = arg;
	const struct nlmsghdr *h = (const void *)((const char *)err - NLMSG_HDRLEN);
	size_t off = sizeof(*err);
	const struct nlattr *attr;

	(void)who;
	c->kerr = -err->error;
	c->ext[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	if (off + NLMSG_HDRLEN >= h->nlmsg_len)
		return NL_STOP;
	mnl_attr_for_each_payload((const void *)((const char *)err + off), h->nlmsg_len - NLMSG_HDRLEN - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(c->ext, sizeof(c->ext), "%s", mnl_attr_get_str(attr));
	}
	return NL_STOP; /* libnl then returns the translated kernel error */
}

int nlctx_open(struct nlctx *c, struct brig_err *e)
{
	int one = 1, err;

	memset(c, 0, sizeof(*c));
	c->sk = nl_socket_alloc();
	if (!c->sk)
		return brig_errf(e, ENOMEM, "netlink: cannot allocate socket");
	err = nl_connect(c->sk, NETLINK_ROUTE);
	if (err < 0)
		return nlctx_fail(c, err, e, "netlink: connect");
	/* Ask the kernel to say why a request failed, not only errno. */
	if (setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		       sizeof(one)) < 0)
		return brig_errno(e, "netlink: enable extended acks");
	err = nl_socket_modify_err_cb(c->sk, NL_CB_CUSTOM, on_nlerr, c);
	if (err < 0)
		return nlctx_fail(c, err, e, "netlink: set error callback");
	return 0;
}

void nlctx_close(struct nlctx *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	c->sk = NULL;
}

void nlctx_reset(struct nlctx *c)
{
	c->kerr = 0;
	c->ext[0] = '\0';
}

/* errno for a libnl error that did not come from the kernel. */
static int nle_errno(int nlerr)
{
	static const struct { int nle, err; } map[] = {
		{ NLE_NOMEM, ENOMEM },	       { NLE_EXIST, EEXIST },
		{ NLE_INVAL, EINVAL },	       { NLE_RANGE, ERANGE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP }, { NLE_OBJ_NOTFOUND, ENOENT },
		{ NLE_NODEV, ENODEV },	       { NLE_PERM, EPERM },
		{ NLE_NOACCESS, EACCES },      { NLE_BUSY, EBUSY },
		{ NLE_AGAIN, EAGAIN },	       { NLE_INTR, EINTR },
		{ NLE_MSGSIZE, EMSGSIZE },     { NLE_NOADDR, EADDRNOTAVAIL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].nle == -nlerr)
			return map[i].err;
	return EIO;
}

int nlctx_fail(struct nlctx *c, int nlerr, struct brig_err *e, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	int code = c->kerr > 0 ? c->kerr : nle_errno(nlerr);

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (c->ext[0])
		return brig_errf(e, code, "%s: %s: %s", what, nl_geterror(nlerr), c->ext);
	return brig_errf(e, code, "%s: %s", what, nl_geterror(nlerr));
}

int nl_link_get(struct nlctx *c, const char *name, struct rtnl_link **out, struct brig_err *e)
{
	int err;

	nlctx_reset(c);
	err = rtnl_link_get_kernel(c->sk, 0, name, out);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV || c->kerr == ENODEV)
		return 0;
	if (err < 0)
		return nlctx_fail(c, err, e, "look up link %s", name);
	return 1;
}

int nl_link_get_index(struct nlctx *c, int ifindex, struct rtnl_link **out, struct brig_err *e)
{
	int err;

	nlctx_reset(c);
	err = rtnl_link_get_kernel(c->sk, ifindex, NULL, out);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV || c->kerr == ENODEV)
		return 0;
	if (err < 0)
		return nlctx_fail(c, err, e, "look up link #%d", ifindex);
	return 1;
}

bool nl_link_is_bridge(struct rtnl_link *l)
{
	const char *kind = rtnl_link_get_type(l);

	return kind && strcmp(kind, "bridge") == 0;
}

int nl_link_change(struct nlctx *c, struct rtnl_link *orig, struct rtnl_link *changes,
		   struct brig_err *e)
{
	int err;

	nlctx_reset(c);
	err = rtnl_link_change(c->sk, orig, changes, 0);
	if (err < 0)
		return nlctx_fail(c, err, e, "change link %s", rtnl_link_get_name(orig));
	return 0;
}

int nl_link_up(struct nlctx *c, struct rtnl_link *orig, struct brig_err *e)
{
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();

	if (!ch)
		return brig_errf(e, ENOMEM, "bring up %s: out of memory", rtnl_link_get_name(orig));
	rtnl_link_set_flags(ch, IFF_UP);
	if (nl_link_change(c, orig, ch, e) < 0)
		return brig_err_ctx(e, "bring up %s", rtnl_link_get_name(orig));
	return 0;
}

static void nl_addr_putp(struct nl_addr **a)
{
	if (*a)
		nl_addr_put(*a);
}
#define cleanup_nladdr __attribute__((cleanup(nl_addr_putp)))

static void rtnl_addr_putp(struct rtnl_addr **a)
{
	if (*a)
		rtnl_addr_put(*a);
}

static void rtnl_route_putp(struct rtnl_route **r)
{
	if (*r)
		rtnl_route_put(*r);
}

/* An nl_addr for IPv4 address a (host order) with prefix length. */
static struct nl_addr *v4addr(uint32_t a, int prefix)
{
	uint32_t be = htonl(a);
	struct nl_addr *na = nl_addr_build(AF_INET, &be, sizeof(be));

	if (na)
		nl_addr_set_prefixlen(na, prefix);
	return na;
}

int nl_addr_add_local(struct nlctx *c, int ifindex, struct nl_addr *local, unsigned flags,
		      const char *text, struct brig_err *e)
{
	__attribute__((cleanup(rtnl_addr_putp))) struct rtnl_addr *ra = rtnl_addr_alloc();
	int prefix = (int)nl_addr_get_prefixlen(local);
	int err;

	if (!ra)
		return brig_errf(e, ENOMEM, "add address: out of memory");
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, nl_addr_get_family(local));
	rtnl_addr_set_prefixlen(ra, prefix);
	if (flags)
		rtnl_addr_set_flags(ra, flags);
	err = rtnl_addr_set_local(ra, local);
	if (err >= 0) {
		nlctx_reset(c);
		err = rtnl_addr_add(c->sk, ra, 0);
	}
	if (err < 0 && c->kerr == EEXIST)
		return 0; /* idempotent: the address is already there */
	if (err < 0)
		return nlctx_fail(c, err, e, "add address %s/%d", text, prefix);
	return 0;
}

int nl_addr_add(struct nlctx *c, int ifindex, uint32_t addr, int prefix, struct brig_err *e)
{
	cleanup_nladdr struct nl_addr *local = v4addr(addr, prefix);
	char buf[16];

	if (!local)
		return brig_errf(e, ENOMEM, "add address: out of memory");
	return nl_addr_add_local(c, ifindex, local, 0, net_ip_str(addr, buf), e);
}

int nl_route_add_default(struct nlctx *c, int ifindex, struct nl_addr *dst, struct nl_addr *via,
			 const char *gw, struct brig_err *e)
{
	__attribute__((cleanup(rtnl_route_putp))) struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh;
	int family = nl_addr_get_family(dst);
	const char *what = family == AF_INET6 ? "default IPv6 route" : "default route";
	int err;

	if (!r || !(nh = rtnl_route_nh_alloc()))
		return brig_errf(e, ENOMEM, "add %s: out of memory", what);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_add_nexthop(r, nh); /* r owns nh from here */
	rtnl_route_set_family(r, (uint8_t)family);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	err = rtnl_route_set_dst(r, dst);
	if (err >= 0) {
		nlctx_reset(c);
		err = rtnl_route_add(c->sk, r, NLM_F_EXCL);
	}
	if (err < 0)
		return nlctx_fail(c, err, e, "add %s via %s", what, gw);
	return 0;
}

/* Add "default via gw dev ifindex" to the main table. */
static int route_add_default(struct nlctx *c, int ifindex, uint32_t gw, struct brig_err *e)
{
	cleanup_nladdr struct nl_addr *dst = v4addr(0, 0);
	cleanup_nladdr struct nl_addr *via = v4addr(gw, 32);
	char buf[16];

	if (!dst || !via)
		return brig_errf(e, ENOMEM, "add default route: out of memory");
	return nl_route_add_default(c, ifindex, dst, via, net_ip_str(gw, buf), e);
}

int nl_link_del(struct nlctx *c, const char *ifname, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = rtnl_link_alloc();
	int err;

	if (!l)
		return brig_errf(e, ENOMEM, "delete link %s: out of memory", ifname);
	rtnl_link_set_name(l, ifname);
	nlctx_reset(c);
	err = rtnl_link_delete(c->sk, l);
	if (err < 0 && (c->kerr == ENODEV || err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV))
		return 0; /* absent is success */
	if (err < 0)
		return nlctx_fail(c, err, e, "delete link %s", ifname);
	return 0;
}

int net_link_delete(const char *ifname, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "delete link %s", ifname);
	return nl_link_del(&c, ifname, e);
}

int net_lo_up(struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *lo = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "bring up lo");
	r = nl_link_get(&c, "lo", &lo, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "bring up lo: no loopback device");
	if (r < 0)
		return r;
	return nl_link_up(&c, lo, e);
}

int net_link_stats(const char *ifname, uint64_t *rx, uint64_t *tx, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "read counters of %s", ifname);
	r = nl_link_get(&c, ifname, &l, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "read counters of %s: no such link", ifname);
	if (r < 0)
		return r;
	*rx = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
	*tx = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
	return 0;
}

/* Rename the (down) peer to ifname and give it mac, in one request. */
static int iface_rename(struct nlctx *c, struct rtnl_link *peer, const char *ifname,
			const uint8_t mac[6], struct brig_err *e)
{
	cleanup_link struct rtnl_link *ch = rtnl_link_alloc();
	cleanup_nladdr struct nl_addr *ll = nl_addr_build(AF_LLC, mac, 6);

	if (!ch || !ll)
		return brig_errf(e, ENOMEM, "configure %s: out of memory", ifname);
	if (strcmp(rtnl_link_get_name(peer), ifname) != 0)
		rtnl_link_set_name(ch, ifname);
	rtnl_link_set_addr(ch, ll);
	return nl_link_change(c, peer, ch, e);
}

int net_iface_configure(const char *peer_if, const char *ifname, uint32_t addr, int prefix,
			const uint8_t mac[6], uint32_t gw, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r, ifindex;

	if (strlen(ifname) >= NET_IFNAME_MAX || !*ifname)
		return brig_errf(e, EINVAL, "configure %s: invalid interface name '%s'", peer_if,
				 ifname);
	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "configure %s", ifname);
	r = nl_link_get(&c, peer_if, &l, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "configure %s: no link %s in this netns", ifname, peer_if);
	if (r < 0)
		return r;
	ifindex = rtnl_link_get_ifindex(l);
	if (iface_rename(&c, l, ifname, mac, e) < 0)
		return brig_err_ctx(e, "configure %s", ifname);
	/* addr 0: a network without IPAM, the interface stays without one */
	if (addr && nl_addr_add(&c, ifindex, addr, prefix, e) < 0)
		return brig_err_ctx(e, "configure %s", ifname);
	rtnl_link_put(l);
	l = NULL;
	if (nl_link_get_index(&c, ifindex, &l, e) <= 0 || nl_link_up(&c, l, e) < 0)
		return brig_err_ctx(e, "configure %s", ifname);
	if (gw != 0 && route_add_default(&c, ifindex, gw, e) < 0)
		return brig_err_ctx(e, "configure %s", ifname);
	return 0;
}
