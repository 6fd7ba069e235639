/* bridge.h - the host side of a network (net/bridge.c): its bridge, and the
 * check that its subnet does not shadow a route the host already has. */
#ifndef BRIG_NET_BRIDGE_H
#define BRIG_NET_BRIDGE_H

#include "err.h"
#include "types.h"

/* Refuse a subnet that overlaps a route already on the host (other than
 * routes on n->bridge itself). */
int net_check_host_routes(const struct net_network *n, struct brig_err *e);

/* The IPv6 twin of net_check_host_routes for n's v6 subnet (n->ipv6). */
int net_check_host_routes6(const struct net_network *n, struct brig_err *e);

/* net.ipv6.conf.all.forwarding: *was gets the current value (0 or 1), then
 * it is set to want when it differs (net/link6.c). */
int net_ipv6_forwarding(int want, int *was, struct brig_err *e);

/* Create n->bridge (if absent) up, with the gateway address (none with
 * no_gateway) and MTU; a link
 * of that name that is not a bridge created by brig is an error, never
 * reused.  Sets net.ipv4.ip_forward=1.  A dual-stack network's bridge
 * also gets the v6 gateway (IFA_F_NODAD); IPv6 forwarding is the
 * caller's (net_ipv6_forwarding).  Idempotent. */
int net_bridge_ensure(const struct net_network *n, struct brig_err *e);

/* Delete n->bridge if it exists and is a bridge brig created (marked by
 * ifalias "brig"); any other link of that name is left alone.  Idempotent. */
int net_bridge_remove(const struct net_network *n, struct brig_err *e);

/* net.ipv4.conf.BRIDGE.route_localnet = 1: the host's own connections to
 * 127.0.0.1:PORT, translated to a container behind this bridge, may leave
 * through it (and its answers come back).  Packets to 127.0.0.0/8 that
 * arrive from outside are dropped by table inet brig (nat.c). */
int net_bridge_route_localnet(const char *bridge, struct brig_err *e);

/* Hairpin mode on bridge port PORT (`bridge link set dev PORT hairpin
 * on`): a frame may leave through the port it came in by.  A container
 * reaching its own published port through a host address needs it when
 * the kernel passes bridged frames through the IP hooks (br_netfilter):
 * the translated frame is bridged straight back to where it came from. */
int net_bridge_port_hairpin(const char *port, struct brig_err *e);

/* The gateway of this namespace's IPv4 default route (the main table's),
 * host order; 0 when there is none or it has no gateway. */
int net_default_gateway(uint32_t *gw, struct brig_err *e);

#endif
