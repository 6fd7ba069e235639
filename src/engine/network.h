/* network.h - brig networks as the CLI sees them: definitions under
 * <root>/networks/<name>.json, host setup, leases and names.  The default
 * network "bridge" (device br0, 10.88.0.0/16) exists implicitly. */
#ifndef BRIG_NETWORK_H
#define BRIG_NETWORK_H

#include <jansson.h>

#include "ctx.h"
#include "types.h"

#define DEFAULT_NETWORK "bridge"

/* Load a network by name (the default one even before it was used). */
int network_load(const struct brig_ctx *c, const char *name, struct net_network *n,
		 struct brig_err *e);

/* Every defined network (the default one once it was used). *v malloc'd. */
int network_list(const struct brig_ctx *c, struct net_network **v, size_t *count,
		 struct brig_err *e);

/* Validate and store a new network and apply the nftables table. */
int network_create(const struct brig_ctx *c, struct net_network *n, struct brig_err *e);

/* A new network as a front end gives it: strings as the user typed them.
 * NULL means not given. */
struct network_request {
	const char *name;    /* NULL: not exactly one NAME given */
	const char *subnet;  /* CIDR "a.b.c.d/N"; required unless ipam is "none" */
	const char *gateway; /* default: the subnet's first host */
	const char *bridge;  /* default: "br-" + the name's first 12 characters */
	const char *mtu;     /* 68..65535; default: the host's default-route link's */
	const char *ipam;    /* "default" (the default) or "none": no addresses */
	bool internal, no_gateway;
	/* --ipv6: dual stack; --subnet and --gateway given an IPv6 value
	 * (one per family, as Docker) land here.  No subnet6: a unique-local
	 * /64 derived from the name and the host. */
	bool ipv6;
	const char *subnet6, *gateway6;
};

/* Parse and check req into *n (zeroed first), without I/O: each error is
 * the line the CLI prints after "brig: " (bad --gateway, --ipam, --mtu,
 * missing or invalid name, --ipam none with --subnet or --gateway, no
 * --subnet, bad --subnet, --gateway with --no-gateway, in that order). */
int network_request_parse(const struct network_request *req, struct net_network *n,
			  struct brig_err *e);

/* network_request_parse, then network_create. */
int network_create_request(const struct brig_ctx *c, const struct network_request *req,
			   struct brig_err *e);

/* The inspect document of network name: {"name", "bridge", "subnet",
 * "gateway" ("" without one), "mtu", "internal", "no_gateway", "ipam",
 * "containers": [{"id", "name", "address", "mac"}] of the running
 * containers attached}.  A new reference in *doc. */
int network_inspect(const struct brig_ctx *c, const char *name, json_t **doc,
		    struct brig_err *e);

/* One network as `network ls` shows it; subnet and gateway "" when the
 * network has none (--ipam none, --no-gateway). */
struct network_summary {
	char name[NET_NAME_MAX];
	char bridge[NET_IFNAME_MAX];
	char subnet[20], gateway[16];
	int mtu;
	bool internal, no_gateway, ipam_none;
};

/* Every network (network_list), sorted by name.  *v malloc'd. */
int network_summaries(const struct brig_ctx *c, struct network_summary **v, size_t *n,
		      struct brig_err *e);

/* Remove a network: refused while a container holds a lease on it. */
int network_remove(const struct brig_ctx *c, const char *name, struct brig_err *e);

/* The host lock: one change to the host's networking (bridges, table inet
 * brig, published ports) at a time.  Returns the fd; closing releases it. */
int network_lock_host(const struct brig_ctx *c, struct brig_err *e);

/* Host setup for n (idempotent): definition stored, bridge up with the
 * gateway and MTU, ip_forward, and the "inet brig" table present (restored
 * when someone flushed it).  *mtu gets the bridge's MTU. */
int network_setup_host(const struct brig_ctx *c, struct net_network *n, struct brig_err *e);

/* Lease file path for a network. */
int network_lease_path(const struct brig_ctx *c, const char *name, char *out, size_t len,
		       struct brig_err *e);

/* Lease an address for container id, owned by process owner (the lease
 * is reclaimed once that process is gone). */
int network_lease(const struct brig_ctx *c, const struct net_network *n, const char *id,
		  pid_t owner, uint32_t requested, uint32_t *addr, struct brig_err *e);

/* Reclaim the leases of dead owners on network name, after rebuilding a
 * lost or damaged lease file from the running containers' records. */
int network_gc_leases(const struct brig_ctx *c, const char *name, int *freed,
		      struct brig_err *e);

/* Release id's lease on network name. */
int network_release(const struct brig_ctx *c, const char *name, const char *id,
		    struct brig_err *e);

/* ---- IPv6 (network6.c) ---- */

/* The definition's v6 keys ("ipv6", "subnet6", "gateway6"), only for a
 * dual-stack network; reading them back. */
void network_json6(json_t *j, const struct net_network *n);
int network_from_json6(json_t *j, struct net_network *n, struct brig_err *e);

/* network inspect's "ipv6", "subnet6" and "gateway6" ("" without). */
void network_inspect6(json_t *doc, const struct net_network *n);

/* The request's v6 half into n (--subnet V6 or --gateway V6 need --ipv6). */
int network_request6(const struct network_request *req, struct net_network *n,
		     struct brig_err *e);

/* n's v6 subnet must not overlap another network's in all (count) nor a
 * host route. */
int network_overlap6(const struct net_network *all, size_t count, const struct net_network *n,
		     struct brig_err *e);

/* n's unique-local /64 for salt (net_ula64 of its name and this host's
 * /etc/machine-id), gateway back to the default. */
void network_ula(struct net_network *n, unsigned salt);

/* The first of those that validates and overlaps nothing (salt 0, 1, ...). */
int network_pick_ula(const struct net_network *all, size_t count, struct net_network *n,
		     struct brig_err *e);

/* Is the host's default dual stack (BRIG_DEFAULT_IPV6=1; off by default,
 * as in Docker, since a v6 network turns on the host's IPv6 forwarding)? */
bool network_default_is_ipv6(void);

/* The default network is dual stack when BRIG_DEFAULT_IPV6=1 at its
 * definition (its first use): its unique-local /64, salt 0. */
void network_default_ipv6(struct net_network *n);

/* For a dual-stack n: net.ipv6.conf.all.forwarding=1, with a warning and
 * a mark in the runtime root when brig turned it on. */
int network_ipv6_forwarding(const struct brig_ctx *c, const struct net_network *n,
			    struct brig_err *e);

/* `system reset`: IPv6 forwarding off again when brig turned it on. */
int network_ipv6_restore(const struct brig_ctx *c, struct brig_err *e);

/* Lease an IPv6 address on dual-stack n (requested: NULL for any), as
 * network_lease (network.c). */
int network_lease6(const struct brig_ctx *c, const struct net_network *n, const char *id,
		   pid_t owner, const struct in6_addr *requested, struct in6_addr *addr,
		   struct brig_err *e);

/* Tear down everything: bridges of all networks, the nftables table, lease
 * files and definitions (brig system reset). */
int network_reset(const struct brig_ctx *c, struct brig_err *e);

#endif
