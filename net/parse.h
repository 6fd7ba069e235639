/* parse.h - pure parsers and formatters of the network module (net/parse.c):
 * no I/O, unit-tested (test_net_parse.c) and fuzzed (tests/fuzz/fuzz_cidr.c). */
#ifndef BRIG_NET_PARSE_H
#define BRIG_NET_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "types.h"

/* Parse dotted-quad "a.b.c.d" into *addr.  Rejects anything else. */
int net_parse_ip(const char *s, uint32_t *addr, struct brig_err *e);

/* Parse "a.b.c.d/N" into *addr (masked to the network) and *prefix.
 * Refuses host bits set ("10.0.0.1/24") with a clear message. */
int net_parse_cidr(const char *s, uint32_t *addr, int *prefix, struct brig_err *e);

/* Parse an interface's address "a.b.c.d/N" (host bits allowed, N in
 * 1..32) into *addr and *prefix. */
int net_parse_addr_prefix(const char *s, uint32_t *addr, int *prefix, struct brig_err *e);

/* A Linux interface name: 1..15 bytes, not "." or "..", no '/', ':',
 * whitespace or control character. */
bool net_ifname_valid(const char *s);

/* addr/prefix as "a.b.c.d/N" into buf (at least 20 bytes); returns buf. */
const char *net_prefix_str(uint32_t addr, int prefix, char *buf);

/* n's subnet as "a.b.c.d/N" into buf (at least 20 bytes), "" when the
 * network has no IPAM; returns buf. */
const char *net_cidr_str(const struct net_network *n, char *buf);

/* Format addr into buf (at least 16 bytes); returns buf. */
const char *net_ip_str(uint32_t addr, char *buf);

/* True when [a/pa] and [b/pb] overlap. */
bool net_overlaps(uint32_t a, int pa, uint32_t b, int pb);

/* Fill n's gateway (first host) when 0 (unless n->no_gateway) and validate it lies inside the
 * subnet and is neither the network nor the broadcast address.  A /31 is
 * allowed (RFC 3021: both addresses are hosts; the gateway defaults to the
 * first); a /32 is refused (no room for a container). */
int net_network_validate(struct net_network *n, struct brig_err *e);

/* The stable MAC for an address: 02:42:a.b.c.d, as Docker does. */
void net_mac_from_ip(uint32_t addr, uint8_t mac[6]);

#endif
