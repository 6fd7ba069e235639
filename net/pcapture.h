/* pcapture.h - packet capture on an interface of the CURRENT network
 * namespace through libpcap (loaded on first use: pcap_lazy.h).  The
 * engine's capture (src/engine/capture.c) calls it in a helper that joined
 * a container's namespace.  Packets go to a pcap file (flushed after each
 * one, so a pipe to wireshark streams), or to a callback. */
#ifndef BRIG_NET_PCAPTURE_H
#define BRIG_NET_PCAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "err.h"

struct net_capture;

struct net_capture_opts {
	const char *ifname;
	const char *filter; /* BPF filter expression (tcpdump's); NULL or "": all */
	int snaplen;	    /* <= 0: 262144, as tcpdump */
};

/* What the interface is, once open: for tcpdump's "listening on" line. */
struct net_capture_info {
	int dlt;	   /* DLT_* */
	char linktype[32]; /* "EN10MB" */
	char desc[64];	   /* "Ethernet" */
	int snaplen;
};

/* Open ifname (immediate mode, promiscuous) and set the filter compiled
 * from o->filter.  -ENODEV for no such interface, -EINVAL for a filter
 * libpcap refuses (its words in e), -ELIBACC without libpcap. */
int net_capture_open(const struct net_capture_opts *o, struct net_capture **cap,
		     struct net_capture_info *info, struct brig_err *e);

/* Write packets as pcap to f (flushed after every packet; net_capture_close
 * closes it). */
int net_capture_to_file(struct net_capture *cap, FILE *f, struct brig_err *e);

/* Hand packets to fn instead (f not set). */
typedef void (*net_capture_fn)(void *arg, const struct timeval *ts, uint32_t caplen, uint32_t len,
			       const uint8_t *data);
void net_capture_to_fn(struct net_capture *cap, net_capture_fn fn, void *arg);

struct net_capture_stats {
	uint64_t captured; /* handed on (written or given to fn) */
	uint64_t received; /* the kernel's "received by filter" */
	uint64_t dropped;  /* the kernel's "dropped" */
};

/* Capture until count packets were handed on (count <= 0: no limit),
 * net_capture_break, or a write failure (the reader of a pipe went away:
 * an end, not an error).  st gets the counts. */
int net_capture_run(struct net_capture *cap, long count, struct net_capture_stats *st,
		    struct brig_err *e);

/* End net_capture_run soon: async-signal-safe (pcap_breakloop wakes the
 * poll), for SIGINT and SIGTERM handlers. */
void net_capture_break(struct net_capture *cap);

void net_capture_close(struct net_capture *cap);

#endif
