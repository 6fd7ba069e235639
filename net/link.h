/* link.h - a container's links (net/link.c, net/veth.c): the veth pair the
 * parent makes on the host, and what the child configures inside its
 * network namespace (lo, the interface's name, MAC, address, default route). */
#ifndef BRIG_NET_LINK_H
#define BRIG_NET_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "types.h" /* NET_IFNAME_MAX bounds every name here */

/* Host side: create veth pair <host_if> / <peer_if> with MTU mtu (<= 0:
 * the bridge's), attach
 * host_if to bridge and bring it up, and move peer_if into the network
 * namespace of process peer_pid.  On failure nothing is left behind. */
int net_veth_create(const char *host_if, const char *peer_if, const char *bridge, int mtu,
		    pid_t peer_pid, struct brig_err *e);

/* Delete a link by name; absent is success. */
int net_link_delete(const char *ifname, struct brig_err *e);

/* Inside the container's netns: bring lo up. */
int net_lo_up(struct brig_err *e);

/* Inside the container's netns: rename peer_if to ifname, set mac, add
 * addr/prefix, bring it up, and when gw != 0 add the default route via gw. */
int net_iface_configure(const char *peer_if, const char *ifname, uint32_t addr, int prefix,
			const uint8_t mac[6], uint32_t gw, struct brig_err *e);

/* Inside the container's netns, after net_iface_configure (net/link6.c):
 * add addr/prefix to ifname with IFA_F_NODAD (never tentative: no DAD
 * wait) and, when gw is not NULL, the default IPv6 route via gw. */
int net_iface_configure6(const char *ifname, const struct in6_addr *addr, int prefix,
			 const struct in6_addr *gw, struct brig_err *e);

/* A container's interface before it is up, in the current netns.  v6 (on
 * a dual-stack network): accept_ra = 0 (a router advertisement on a brig
 * network must not add addresses or routes), accept_dad = 0 (brig's
 * leases and the MACs derived from them are unique on its bridges: no
 * address is ever tentative) and router_solicitations = 0.  Else IPv6 is
 * off on it (disable_ipv6 = 1, as Docker 27 does on an IPv4-only
 * network): no link-local address.  Either way it sends no DAD probe,
 * solicitation or multicast report for the bridge to flood to every port.
 * A namespace without IPv6 is left as it is. */
int net_ipv6_link_prepare(const char *ifname, bool v6, struct brig_err *e);

/* Read rx/tx byte counters of a link in the current netns. */
int net_link_stats(const char *ifname, uint64_t *rx, uint64_t *tx, struct brig_err *e);

/* ---- a lab's links (net/wire.c) ---- */

/* One end of a lab link: the namespace it is made in and what it gets. */
struct net_end {
	int netns;	    /* fd of its network namespace; -1: the current one */
	const char *ifname;
	const char *master; /* a bridge of that namespace to attach it to, or NULL */
	const char *mark;   /* ifalias to set (host-side ends), or NULL */
	bool has_mac;
	uint8_t mac[6];
	uint32_t addr;	    /* IPv4 address, 0: none */
	int prefix;
	bool has_addr6;	    /* an IPv6 address too, added with IFA_F_NODAD */
	struct in6_addr addr6;
	int prefix6;
};

/* A veth pair a/b made in one request with each end directly in its own
 * namespace, at mtu (<= 0: the kernel's), then each end attached, marked,
 * addressed and up inside its namespace.  On failure the pair is gone. */
int net_wire_create(const struct net_end *a, const struct net_end *b, int mtu,
		    struct brig_err *e);

/* A dummy interface made as end says (the kernel needs the dummy driver). */
int net_dummy_create(const struct net_end *end, int mtu, struct brig_err *e);

/* A lab's bridge: 1 when created here (up, no address, ifalias mark, no
 * IPv6 autoconfiguration), 0 when a bridge of that name exists (used as
 * it is), negative when a link of that name is no bridge. */
int net_bridge_add_marked(const char *name, const char *mark, struct brig_err *e);

/* Whether link ifname exists in the current namespace: 1 (and whether it
 * is a bridge, when is_bridge is not NULL), 0 when absent. */
int net_link_probe(const char *ifname, bool *is_bridge, struct brig_err *e);

/* Delete link ifname of the current namespace when it carries mark, or
 * carries no mark and is a veth or a bridge (ours between its creation
 * and its marking: call it only for names recorded as about to be made).
 * Absent is success; anything else is left alone. */
int net_link_delete_marked(const char *ifname, const char *mark, struct brig_err *e);

#endif
