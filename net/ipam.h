/* ipam.h - IPAM (net/ipam.c): one lease file per network, guarded by flock.
 *
 * Line format: "<addr> <container-id> <owner-pid> <owner-starttime>\n",
 * plus one "last <addr>" line recording the last allocation (rotation).
 * A dual-stack network's file also holds IPv6 leases, the same line with
 * an IPv6 address, and a "last6 <addr6>" line before "last" (the final
 * line, the mark of a whole file).  A file without IPv6 is byte for byte
 * what brig wrote before IPv6.
 * Corrupt lines are skipped and reported once per read with brig_warn(). */
#ifndef BRIG_NET_IPAM_H
#define BRIG_NET_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "types.h"

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
 * first: all of them in a file of at most 32 leases; in a larger one 32
 * checked from a random place, and any such lease on the address asked
 * for or met by the allocation (a full network is swept whole), so one
 * allocation costs the same at any size; ipam_gc reclaims all.  Allocation rotates from the last allocated address.  rec (may be
 * NULL) rebuilds a damaged file first. */
int ipam_lease(const char *path, const struct net_network *n, const char *cid, pid_t owner,
	       unsigned long long starttime, uint32_t requested, uint32_t *out,
	       const struct ipam_recover *rec, struct brig_err *e);

/* The IPv6 twin of ipam_lease, in the same file, for n's v6 subnet:
 * requested (NULL: any) must be a host address of it, neither the
 * subnet-router anycast (subnet::0) nor the gateway; otherwise addresses
 * are handed out in order from subnet::1 (no EUI-64), rotating from the
 * last IPv6 allocation.  cid's existing v6 lease is returned on a retry. */
int ipam_lease6(const char *path, const struct net_network *n, const char *cid, pid_t owner,
		unsigned long long starttime, const struct in6_addr *requested,
		struct in6_addr *out, const struct ipam_recover *rec, struct brig_err *e);

/* Release every lease of cid in the file (both families).  Absent file is success. */
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
	bool v6;               /* addr6 is the address, not addr */
	uint32_t addr;
	struct in6_addr addr6;
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
	struct in6_addr last6; /* the "last6" line; valid when has_last6 */
	bool has_last6;
};

/* Parse len bytes of lease file into *f (zero it first; free with
 * ipam_file_free); entries come out sorted, IPv4 ones first.  Corrupt,
 * over-long, duplicate or unterminated lines are skipped and counted in *warn (may be NULL).  Returns the number of leases
 * kept, or a negative errno (only -ENOMEM). */
int ipam_parse(const char *buf, size_t len, struct ipam_file *f, struct ipam_warn *warn,
	       struct brig_err *e);

/* Add ent unless its address (of its family) is already leased; -ENOMEM on failure. */
int ipam_file_add(struct ipam_file *f, const struct ipam_entry *ent);

/* Free f's entries; accepts a zeroed ipam_file. */
void ipam_file_free(struct ipam_file *f);

#endif
