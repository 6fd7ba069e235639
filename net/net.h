/* net.h - brig's network module: host bridge, veth, addresses, routes,
 * nftables (table "inet brig") and lease-file IPAM.
 *
 * Everything goes through libnl-3/libnl-route-3 and libnftnl+libmnl; nothing
 * here execs a program or prints.  Every function returns >= 0 on success or
 * a negative errno and fills *e (see src/err.h).  Addresses are IPv4 in host
 * byte order (uint32_t).
 */
#ifndef BRIG_NET_H
#define BRIG_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define NET_NAME_MAX 64
#define NET_IFNAME_MAX 16 /* IFNAMSIZ */

/* One brig network, as src/ stores it. */
struct net_network {
	char name[NET_NAME_MAX];
	char bridge[NET_IFNAME_MAX];
	uint32_t subnet;  /* network address */
	int prefix;       /* 0..32 */
	uint32_t gateway; /* the bridge's address; 0 with no_gateway */
	int mtu;          /* 0 = default (MTU of the host's default-route link) */
	bool internal;    /* no masquerade, no forwarding off the bridge, no
			   * default route through it */
	bool no_gateway;  /* a pure layer-2 segment: the bridge holds no
			   * address (no NAT, no default route through it);
			   * containers still get leases */
	bool ipam_none;   /* no subnet, no leases: containers get an
			   * interface without an address (implies no_gateway) */
};

/* ---- parsing (pure, fuzzed) ---- */

/* Parse dotted-quad "a.b.c.d" into *addr.  Rejects anything else. */
int net_parse_ip(const char *s, uint32_t *addr, struct brig_err *e);

/* Parse "a.b.c.d/N" into *addr (masked to the network) and *prefix.
 * Refuses host bits set ("10.0.0.1/24") with a clear message. */
int net_parse_cidr(const char *s, uint32_t *addr, int *prefix, struct brig_err *e);

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

/* ---- host setup ---- */

/* Refuse a subnet that overlaps a route already on the host (other than
 * routes on n->bridge itself). */
int net_check_host_routes(const struct net_network *n, struct brig_err *e);

/* Create n->bridge (if absent) up, with the gateway address (none with
 * no_gateway) and MTU; a link
 * of that name that is not a bridge created by brig is an error, never
 * reused.  Sets net.ipv4.ip_forward=1.  Idempotent. */
int net_bridge_ensure(const struct net_network *n, struct brig_err *e);

/* Delete n->bridge if it exists and is a bridge brig created (marked by
 * ifalias "brig"); any other link of that name is left alone.  Idempotent. */
int net_bridge_remove(const struct net_network *n, struct brig_err *e);

/* Replace the whole "inet brig" table with the rules for these networks
 * (the set of brig's bridges, masquerade of traffic leaving through any
 * other interface, forward accepts, isolation) in one atomic batch.  With
 * count == 0 the table is deleted.  Never touches another table. */
int net_nat_apply(const struct net_network *nets, size_t count, struct brig_err *e);

/* True when table "inet brig" exists and holds the chains net_nat_apply makes
 * with a non-empty forward chain (so a flushed or deleted table can be
 * restored by the caller).  Read-only. */
int net_nat_check(bool *intact, struct brig_err *e);

/* ---- nftables batch (net/nat.c), exposed so unit tests can build a batch
 * without a socket and parse it back ---- */

/* A complete nftables transaction: BATCH_BEGIN, nmsg messages (each asking
 * for an ack), BATCH_END, in buf[0..len). */
struct net_nat_batch {
	char *buf;
	size_t len, cap;
	unsigned nmsg;
};

/* Most networks one batch handles (isolation rules grow as count^2). */
#define NET_NAT_MAX_NETWORKS 128

/* Build the batch net_nat_apply sends for these networks, with sequence
 * numbers from seq.  Pure: allocates b->buf, touches no socket. */
int net_nat_build(struct net_nat_batch *b, const struct net_network *nets, size_t count,
		  uint32_t seq, struct brig_err *e);

/* Free b->buf; accepts a zeroed batch. */
void net_nat_batch_free(struct net_nat_batch *b);

/* Send b on a NETLINK_NETFILTER socket and drain every ack; the first error
 * the kernel reports (with its extended-ack text) fails the whole batch. */
int net_nat_commit(const struct net_nat_batch *b, struct brig_err *e);

/* ---- per container ---- */

