/* ports.h - published ports in brig's nftables table (net/ports.c): the
 * elements of its DNAT maps (two for IPv4, two for IPv6), each tagged with the id of the container
 * it is for, listed and changed without touching a rule.  The maps and
 * the rules that use them are part of the table net_nat_apply builds
 * (nat.h). */
#ifndef BRIG_NET_PORTS_H
#define BRIG_NET_PORTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* One published port: traffic to host_ip:host_port (host_ip 0: any local
 * address) of protocol proto (IPPROTO_TCP, _UDP, _SCTP) goes to
 * addr:port.  owner: the container's id, kept as the element's comment.
 * v6: an IPv6 element instead (maps ports_addr6/ports_any6): traffic to
 * [host_ip6]:host_port (host_ip6 ::, any local address) goes to
 * [addr6]:port; host_ip and addr are then unused. */
struct net_port {
	uint32_t host_ip, addr;
	uint16_t host_port, port;
	uint8_t proto;
	char owner[65];
	bool v6;
	struct in6_addr host_ip6, addr6;
};

/* Every element of the port maps (v4 and v6) into *v (malloc'd, free it), *n long.
 * No table (or no maps: a table of an older brig) is no element. */
int net_ports_list(struct net_port **v, size_t *n, struct brig_err *e);

/* One atomic batch: delete del[0..n_del), then add add[0..n_add).  A
 * key already present with other data fails (EBUSY), a missing one to
 * delete fails (ENOENT): list first. */
int net_ports_change(const struct net_port *add, size_t n_add, const struct net_port *del,
		     size_t n_del, struct brig_err *e);

/* Whether a and b are the same key (family, address, protocol, host port). */
int net_ports_same_key(const struct net_port *a, const struct net_port *b);

#endif
