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

/* ---- IPv6 (net/parse6.c) ---- */

#define NET_IP6_STRLEN 46   /* INET6_ADDRSTRLEN */
#define NET_CIDR6_STRLEN 50 /* address, '/', up to 3 digits */
#define NET_V6_PREFIX_MIN 64 /* a network's v6 subnet: /64 to /120 */
#define NET_V6_PREFIX_MAX 120

/* 128-bit arithmetic on addresses (allocation, masks). */
typedef unsigned __int128 net_u128;
net_u128 net_ip6_u128(const struct in6_addr *a);
void net_u128_ip6(net_u128 v, struct in6_addr *a);
/* Mask of prefix length 0..128. */
net_u128 net_mask6(int prefix);

/* Parse an IPv6 address.  Refuses what inet_pton refuses (":::"), zone
 * ids ("%eth0"), IPv4-mapped addresses (::ffff:a.b.c.d, in any spelling)
 * and dotted IPv4 tails, each with its own message. */
int net_parse_ip6(const char *s, struct in6_addr *a, struct brig_err *e);

/* Parse "ADDR/N" (N in 0..128) as a subnet: host bits set are refused
 * ("did you mean fd00::/64?"). */
int net_parse_cidr6(const char *s, struct in6_addr *a, int *prefix, struct brig_err *e);

/* Parse an interface's address "ADDR/N" (host bits allowed, N in 1..128). */
int net_parse_addr_prefix6(const char *s, struct in6_addr *a, int *prefix, struct brig_err *e);

/* Format a (buf: NET_IP6_STRLEN bytes), a/prefix (buf: NET_CIDR6_STRLEN
 * bytes) in the RFC 5952 form; return buf. */
const char *net_ip6_str(const struct in6_addr *a, char *buf);
const char *net_prefix6_str(const struct in6_addr *a, int prefix, char *buf);

/* True when [a/pa] and [b/pb] overlap; when a lies in subnet/prefix. */
bool net_overlaps6(const struct in6_addr *a, int pa, const struct in6_addr *b, int pb);
bool net_in_subnet6(const struct in6_addr *a, const struct in6_addr *subnet, int prefix);

/* The v6 half of n, when n->ipv6: a /64../120 subnet without host bits,
 * outside ::/8, fe80::/10 and ff00::/8; the gateway (default: subnet::1,
 * filled in) a host address of it other than the subnet-router anycast
 * (subnet::0); none with no_gateway.  Refuses --ipv6 with --ipam none. */
int net_network_validate6(struct net_network *n, struct brig_err *e);

/* A unique-local /64 (fd00::/8, RFC 4193) for network name on host (a
 * stable host identity, e.g. /etc/machine-id): the 56 bits after fd are
 * an FNV-1a hash of both and salt (try salt 0, 1, ... on a collision). */
void net_ula64(const char *name, const char *host, unsigned salt, struct in6_addr *out);

#endif
