/* nat_batch.h - internal to net/: the nftables batch net_nat_apply() sends
 * (net/nat.c), exposed so unit tests (test_nat.c) can build a batch without
 * a socket and parse it back.  Not part of brig's public API (that is
 * nat.h); tests/lint-layers.py refuses it outside net/. */
#ifndef BRIG_NET_NAT_BATCH_H
#define BRIG_NET_NAT_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "types.h"

/* A complete nftables transaction: BATCH_BEGIN, nmsg messages (each asking
 * for an ack), BATCH_END, in buf[0..len). */
struct net_nat_batch {
	char *buf;
	size_t len, cap;
	unsigned nmsg;
};

/* Most networks one batch handles (isolation rules grow as count^2). */
#define NET_NAT_MAX_NETWORKS 128

/* Build the batch net_nat_apply sends for these networks, with sequence
 * numbers from seq.  Pure: allocates b->buf, touches no socket. */
int net_nat_build(struct net_nat_batch *b, const struct net_network *nets, size_t count,
		  uint32_t seq, struct brig_err *e);

/* Free b->buf; accepts a zeroed batch. */
void net_nat_batch_free(struct net_nat_batch *b);

/* Send b on a NETLINK_NETFILTER socket and drain every ack; the first error
 * the kernel reports (with its extended-ack text) fails the whole batch. */
int net_nat_commit(const struct net_nat_batch *b, struct brig_err *e);

#endif
