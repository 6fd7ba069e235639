/* link.h - a container's links (net/link.c, net/veth.c): the veth pair the
 * parent makes on the host, and what the child configures inside its
 * network namespace (lo, the interface's name, MAC, address, default route). */
#ifndef BRIG_NET_LINK_H
#define BRIG_NET_LINK_H

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

/* Read rx/tx byte counters of a link in the current netns. */
int net_link_stats(const char *ifname, uint64_t *rx, uint64_t *tx, struct brig_err *e);

#endif
