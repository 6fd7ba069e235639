/* block.h - a link "pulled" like a cable: nothing passes either way,
 * while the interface stays up with its addresses and routes (net/block.c).
 *
 * Setting the interface down would do it too, but the kernel then drops
 * the node's IPv4 routes through it and its IPv6 addresses, and `up`
 * would not bring back what `exec` lines or a routing daemon had set.
 * Instead, a clsact qdisc on the interface gets one cls_bpf filter on
 * ingress and one on egress, in direct-action mode, whose program is
 * "return TC_ACT_SHOT": every frame (ARP and ND included) is dropped
 * before the stack or the wire sees it.  A routing daemon notices the
 * silence as on a dead link (hellos time out), not a carrier loss. */
#ifndef BRIG_NET_BLOCK_H
#define BRIG_NET_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* Block (or unblock) ifname of the current network namespace.
 * Idempotent: blocking twice keeps one filter per direction, unblocking
 * an unblocked interface is success.  brig's filters are the cls_bpf
 * ones at priority 1, protocol all, handle 0xb1e9, named "brig-down"; an
 * unblock removes exactly those, then the clsact qdisc only when no
 * filter at all is left on it (a user's own clsact filters, and the
 * qdisc holding them, stay).  Needs CAP_NET_ADMIN and CAP_BPF (or
 * CAP_SYS_ADMIN).  A block that fails half way is undone. */
int net_link_block(const char *ifname, bool block, struct brig_err *e);

/* 1 when brig's filter is on ifname (either direction), 0 when not. */
int net_link_blocked(const char *ifname, struct brig_err *e);

/* Frames dropped on ifname's clsact hooks since the qdisc was made (0
 * without one): brig's filters' drops while blocked, plus whatever a
 * user's own clsact filters dropped. */
int net_link_block_dropped(const char *ifname, uint64_t *dropped, struct brig_err *e);

#endif
