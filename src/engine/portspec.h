/* portspec.h - published ports as values (pure, portspec.c): `-p`'s
 * [HOSTIP:][HOSTPORT[-HOSTPORT]:]PORT[-PORT][/tcp|/udp|/sctp], an image's
 * ExposedPorts keys, `brig port`'s PORT[/PROTO], and a published port
 * written as Docker writes it ("0.0.0.0:8080->80/tcp").  Unit-tested
 * (test_portspec.c) and fuzzed (fuzz_portspec.c). */
#ifndef BRIG_PORTSPEC_H
#define BRIG_PORTSPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The most ports one container publishes (a range counts each port). */
#define PORTSPEC_MAX 128

/* The most bindings one container holds: each request once for IPv4 and
 * once for IPv6 (-p 8080:80 of a container with an IPv6 address). */
#define PORTSPEC_BINDINGS_MAX (2 * PORTSPEC_MAX)

/* One container port asked for: published on a host port from
 * [host_lo, host_hi] (0, 0: any free port), on host_ip (0: every address
 * of the host), for proto (IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP).
 * family: which address was given: 0 none (every address of both
 * families: IPv6 too when the container has an IPv6 address), AF_INET
 * (host_ip, 0.0.0.0 included: IPv4 only) or AF_INET6 ([host_ip6], [::]:
 * every IPv6 address). */
struct port_request {
	uint32_t host_ip;
	uint16_t host_lo, host_hi, port;
	uint8_t proto;
	uint8_t family;
	struct in6_addr host_ip6;
};

/* One published port: host_ip:host_port (host_ip 0: every address) leads
 * to the container's addr:port; with v6, [host_ip6]:host_port (:: every
 * address) to [addr6]:port. */
struct port_binding {
	uint32_t host_ip, addr;
	uint16_t host_port, port;
	uint8_t proto;
	bool v6;
	struct in6_addr host_ip6, addr6;
};

/* Parse one -p value, appending one request per container port to
 * out[*n..max).  Refused (EINVAL, one line "invalid -p 'S': why"): a
 * port out of 1-65535 (a host port may be 0: any), a bad address (an
 * IPv6 one goes in brackets, [fd00::1]:8080:80, and is neither v4-mapped
 * nor [::1]: IPv6 has no route_localnet), a protocol other than tcp, udp
 * or sctp, ranges of different lengths (a host range with one container
 * port is a choice of host ports), more than max in all (E2BIG).  *n is
 * unchanged on failure. */
int portspec_parse(const char *s, struct port_request *out, size_t max, size_t *n,
		   struct brig_err *e);

/* An image's ExposedPorts key or `brig port`'s filter, "PORT[/PROTO]"
 * (tcp when left out): 0, or -EINVAL with e filled. */
int portspec_port(const char *s, uint16_t *port, uint8_t *proto, struct brig_err *e);

/* "tcp", "udp" or "sctp" (any case) into *proto: 0, or -1. */
int portspec_proto(const char *s, uint8_t *proto);

/* "tcp", "udp", "sctp"; "?" for another number. */
const char *portspec_proto_name(uint8_t proto);

/* b's host side, "0.0.0.0:8080" ("[::]:8080"), into out. */
void portspec_host_str(const struct port_binding *b, char *out, size_t len);

/* b as Docker's ps shows it, "0.0.0.0:8080->80/tcp", into out. */
void portspec_binding_str(const struct port_binding *b, char *out, size_t len);

/* The bindings v[0..n) as ps's PORTS cell: joined by ", ", runs of
 * consecutive ports (same address and protocol) as one range
 * ("0.0.0.0:8000-8002->80-82/tcp").  Cut at a whole entry when out is
 * too short. */
void portspec_summary(const struct port_binding *v, size_t n, char *out, size_t len);

#endif
