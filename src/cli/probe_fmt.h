/* probe_fmt.h - the pure parsers and formatters of `lab pingall`, `lab
 * perf` and `capture` (probe_fmt.c), apart so they are unit-tested
 * (tests/unit/test_probe.c) and fuzzed. */
#ifndef BRIG_PROBE_FMT_H
#define BRIG_PROBE_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "lab.h"

/* A bit rate as iperf3's -b takes it: a number (decimals allowed) and an
 * optional K, M or G (x 1000; either case), optionally followed by "bit"
 * or "bit/s": "10M", "1.5g", "500kbit", "2000000".  1 bit/s .. 100 Gbit/s. */
int probe_parse_rate(const char *s, uint64_t *bps, struct brig_err *e);

/* bits/s as "9.41 Gbit/s", "812.30 Mbit/s", "96.00 Kbit/s", "12 bit/s". */
const char *probe_fmt_rate(double bps, char *buf, size_t len);

/* One line of pingall's matrix, Mininet's way: "h1 -> r1 h2 X": each other
 * node's name when every echo to its addresses came back, X when none
 * did, NAME(r/s) in between, NAME(-) when it has no address. */
const char *probe_fmt_matrix_line(const struct lab_pingall *r, size_t from, char *buf, size_t len);

/* Whole percent of s that was not r (rounded, but never 0 when something
 * was lost, nor 100 when something came back); 0 when s is 0. */
unsigned probe_drop_percent(unsigned sent, unsigned received);

/* "NODE[:IFACE]" into node (len bytes) and iface (16 bytes; "eth0" when
 * not given).  The last ':' splits: container names hold none. */
int probe_parse_target(const char *s, char *node, size_t len, char iface[16], struct brig_err *e);

/* A host-order IPv4 address, dotted, into buf (16 bytes). */
const char *probe_fmt_ip(uint32_t addr, char *buf);

/* A pingall pair's address, IPv4 dotted or IPv6 (RFC 5952), into buf. */
#define PROBE_FMT_ADDR_MAX 48
const char *probe_fmt_ping_addr(const struct lab_ping *g, char buf[PROBE_FMT_ADDR_MAX]);

/* Interface names joined by commas into buf (len bytes), at most width
 * characters when there are many: the first names, then ",+K" for the K
 * left out ("lo,eth0"; "lo,up0,br0,+5").  The first name always shows. */
const char *probe_fmt_ifnames(char (*v)[16], size_t n, size_t width, char *buf,
			      size_t len);

/* One line about a captured packet, tcpdump's way, from its first caplen
 * bytes (len on the wire) on a link of type dlt (DLT_EN10MB: Ethernet; 0 for
 * anything else is decoded no further): "IP 10.0.1.2 > 10.0.1.1: ICMP echo
 * request, id 7, seq 1, length 64", "ARP, Request who-has ...", "IP
 * a.1234 > b.80: TCP [S], length 0", ... without the time.  Never reads
 * past caplen. */
const char *probe_fmt_packet(const uint8_t *p, size_t caplen, size_t len, int dlt, char *buf,
			     size_t n);

#endif
