/* probe.h - measurements made from inside a network namespace: ICMP and
 * ICMPv6 echo to many targets at once (the pings of `lab pingall`), a TCP
 * or UDP throughput sender and receiver over either family (`lab perf`),
 * and the addresses of the namespace's interfaces.  Everything works in the CURRENT network
 * namespace: the engine forks a helper, joins a container's namespace there
 * and calls these (src/engine/nsexec.h), so the images need no ping and no
 * iperf3.  The packet builders and parsers are pure (unit-tested, fuzzed). */
#ifndef BRIG_NET_PROBE_H
#define BRIG_NET_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "err.h"

/* ---- ICMP echo, pure ---- */

#define PROBE_ICMP_HDR 8      /* type, code, checksum, id, sequence */
#define PROBE_PING_PAYLOAD 56 /* as ping's default: 64 bytes of ICMP */

/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t probe_checksum(const void *buf, size_t len);

/* An ICMP echo request into buf (cap bytes): header with id and seq (host
 * order) and payload (NULL: plen zero bytes), checksummed.  Returns its length, or -EMSGSIZE. */
int probe_echo_build(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq, const void *payload,
		     size_t plen);

/* What an echo reply says. */
struct probe_echo {
	bool v6;		/* ICMPv6: src6 is the replier (set by the reader) */
	struct in6_addr src6;
	uint32_t src;		/* the replier (host order) */
	uint16_t id, seq;	/* host order */
	const uint8_t *payload; /* inside the packet given */
	size_t plen;
};

/* Parse a packet read from a raw ICMP socket (IPv4 header first): 0 and
 * *out for a well-formed echo reply (IPv4, ICMP, type 0 code 0, lengths
 * consistent, checksum right), -EINVAL for anything else. */
int probe_echo_parse(const uint8_t *pkt, size_t len, struct probe_echo *out);

/* An ICMPv6 echo request into buf (as probe_echo_build; the checksum is
 * left 0: the kernel computes it on a raw ICMPv6 socket, which needs the
 * pseudo-header's addresses). */
int probe_echo6_build(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq, const void *payload,
		      size_t plen);

/* Parse an ICMPv6 message as a raw ICMPv6 socket hands it (no IPv6
 * header; the kernel checked its checksum): 0 and *out (v6 set, src6 left
 * to the caller, who has it from recvfrom) for an echo reply (type 129,
 * code 0, at least 8 bytes), -EINVAL for anything else. */
int probe_echo6_parse(const uint8_t *msg, size_t len, struct probe_echo *out);

/* ---- ping ---- */

struct probe_target {
	bool v6;			  /* in: addr6 (ICMPv6), else addr */
	struct in6_addr addr6;
	uint32_t addr;			  /* host order, as net/parse.h's; in */
	unsigned sent, received;	  /* out: echo requests sent, distinct replies */
	double rtt_min, rtt_avg, rtt_max; /* ms, over the replies (0 without) */
};

struct probe_ping_opts {
	unsigned count;	      /* echo requests per target (>= 1) */
	unsigned interval_ms; /* between rounds */
	unsigned timeout_ms;  /* wait after the last round for late replies */
	uint16_t ident;	      /* ICMP id; replies with another are ignored */
};

/* Ping the n targets of t concurrently from one raw ICMP socket (and one
 * raw ICMPv6 socket for the v6 targets): count
 * rounds interval_ms apart, each sending one echo request to every target,
 * then wait up to timeout_ms (less once every reply is in).  Replies are
 * matched by id, sequence number and source; duplicates and strangers are
 * ignored.  Needs CAP_NET_RAW in the namespace's owner.  n * count must
 * fit the 16-bit sequence space. */
int probe_ping(struct probe_target *t, size_t n, const struct probe_ping_opts *o,
	       struct brig_err *e);

/* ---- addresses ---- */

struct probe_addr {
	char ifname[16]; /* IFNAMSIZ */
	uint32_t addr;	 /* host order (!v6) */
	int prefix;
	bool v6;	 /* addr6 holds it */
	struct in6_addr addr6;
};

/* The IPv4 addresses of this namespace's interfaces but the loopback's,
 * then their IPv6 ones but link-local (fe80::/10: they need a zone to be
 * reached) ones, in the kernel's order; *v malloc'd (NULL when *n is 0). */
int probe_addrs(struct probe_addr **v, size_t *n, struct brig_err *e);

/* ---- interfaces and routes ---- */

/* The names (IFNAMSIZ each) of this namespace's interfaces, the
 * loopback's too, in the kernel's order; *v malloc'd (NULL when *n is 0). */
int probe_ifnames(char (**v)[16], size_t *n, struct brig_err *e);

/* The address this namespace sends from to dst (host order), as its
 * routes choose it; 0 when no route leads there.  Sends nothing. */
int probe_source(uint32_t dst, uint32_t *src, struct brig_err *e);

/* ---- throughput ---- */

struct probe_perf_opts {
	bool udp;
	uint32_t addr;	  /* host order: the receiver's address (!v6) */
	bool v6;	  /* the receiver's address is addr6 */
	struct in6_addr addr6;
	uint16_t port;	  /* host order; 0 lets the receiver pick one */
	unsigned seconds; /* how long the sender sends */
	uint64_t rate;	  /* UDP: bits/s the sender paces to (> 0) */
};

struct probe_perf_result {
	uint64_t bytes;	     /* payload bytes (as the receiver counted them) */
	double seconds;	     /* from the first byte to the end */
	double bits_per_sec; /* bytes * 8 / seconds */
	/* TCP, the sender's TCP_INFO at the end */
	uint32_t retransmits;
	double rtt_ms;
	/* UDP, the receiver's counts */
	uint64_t datagrams, lost;
	double jitter_ms; /* RFC 3550's interarrival jitter */
};

/* The receiver's socket: TCP listening, or UDP bound, on o->addr:o->port
 * (port 0: the kernel picks one; *port gets the one bound). */
int probe_perf_listen(const struct probe_perf_opts *o, uint16_t *port, struct brig_err *e);

/* Receive on fd (probe_perf_listen's): TCP accepts one connection and
 * counts its bytes to its end; UDP counts datagrams until the sender's end
 * marker, or o->seconds + 3 s.  Gives up after 10 s with nobody sending. */
int probe_perf_receive(int fd, const struct probe_perf_opts *o, struct probe_perf_result *r,
		       struct brig_err *e);

/* Send to o->addr:o->port for o->seconds: TCP as fast as it goes (r gets
 * bytes sent, retransmits and RTT), UDP paced to o->rate (r gets bytes and
 * datagrams sent). */
int probe_perf_send(const struct probe_perf_opts *o, struct probe_perf_result *r,
		    struct brig_err *e);

/* The UDP datagram's header, pure: sequence number and send time (ns). */
#define PROBE_UDP_HDR 16
#define PROBE_UDP_END UINT64_MAX /* the sequence number of the end marker */
void probe_udp_stamp(uint8_t *buf, uint64_t seq, int64_t sent_ns);
int probe_udp_read(const uint8_t *buf, size_t len, uint64_t *seq, int64_t *sent_ns);

#endif
