/* veth.c - the per-container veth pair, made in one RTM_NEWLINK request:
 * host end enslaved to the bridge, both ends at the network MTU, peer
 * created directly in the container's netns (by pid) so it never appears
 * in the host namespace; then the host end up, IPv6 off on it first. */
#include <net/if.h>
#include <string.h>

#include <netlink/route/link/veth.h>

#include "link.h"
#include "nl.h"

/* Create host_if/peer_if as described above; one kernel request. */
static int veth_add(struct nlctx *c, const char *host_if, const char *peer_if, int master,
		    int mtu, pid_t peer_pid, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = rtnl_link_veth_alloc();
	cleanup_link struct rtnl_link *peer = NULL;
	int err;

	if (!l)
		return brig_errf(e, ENOMEM, "create veth %s: out of memory", host_if);
	peer = rtnl_link_veth_get_peer(l); /* takes a reference */
	rtnl_link_set_name(l, host_if);
	rtnl_link_set_master(l, master);
	rtnl_link_set_name(peer, peer_if);
	rtnl_link_set_ns_pid(peer, peer_pid);
	if (mtu > 0) {
		rtnl_link_set_mtu(l, (unsigned)mtu);
		rtnl_link_set_mtu(peer, (unsigned)mtu);
	}
	nlctx_reset(c);
	err = rtnl_link_add(c->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		return nlctx_fail(c, err, e, "create veth %s/%s (peer in netns of pid %d)", host_if,
				  peer_if, (int)peer_pid);
	return 0;
}

/* The host end is a bridge port and nothing more: IPv6 off on it before
 * it is up, so it gets no link-local address (whose fe80::/64 route would
 * join one node of the host's table with every other port's) and sends
 * no DAD probe or multicast report for the bridge to flood to every port.
 * Bridging v6 frames does not need it. */
static int host_end_up(struct nlctx *c, const char *host_if, struct brig_err *e)
{
	cleanup_link struct rtnl_link *l = NULL;
	int r;

	if (net_ipv6_link_prepare(host_if, false, e) < 0)
		return -e->code;
	r = nl_link_get(c, host_if, &l, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "bring up %s: it vanished", host_if);
	return r < 0 ? r : nl_link_up(c, l, e);
}

int net_veth_create(const char *host_if, const char *peer_if, const char *bridge, int mtu,
		    pid_t peer_pid, struct brig_err *e)
{
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *br = NULL;
	struct brig_err ignored;
	int r;

	if (!*host_if || strlen(host_if) >= NET_IFNAME_MAX || !*peer_if ||
	    strlen(peer_if) >= NET_IFNAME_MAX)
		return brig_errf(e, EINVAL, "create veth: invalid interface name '%s'/'%s'",
				 host_if, peer_if);
	if (peer_pid <= 0)
		return brig_errf(e, EINVAL, "create veth %s: invalid peer pid %d", host_if,
				 (int)peer_pid);
	if (nlctx_open(&c, e) < 0)
		return brig_err_ctx(e, "create veth %s", host_if);
	r = nl_link_get(&c, bridge, &br, e);
	if (r == 0)
		return brig_errf(e, ENODEV, "create veth %s: bridge %s does not exist", host_if,
				 bridge);
	if (r < 0 || !nl_link_is_bridge(br))
		return r < 0 ? r
			     : brig_errf(e, EINVAL, "create veth %s: %s is not a bridge", host_if,
					 bridge);
	/* Unset: the bridge's MTU, so no port is wider than the bridge. */
	if (mtu <= 0)
		mtu = (int)rtnl_link_get_mtu(br);
	r = veth_add(&c, host_if, peer_if, rtnl_link_get_ifindex(br), mtu, peer_pid, e);
	if (r == 0)
		r = host_end_up(&c, host_if, e);
	if (r < 0 && c.kerr != EEXIST) {
		/* The kernel unwinds a failed newlink itself; this covers a pair
		 * left by a request that failed after registration.  Never
		 * delete on EEXIST: that link belongs to someone else. */
		net_link_delete(host_if, &ignored);
	}
	return r;
}
