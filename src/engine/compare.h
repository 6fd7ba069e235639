/* compare.h - `brig compare`: a container in each network mode, the same
 * probes in each, side by side.
 *
 * The modes: none, host, bridge (the default network), a user network
 * (made for the comparison, removed after), container: (sharing the
 * bridge peer's namespace) and a point-to-point veth pair between two
 * containers of mode none.  Each mode's container runs `sleep`; every
 * probe runs from the host inside its network namespace (nsexec.h), so
 * the image needs nothing but sleep.  Per mode: how long the container
 * took to start, the interfaces it sees, whether it reaches the loopback,
 * its peer (another container), the default network's gateway, the host
 * (the address it sends from to its uplink) and the uplink (the host's
 * default gateway), the RTT and TCP throughput to its peer, and whose
 * network namespace it has.
 *
 * Everything it creates carries the label brig.compare and is removed at
 * the end, also when it stops early or fails. */
#ifndef BRIG_COMPARE_H
#define BRIG_COMPARE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "netspec.h"

#define COMPARE_LABEL "brig.compare"

enum compare_mode {
	COMPARE_NONE,
	COMPARE_HOST,
	COMPARE_BRIDGE,
	COMPARE_NETWORK,
	COMPARE_CONTAINER,
	COMPARE_P2P,
	COMPARE_MODES
};

/* What each mode's container pings. */
enum compare_target {
	COMPARE_LOOPBACK, /* 127.0.0.1 */
	COMPARE_PEER,	  /* its peer container (see compare_row.peer) */
	COMPARE_GATEWAY,  /* its network's gateway; else the default network's */
	COMPARE_HOSTADDR, /* the host's address toward the uplink */
	COMPARE_UPLINK,	  /* the host's default gateway, or --uplink */
	COMPARE_TARGETS
};

/* Whose network namespace the mode's container has. */
enum compare_netns { COMPARE_NETNS_OWN, COMPARE_NETNS_HOST, COMPARE_NETNS_PEER };

struct compare_reach {
	uint32_t addr; /* host order; 0: no such target (the host has no uplink) */
	unsigned sent, received;
	double rtt_ms; /* average over the replies */
};

struct compare_row {
	enum compare_mode mode;
	char network[NETSPEC_MODE_MAX]; /* its --network (p2p: "none" + the pair) */
	char peer[64];			/* the peer container's name */
	double start_ms;		/* create to running (p2p: and wired) */
	char (*ifnames)[16];		/* malloc'd */
	size_t n_ifnames;
	enum compare_netns netns;
	struct compare_reach reach[COMPARE_TARGETS];
	double bits_per_sec; /* TCP to the peer; 0: not measured (unreachable) */
	uint32_t retransmits;
	char error[1024]; /* "": measured; else why this mode was not */
};

struct compare_opts {
	const char *image; /* NULL: "busybox" */
	unsigned seconds;  /* of each throughput test; 0: 1 */
	const char *uplink; /* an IPv4 address; NULL: the host's default gateway */
	const volatile sig_atomic_t *stop; /* may be NULL; set: stop after this mode */
};

struct compare_result {
	struct compare_row rows[COMPARE_MODES];
	size_t n_rows; /* fewer than COMPARE_MODES when stopped early */
};

const char *compare_mode_name(enum compare_mode m);
const char *compare_target_name(enum compare_target t);
const char *compare_netns_name(enum compare_netns n);

/* Run the comparison.  A mode that fails has its error in its row; the
 * whole fails (nothing left behind) when the image is unknown or the
 * peers cannot be started.  Free res with compare_free, also on failure. */
int compare_run(const struct brig_ctx *c, const struct compare_opts *o, struct compare_result *res,
		struct brig_err *e);
void compare_free(struct compare_result *res);

#endif
