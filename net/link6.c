/* link6.c - the IPv6 half of a brig network's links: addresses added with
 * IFA_F_NODAD (a container's address is never "tentative", so it works
 * the moment the container starts, with no duplicate-address-detection
 * wait: brig's IPAM already guarantees uniqueness on its bridges), the
 * default v6 route, accept_ra, and the host's IPv6 forwarding switch. */
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "cleanup.h"
#include "bridge.h"
#include "link.h"
#include "parse.h"
#include "nl.h"

static void nl_addr_putp(struct nl_addr **a)
{
	if (*a)
		nl_addr_put(*a);
}
#define cleanup_nladdr __attribute__((cleanup(nl_addr_putp)))

static struct nl_addr *v6addr(const struct in6_addr *a, int prefix)
{
	struct nl_addr *na = nl_addr_build(AF_INET6, a, sizeof(*a));

	if (na)
		nl_addr_set_prefixlen(na, prefix);
	return na;
}

int nl_addr_add6(struct nlctx *c, int ifindex, const struct in6_addr *a, int prefix,
		 struct brig_err *e)
{
	cleanup_nladdr struct nl_addr *local = v6addr(a, prefix);
	char buf[NET_IP6_STRLEN];

	if (!local)
		return brig_errf(e, ENOMEM, "add address: out of memory");
	/* no DAD: usable at once, never "tentative" (IPAM made it unique) */
	return nl_addr_add_local(c, ifindex, local, IFA_F_NODAD, net_ip6_str(a, buf), e);
}

/* "default via gw dev ifindex" in the main IPv6 table. */
static int route_add_default6(struct nlctx *c, int ifindex, const struct in6_addr *gw,
			      struct brig_err *e)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;
	cleanup_nladdr struct nl_addr *dst = v6addr(&any, 0);
	cleanup_nladdr struct nl_addr *via = v6addr(gw, 128);
	char buf[NET_IP6_STRLEN];

	if (!dst || !via)
		return brig_errf(e, ENOMEM, "add default IPv6 route: out of memory");
	return nl_route_add_default(c, ifindex, dst, via, net_ip6_str(gw, buf), e);
}

int net_iface_configure6(const char *ifname, const struct in6_addr *addr, int prefix,
			 const struct in6_addr *gw, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "configure IPv6 on %s", ifname);
	r = nl_link_get(&c, ifname, &l, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "configure IPv6 on %s: no such link", ifname);
	if (r < 0)
		return r;
	if (nl_addr_add6(&c, rtnl_link_get_ifindex(l), addr, prefix, e) < 0)
		return -e->code;
	if (gw && route_add_default6(&c, rtnl_link_get_ifindex(l), gw, e) < 0)
		return -e->code;
	return 0;
}

/* Write value to /proc/sys/net/ipv6/<key>; absent (no IPv6) is ENOENT. */
static int write_v6_sysctl(const char *key, const char *value, struct brig_err *e)
{
	char path[128];
	cleanup_close int fd = -1;
	size_t n = strlen(value);

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/%s", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, n) != (ssize_t)n)
		return brig_errno(e, "write %s", path);
	return 0;
}

/* net.ipv6.conf.IFNAME.KEY = value for each key; a namespace without
 * IPv6 (no conf directory) is left as it is. */
static int write_if_sysctls(const char *ifname, const char *const *keys, size_t n,
			    const char *value, struct brig_err *e)
{
	char key[64];

	if (!net_ifname_valid(ifname))
		return brig_errf(e, EINVAL, "invalid interface name '%s'", ifname);
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "conf/%s/%s", ifname, keys[i]);
		if (write_v6_sysctl(key, value, e) < 0)
			return e->code == ENOENT ? 0 : -e->code;
	}
	return 0;
}

int net_ipv6_link_prepare(const char *ifname, bool v6, struct brig_err *e)
{
	/* accept_ra=0: a router advertisement on a brig network must not add
	 * addresses or routes; accept_dad=0: no address is ever tentative
	 * (brig's leases and the MACs derived from them are unique on its
	 * bridges), so no DAD probe either; router_solicitations=0: no
	 * solicitation, now or retried with backoff for the container's
	 * lifetime.  Probes and solicitations are multicast the bridge floods
	 * to every port, each container's kernel receiving them: O(N) per
	 * start, O(N^2) for N starts. */
	static const char *const quiet[] = { "accept_ra", "accept_dad", "router_solicitations" };
	static const char *const off[] = { "disable_ipv6" };

	return v6 ? write_if_sysctls(ifname, quiet, sizeof(quiet) / sizeof(quiet[0]), "0\n", e) :
		    write_if_sysctls(ifname, off, 1, "1\n", e);
}

int net_ipv6_forwarding(int want, int *was, struct brig_err *e)
{
	static const char path[] = "/proc/sys/net/ipv6/conf/all/forwarding";
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[8] = "";

	if (fd < 0)
		return brig_errno(e, "IPv6 forwarding: open %s", path);
	if (read(fd, buf, sizeof(buf) - 1) < 1)
		return brig_errno(e, "IPv6 forwarding: read %s", path);
	*was = buf[0] == '1';
	if (*was == want)
		return 0;
	return write_v6_sysctl("conf/all/forwarding", want ? "1\n" : "0\n", e);
}
