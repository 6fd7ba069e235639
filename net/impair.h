/* impair.h - one direction of an impaired link, as netem treats an
 * interface's egress: loss, duplication, corruption, a delay with uniform
 * jitter, reordering (netem's reorder with gap 1) and a rate, over a
 * bounded queue ordered by departure time.  Pure logic on a clock the
 * caller passes in (nanoseconds, any monotonic origin): no socket, no
 * syscall after impair_init, so tests/unit/test_impair.c drives it with a
 * fixed seed.  net/relay.c runs two of these, one per direction.
 *
 * Frames are copied into a pool of IMPAIR_FRAME_MAX-byte slots allocated
 * once (anonymous memory, touched only as far as frames reach), so the hot
 * path never allocates.  A frame may start with a struct virtio_net_hdr
 * (hdr_len bytes, as AF_PACKET's PACKET_VNET_HDR gives it): rate and
 * counters then count the Ethernet frame after it, and corruption makes
 * the checksum complete first so the receiver sees the bad bit. */
#ifndef BRIG_NET_IMPAIR_H
#define BRIG_NET_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "netem.h"

#define IMPAIR_LIMIT 1000	     /* netem's default queue limit, in frames */
#define IMPAIR_FRAME_MAX (65536 + 512) /* a GSO super-frame and its headers */
#define IMPAIR_ETH_HLEN 14	     /* corruption spares the Ethernet header */

/* What impair_enqueue did with a frame (bits). */
enum {
	IMPAIR_QUEUED = 1,     /* in the queue (also when due at once) */
	IMPAIR_DROPPED = 2,    /* lost, over the limit, or unusable */
	IMPAIR_DUPLICATED = 4, /* a second copy queued too */
	IMPAIR_CORRUPTED = 8,  /* one bit flipped */
	IMPAIR_REORDERED = 16, /* due at once, ahead of the delayed */
};

struct impair_slot {
	uint64_t due;	/* departure time, ns */
	uint64_t seq;	/* arrival order: ties leave in it */
	uint32_t len;	/* bytes, hdr included */
	uint32_t index; /* its buffer in the pool */
};

struct impair {
	struct netem_params params;
	struct netem_counters counters;
	size_t hdr_len;	    /* bytes of virtio_net_hdr before each frame: 0 or 10 */
	unsigned limit;	    /* frames the queue holds */
	uint64_t rng;	    /* xorshift64* state, never 0 */
	uint64_t last_due;  /* departure of the last frame the rate spaced */
	uint64_t seq;
	uint8_t *pool;	    /* limit slots of IMPAIR_FRAME_MAX bytes */
	uint32_t *free;	    /* stack of free slot indexes */
	unsigned nfree;
	struct impair_slot *heap; /* min-heap on (due, seq), nheap entries */
	uint8_t *scratch;	  /* one frame: a segment being cut */
	unsigned nheap;
};

/* Allocate the pool and queue for limit frames (0: IMPAIR_LIMIT); params
 * all zero; seed 0 picks 1.  -ENOMEM. */
int impair_init(struct impair *im, unsigned limit, size_t hdr_len, uint64_t seed,
		struct brig_err *e);

/* Free what impair_init allocated; accepts a zeroed or freed im. */
void impair_free(struct impair *im);

/* New parameters from now on; queued frames keep their departure times. */
void impair_set_params(struct impair *im, const struct netem_params *p);

/* True when the parameters impair nothing and the queue is empty: frames
 * may then go straight through without impair_enqueue (they are not
 * counted here then; impair_count_passed does it). */
bool impair_idle(const struct impair *im);

/* Count n frames of bytes bytes (hdr included) sent: passed straight
 * through, or dequeued. */
void impair_count_passed(struct impair *im, unsigned n, uint64_t bytes);

/* Decide frame (len bytes, hdr included) arriving at now: dropped, or
 * copied into the queue (twice when duplicated) with its departure time.
 * Returns the IMPAIR_* bits. */
int impair_enqueue(struct impair *im, const uint8_t *frame, size_t len, uint64_t now);

/* Departure time of the queue's first frame, UINT64_MAX when empty. */
uint64_t impair_next_due(const struct impair *im);

/* Take the first frame out of the queue when it is due at now: its bytes
 * and *len, valid until the next impair_enqueue; NULL when none is due.
 * The caller counts it: impair_count_passed once sent, else
 * impair_count_dropped. */
const uint8_t *impair_dequeue(struct impair *im, uint64_t now, size_t *len);

/* Count n frames dropped after they left the queue (the send failed). */
void impair_count_dropped(struct impair *im, unsigned n);

/* Queued frames. */
unsigned impair_queued(const struct impair *im);

#endif
