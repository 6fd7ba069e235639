/* capture.h - `brig capture`: packets of a container's interface, taken
 * from the host with libpcap inside the container's network namespace
 * (net/capture.h, run by an nsexec.h helper), so the image needs no
 * tcpdump.  The helper writes the pcap file itself (or stdout, for -w -);
 * without a file it sends each packet's first bytes back for the front
 * end to print a line about. */
#ifndef BRIG_CAPTURE_H
#define BRIG_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "ctx.h"
#include "err.h"
#include "nsexec.h"

#define CAPTURE_HEAD 256 /* bytes of each packet sent back without a file */

struct capture_opts {
	const char *ifname; /* default "eth0" */
	const char *filter; /* BPF expression; NULL: everything */
	const char *file;   /* pcap file; "-": stdout; NULL: packets come back */
	long count;	    /* stop after this many; <= 0: at capture_stop */
};

/* Once the interface is open (tcpdump's "listening on" line). */
struct capture_ready {
	char ifname[16];
	char linktype[32], desc[64]; /* "EN10MB", "Ethernet" */
	int dlt, snaplen;
};

/* One thing capture_next says. */
struct capture_event {
	enum { CAPTURE_PACKET = 1, CAPTURE_END } kind;
	/* a packet (no file): its time, lengths and first bytes */
	struct timeval ts;
	uint32_t caplen, len;
	uint8_t head[CAPTURE_HEAD];
	/* the end: the counts, as tcpdump prints them */
	uint64_t captured, received, dropped;
};

struct capture_job {
	struct nsexec_job h;
};

/* Open o->ifname of running container ref (name or id) with the filter
 * compiled, and start capturing; ready says what was opened.  Bad input
 * fails here, before any file is written: -ENOENT (no such container),
 * -EINVAL (not running, a bad filter or interface name), -ENODEV (no
 * such interface). */
int capture_start(const struct brig_ctx *c, const char *ref, const struct capture_opts *o,
		  struct capture_job *job, struct capture_ready *ready, struct brig_err *e);

/* The next event: 1 (ev filled; after CAPTURE_END, 0 follows), 0 when the
 * capture is over, negative on failure. */
int capture_next(struct capture_job *job, struct capture_event *ev, struct brig_err *e);

/* Stop the capture (it ends with CAPTURE_END): async-signal-safe, for a
 * front end's SIGINT and SIGTERM. */
void capture_stop(const struct capture_job *job);

/* Kill the helper at once (a front end giving up). */
void capture_abort(struct capture_job *job);

#endif
