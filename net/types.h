/* types.h - what every header of brig's network module shares: the
 * description of one network and the name limits.
 *
 * The module's public headers, one per object as libnftnl has them:
 *   types.h   struct net_network, name limits
 *   parse.h   pure parsers and formatters (CIDR, IP, MAC), network validation
 *   link.h    links: veth pairs, delete, lo, the container's interface, stats
 *   bridge.h  the host bridge of a network, host route overlap check
 *   nat.h     brig's nftables table "inet brig"
 *   ipam.h    lease files: lease, release, re-own, gc, parse, recovery
 * nl.h (the rtnetlink socket) and nat_batch.h (the nftables batch) are
 * private to net/ and its tests; tests/lint-layers.py keeps them there.
 *
 * Everything goes through libnl-3/libnl-route-3 and libnftnl+libmnl; nothing
 * here execs a program or prints.  Every function returns >= 0 on success or
 * a negative errno and fills *e (see src/base/err.h).  IPv4 addresses are
 * in host byte order (uint32_t); IPv6 ones are struct in6_addr. */
#ifndef BRIG_NET_TYPES_H
#define BRIG_NET_TYPES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define NET_NAME_MAX 64
#define NET_IFNAME_MAX 16 /* IFNAMSIZ */

/* One brig network, as src/ stores it. */
struct net_network {
	char name[NET_NAME_MAX];
	char bridge[NET_IFNAME_MAX];
	uint32_t subnet;  /* network address */
	int prefix;       /* 0..32 */
	uint32_t gateway; /* the bridge's address; 0 with no_gateway */
	int mtu;          /* 0 = default (MTU of the host's default-route link) */
	bool internal;    /* no masquerade, no forwarding off the bridge, no
			   * default route through it */
	bool no_gateway;  /* a pure layer-2 segment: the bridge holds no
			   * address (no NAT, no default route through it);
			   * containers still get leases */
	bool ipam_none;   /* no subnet, no leases: containers get an
			   * interface without an address (implies no_gateway) */
	/* Dual stack (--ipv6): an IPv6 subnet beside the IPv4 one (net/parse6.c
	 * validates it, ipam_lease6 leases from it). */
	bool ipv6;
	struct in6_addr subnet6;  /* network address (the subnet-router anycast) */
	int prefix6;              /* 64..120 */
	struct in6_addr gateway6; /* the bridge's v6 address (none with no_gateway) */
};

#endif
