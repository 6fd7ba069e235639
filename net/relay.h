/* relay.h - the user engine of link impairments, for kernels without
 * sch_netem: a relay process in its own network namespace joins two veth
 * pairs and applies netem's impairments to each direction (net/impair.h).
 *
 *   A:x <-> relay:side_a  [relay_run: a->b, b->a]  relay:side_b <-> B:y
 *
 * net_relay_splice() builds that from a plain pair A:x <-> B:y without
 * changing A (a container's eth0 keeps its address and routes) and with B:y
 * recreated under the same name, MAC, MTU, bridge, alias, addresses and
 * routes; net_relay_unsplice() returns it to a plain pair.
 *
 * The relay's parameters and counters live in a small shared file the
 * engine mmaps (struct relay_shared): `netem set` changes a running relay's
 * parameters and `netem show` reads its counters without talking to it. */
#ifndef BRIG_NET_RELAY_H
#define BRIG_NET_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "netem.h"

/* Directions: RELAY_AB carries what side_a receives (what A:x sends: A:x's
 * egress) out of side_b; RELAY_BA the reverse (B:y's egress). */
enum { RELAY_AB = 0, RELAY_BA = 1 };

enum relay_state { RELAY_NEW = 0, RELAY_RUNNING = 1, RELAY_STOPPED = 2 };

#define RELAY_SHARED_MAGIC 0x31796c6572676962ULL /* "bigrely1" */
#define RELAY_SHARED_VERSION 1

/* The shared file's layout (native byte order; one machine).  Writers of
 * params serialise with flock(LOCK_EX) on the file and bracket their
 * change with gen (a seqlock: odd while a change is under way), which the
 * relay re-reads on every wake-up; relay_shared_set does all of it.  Only
 * the relay writes state, pid and counters (each counter a single aligned
 * 64-bit store, so a reader never sees one torn). */
struct relay_shared {
	uint64_t magic;	  /* RELAY_SHARED_MAGIC */
	uint32_t version; /* RELAY_SHARED_VERSION */
	uint32_t size;	  /* sizeof(struct relay_shared) */
	uint32_t gen;	  /* params' generation; odd: being written */
	uint32_t state;	  /* enum relay_state */
	int32_t pid;	  /* the relay's pid while it runs */
	uint32_t reserved;
	uint64_t seed;	  /* the impairments' random numbers; set at creation */
	struct netem_params params[2];	   /* [RELAY_AB], [RELAY_BA] */
	struct netem_counters counters[2]; /* likewise */
};

/* An open shared file. */
struct relay_shm {
	int fd;
	struct relay_shared *sh;
};

/* Map the shared file at path.  create: make it (mode 0600), or reset an
 * existing one, with no impairment, zero counters and a random seed; else
 * it must exist with this layout (-EINVAL otherwise). */
int relay_shared_open(const char *path, bool create, struct relay_shm *m, struct brig_err *e);

/* Unmap and close; accepts a zeroed or closed m. */
void relay_shared_close(struct relay_shm *m);

/* Replace direction dir's parameters of a running (or future) relay: the
 * relay picks them up at its next wake-up. */
int relay_shared_set(struct relay_shm *m, int dir, const struct netem_params *p,
		     struct brig_err *e);

/* A consistent copy of the parameters and counters of both directions;
 * state and pid may be read from m->sh directly. */
void relay_shared_read(const struct relay_shm *m, struct netem_params p[2],
		       struct netem_counters c[2]);

/* An AF_PACKET socket bound to ifname of the current netns, for relay_run:
 * PACKET_VNET_HDR (GSO super-frames pass whole, their virtio_net_hdr
 * forwarded as received), outgoing frames ignored, qdisc bypassed, large
 * buffers. */
int relay_socket(const char *ifname, struct brig_err *e);

/* Forward frames between sockets fd_a (side_a) and fd_b (side_b), each
 * direction through its impairments, with the parameters of sh (re-read
 * when its generation changes) and its counters kept up to date.  With no
 * impairment frames pass straight through, in batches.  Returns 0 when
 * stop_fd (a pipe, eventfd or signalfd; -1: none) becomes readable or
 * either interface goes away (deleted, or set down), negative on another
 * failure.  Sets the calling process's timer slack to 1 us. */
int relay_run(int fd_a, int fd_b, struct relay_shm *m, int stop_fd, struct brig_err *e);

/* ---- the plumbing (net/relay_link.c); run in the relay's own netns ---- */

/* Splice the relay into the pair whose end if_b is in namespace ns_b (the
 * host's, with if_b a bridge port, or a lab node's): if_b moves into the
 * current netns as side_a, and a new pair side_b <-> if_b (in ns_b) takes
 * its place with its MAC, MTU, bridge, ifalias, addresses (IPv4, IPv6 but
 * link-local) and routes through it.  Both relay sides are up.  On failure
 * what was done is undone. */
int net_relay_splice(int ns_b, const char *if_b, const char *side_a, const char *side_b,
		     struct brig_err *e);

/* Undo net_relay_splice: delete side_b (ns_b's if_b goes with it), move
 * side_a back into ns_b as if_b with the same configuration and routes. */
int net_relay_unsplice(int ns_b, const char *if_b, const char *side_a, const char *side_b,
		       struct brig_err *e);

#endif
