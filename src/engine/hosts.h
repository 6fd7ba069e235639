/* hosts.h - names on brig networks: every running container's /etc/hosts
 * lists the containers on its networks, and is rewritten when one joins
 * or leaves.
 *
 * Each network has a registry, <runroot>/hosts/<network>, one line per
 * running member: "<id> <s|p> <pid> <address> <name> <hostname> <nets>
 * <aliases> <extra>" (the last two comma-separated or "-": the member's
 * aliases on that network, and its own --add-host lines NAME=IP).
 * Joining or leaving edits the registry under a per-network flock (a join
 * appends its line, a leave cuts it out: the cost does not grow with the
 * members), then the hosts files: a container started on one network ("s") has the
 * network's shared file <runroot>/hosts/<network>.hosts bound read-only on
 * its /etc/hosts, so one in-place write serves all of them; a container on
 * several networks ("p") has its own /etc/hosts, rewritten in place through
 * /proc/<pid>/root (openat2, RESOLVE_IN_ROOT, so no symlink in a container
 * leads out).  The shared file too is edited in place: a join appends the
 * member's lines, a leave cuts them (rewritten whole when it does not hold
 * what the registry says).  No container record is read. */
#ifndef BRIG_HOSTS_H
#define BRIG_HOSTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

#define HOSTS_MAX_NETS 8

struct hosts_entry {
	const char *id;
	pid_t pid;
	bool shared; /* reads its network's shared file (one network at start) */
	const char *name, *hostname;
	size_t n_nets;
	const char *nets[HOSTS_MAX_NETS];
	uint32_t addrs[HOSTS_MAX_NETS]; /* address on each network */
	bool has6[HOSTS_MAX_NETS];	 /* and its IPv6 address (dual stack) */
	struct in6_addr addrs6[HOSTS_MAX_NETS];
	char aliases[HOSTS_MAX_NETS][256]; /* per network, comma-separated */
	char extra[1024]; /* --add-host lines as NAME=IP,...; only in its own
			   * file, so a member with any is never shared */
};

/* The /etc/hosts text for h (not yet registered): localhost, h itself, and
 * the members of its networks.  *out is malloc'd. */
int hosts_text(const struct brig_ctx *c, const struct hosts_entry *h, char **out,
	       struct brig_err *e);

/* Register h on each of its networks and rewrite every member's /etc/hosts. */
void hosts_join(const struct brig_ctx *c, const struct hosts_entry *h);

/* Unregister id from each network in nets and rewrite the other members'. */
void hosts_leave(const struct brig_ctx *c, const char *id, const char *const *nets,
		 size_t n_nets);

/* Remove a network's registry and shared file (network rm / reset). */
void hosts_drop(const struct brig_ctx *c, const char *net);

/* Path of the network's shared hosts file (hosts_join of a shared member
 * writes it), to be bound read-only on a container's /etc/hosts. */
int hosts_shared_path(const struct brig_ctx *c, const char *net, char *out, size_t len,
		      struct brig_err *e);

/* Detach the shared bind from the /etc/hosts of running container pid, so
 * it can have a file of its own (it joined a second network). */
int hosts_unshare(pid_t pid, struct brig_err *e);

#endif
