/* netspec.h - what `brig run` asks of each network, as Docker spells it:
 *
 *   --network NAME | none | host | container:NAME
 *   --network name=NET[,ip=ADDR][,ip6=ADDR][,alias=NAME]...[,mac-address=MAC][,gw-priority=N]
 *   --add-host NAME:IP
 *
 * Pure parsers (no I/O), unit-tested and fuzzed (tests/fuzz/fuzz_netspec.c). */
#ifndef BRIG_NETSPEC_H
#define BRIG_NETSPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define NETSPEC_MODE_MAX 128 /* "container:" + a name or id */
#define NETSPEC_ALIASES 8

/* One --network: a mode (none, host, container:NAME) or a bridge network
 * with what the container asks of it. */
struct net_attach {
	char name[NETSPEC_MODE_MAX];
	uint32_t ip;         /* 0: leased */
	bool has_ip6;        /* ip6= or --ip6: a static IPv6 address */
	struct in6_addr ip6;
	bool has_mac;
	uint8_t mac[6];
	long long gw_priority; /* the highest provides the default route */
	size_t n_aliases;
	char aliases[NETSPEC_ALIASES][64];
};

/* --ip6 ADDR for the first network (after netspec_settle); NULL: none.
 * Refused beside ip6= for it, or for a mode (none, host, container:). */
int netspec_settle_ip6(struct net_attach *nets, size_t n_nets, const char *ip6,
		       struct brig_err *e);

/* Parse one --network value into *a (zeroed first). */
int netspec_parse(const char *arg, struct net_attach *a, struct brig_err *e);

/* True for the modes none, host and container:NAME (not a bridge network). */
bool netspec_is_mode(const char *name);

/* Parse "02:42:0a:00:00:05" (a unicast MAC) into mac. */
int netspec_parse_mac(const char *s, uint8_t mac[6], struct brig_err *e);

/* Format mac as "xx:xx:xx:xx:xx:xx" into buf (at least 18 bytes). */
const char *netspec_mac_str(const uint8_t mac[6], char *buf);

/* Settle a container's networks nets[0..*n_nets) (room for one at least):
 * a mode (none, host, container:NAME) stands alone and no network comes
 * twice; none given means the default network "bridge"; the plain --ip
 * and --mac-address strings (NULL: not given) go to the first network,
 * which must then be a bridge network that does not set them itself. */
int netspec_settle(struct net_attach *nets, size_t *n_nets, const char *ip, const char *mac,
		   struct brig_err *e);

/* Parse --add-host NAME:IP (IPv4). */
int netspec_parse_host(const char *arg, char name[64], uint32_t *ip, struct brig_err *e);

#endif
