/* nat_batch.h - internal to net/: the nftables batch net_nat_apply() sends
 * (net/nat.c), exposed so unit tests (test_nat.c) can build a batch without
 * a socket and parse it back.  Not part of brig's public API (that is
 * nat.h); tests/lint-layers.py refuses it outside net/. */
#ifndef BRIG_NET_NAT_BATCH_H
#define BRIG_NET_NAT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ports.h"
#include "types.h"

struct mnl_nlmsg_batch;
struct mnl_socket;
struct nlmsghdr;

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

/* The same with the published ports' map elements in it (net_nat_build
 * is this with none). */
int net_nat_build_ports(struct net_nat_batch *b, const struct net_network *nets, size_t count,
			const struct net_port *ports, size_t n_ports, uint32_t seq,
			struct brig_err *e);

/* Free b->buf; accepts a zeroed batch. */
void net_nat_batch_free(struct net_nat_batch *b);

/* Send b on a NETLINK_NETFILTER socket and drain every ack; the first error
 * the kernel reports (with its extended-ack text) fails the whole batch. */
int net_nat_commit(const struct net_nat_batch *b, struct brig_err *e);

/* ---- shared by nat.c and ports.c while a batch is built ---- */

/* Build state: the mnl batch over b->buf, the next sequence number. */
struct nat_bctx {
	struct net_nat_batch *b;
	struct mnl_nlmsg_batch *mb;
	uint32_t seq;
	bool full;
};

/* Start a batch of room for nmsg messages plus extra bytes: BATCH_BEGIN
 * written.  nat_batch_end writes BATCH_END and sets b->len; both fill e. */
int nat_batch_begin(struct net_nat_batch *b, struct nat_bctx *c, size_t nmsg, size_t extra,
		    uint32_t seq, struct brig_err *e);
int nat_batch_end(struct nat_bctx *c, int r, struct brig_err *e);

/* Where the next message goes; close it (counted, one ack each). */
char *nat_bcur(struct nat_bctx *c);
void nat_bnext(struct nat_bctx *c);

/* One message about set s (the caller's, still): NFT_MSG_NEWSET makes the
 * set; NFT_MSG_NEWSETELEM and NFT_MSG_DELSETELEM add or delete its
 * elements.  Acked; created unless deleting. */
struct nftnl_set;
void nat_bput_set(struct nat_bctx *c, uint16_t type, struct nftnl_set *s);

/* Set ids of the maps in a batch that creates them (for lookups). */
#define NAT_SET_PORTS_ADDR "ports_addr"
#define NAT_SET_PORTS_ANY "ports_any"
#define NAT_SET_PORTS_ADDR_ID 2
#define NAT_SET_PORTS_ANY_ID 3
#define NAT_SET_PORTS_ADDR6 "ports_addr6"
#define NAT_SET_PORTS_ANY6 "ports_any6"
#define NAT_SET_PORTS_ADDR6_ID 4
#define NAT_SET_PORTS_ANY6_ID 5
/* Bytes one port element takes in a batch, at most (key, data, comment). */
#define NAT_PORT_ELEM_MAX 256

/* Open a NETLINK_NETFILTER socket for a batch of len bytes (0: a
 * request), with extended acks; nat_close accepts NULL. */
int nat_open(struct mnl_socket **out, size_t len, struct brig_err *e);
void nat_close(struct mnl_socket **nl);

/* Send one request and pass every reply message to cb until its ack or
 * NLMSG_DONE: 0 or -errno. */
int nat_talk(struct mnl_socket *nl, struct nlmsghdr *req,
	     int (*cb)(const struct nlmsghdr *nlh, void *data), void *data);

/* add map inet brig ports_addr, ports_any, ports_addr6, ports_any6 (ports.c) */
int nat_ports_put_maps(struct nat_bctx *c);

/* add (type NFT_MSG_NEWSETELEM) or delete (NFT_MSG_DELSETELEM) the
 * elements v[0..n) in each map they belong to (ports.c). */
int nat_ports_put_elems(struct nat_bctx *c, uint16_t type, const struct net_port *v, size_t n);

#endif