/* Host side: create veth pair <host_if> / <peer_if> with MTU mtu (<= 0:
 * the bridge's), attach
 * host_if to bridge and bring it up, and move peer_if into the network
 * namespace of process peer_pid.  On failure nothing is left behind. */
int net_veth_create(const char *host_if, const char *peer_if, const char *bridge, int mtu,
		    pid_t peer_pid, struct brig_err *e);

/* Delete a link by name; absent is success. */
int net_link_delete(const char *ifname, struct brig_err *e);

/* Inside the container's netns: bring lo up. */
int net_lo_up(struct brig_err *e);

/* Inside the container's netns: rename peer_if to ifname, set mac, add
 * addr/prefix, bring it up, and when gw != 0 add the default route via gw. */
int net_iface_configure(const char *peer_if, const char *ifname, uint32_t addr, int prefix,
			const uint8_t mac[6], uint32_t gw, struct brig_err *e);

/* Read rx/tx byte counters of a link in the current netns. */
int net_link_stats(const char *ifname, uint64_t *rx, uint64_t *tx, struct brig_err *e);

/* ---- IPAM: one lease file per network, guarded by flock ----
 * Line format: "<addr> <container-id> <owner-pid> <owner-starttime>\n",
 * plus one "last <addr>" line recording the last allocation (rotation).
 * Corrupt lines are skipped and reported once per read with brig_warn(). */

/* What ipam_parse found wrong in a file. */
struct ipam_warn {
	int bad_lines;
	char first[256]; /* description of the first bad line */
};

struct ipam_file;

/* The lease file is a cache of the truth (the live containers).  When it is
 * missing, empty, corrupt or lacks its "last" line (cut or overwritten),
 * fn is called under the file's lock to add the leases of every live
 * container (ipam_file_add) before anything is allocated or reclaimed. */
struct ipam_recover {
	int (*fn)(void *arg, struct ipam_file *f, struct brig_err *e);
	void *arg;
};

/* Lease an address in n for cid, owned by (owner, starttime).  requested
 * != 0 asks for that address (refused if taken or outside the subnet).
 * Leases whose owner is dead (pid gone or start time differs) are reclaimed
 * first.  Allocation rotates from the last allocated address.  rec (may be
 * NULL) rebuilds a damaged file first. */
int ipam_lease(const char *path, const struct net_network *n, const char *cid, pid_t owner,
	       unsigned long long starttime, uint32_t requested, uint32_t *out,
	       const struct ipam_recover *rec, struct brig_err *e);

/* Release every lease of cid in the file.  Absent file is success. */
int ipam_release(const char *path, const char *cid, struct brig_err *e);

/* Re-own cid's leases (e.g. the monitor takes over from `brig run`).
 * Returns how many were re-owned; -ENOENT when cid holds none. */
int ipam_reown(const char *path, const char *cid, pid_t owner, unsigned long long starttime,
	       struct brig_err *e);

/* Reclaim leases of dead owners (after rebuilding a damaged file through
 * rec, which may be NULL); *freed gets how many. */
int ipam_gc(const char *path, int *freed, const struct ipam_recover *rec, struct brig_err *e);

/* ---- lease file parsing (pure, fuzzed by tests/fuzz/fuzz_lease.c) ---- */

#define IPAM_CID_MAX 128  /* container id bytes, with the NUL */
#define IPAM_LINE_MAX 256 /* longer lines are corrupt */

struct ipam_entry {
	uint32_t addr;
	pid_t owner;
	unsigned long long starttime;
	char cid[IPAM_CID_MAX]; /* [A-Za-z0-9_.-]+ */
	size_t line;            /* line number in the file (for messages) */
};

struct ipam_file {
	struct ipam_entry *v;
	size_t n, cap;
	uint32_t last; /* the "last" line; valid when has_last */
	bool has_last;
};

/* Parse len bytes of lease file into *f (zero it first; free with
 * ipam_file_free).  Corrupt, over-long, duplicate or unterminated lines are
 * skipped and counted in *warn (may be NULL).  Returns the number of leases
 * kept, or a negative errno (only -ENOMEM). */
int ipam_parse(const char *buf, size_t len, struct ipam_file *f, struct ipam_warn *warn,
	       struct brig_err *e);

/* Add ent unless its address is already leased; -ENOMEM on failure. */
int ipam_file_add(struct ipam_file *f, const struct ipam_entry *ent);

/* Free f's entries; accepts a zeroed ipam_file. */
void ipam_file_free(struct ipam_file *f);


#endif
