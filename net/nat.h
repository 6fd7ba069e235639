/* nat.h - brig's one nftables table, "inet brig" (net/nat.c): the set of
 * brig's bridges, masquerade of traffic leaving through any other
 * interface, forward accepts and isolation between networks.  The batch it
 * is sent as is private to net/ (nat_batch.h). */
#ifndef BRIG_NET_NAT_H
#define BRIG_NET_NAT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "ports.h"
#include "types.h"

/* Replace the whole "inet brig" table with the rules for these networks
 * (the set of brig's bridges, masquerade of traffic leaving through any
 * other interface, forward accepts, isolation) in one atomic batch.  With
 * count == 0 the table is deleted.  Never touches another table. */
int net_nat_apply(const struct net_network *nets, size_t count, struct brig_err *e);

/* The same, with the published ports' map elements ports[0..n_ports) in
 * the same batch (a rebuilt table keeps the running containers' ports). */
int net_nat_apply_ports(const struct net_network *nets, size_t count, const struct net_port *ports,
			size_t n_ports, struct brig_err *e);

/* True when table "inet brig" exists and holds the chains net_nat_apply makes
 * (and its newest map, ports_any6) with a non-empty forward chain (so a
 * flushed, deleted or older table can be restored by the caller).
 * Read-only. */
int net_nat_check(bool *intact, struct brig_err *e);

#endif
