/* lab_record.h - what brig keeps of a lab (private to src/engine): the
 * record <root>/labs/<name>.json, written before the first side effect of
 * `lab up` and rewritten as the deploy goes on, so that `lab down NAME`
 * removes exactly what the lab created, without its file and after any
 * crash.  One typed struct, one JSON codec.
 *
 *   {"name", "file", "created", "state": "deploying"|"running",
 *    "mgmt": {"network", "created"},
 *    "nodes": [{"name", "container", "kind", "image", "group"}],
 *    "bridges": [NAME...],      bridges this lab creates
 *    "host_interfaces": [NAME...], link ends it makes in the host's namespace
 *    "links": [{"type", "mtu", "a": END, "b": END}]}
 *   END: {"node", "interface", "ipv4": "a.b.c.d/N" (when set),
 *         "ipv6": "ADDR/N" (when set),
 *         "netem": "delay 50ms ..." (when the file impairs what leaves it)}
 */
#ifndef BRIG_LAB_RECORD_H
#define BRIG_LAB_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ctx.h"
#include "err.h"

struct lab_rec_node {
	char *name, *container, *kind, *image, *group;
};

struct lab_rec_end {
	char *node; /* "host" for the host */
	char *ifname;
	uint32_t ipv4;
	int prefix;
	bool has_ipv6; /* the file's ipv6 for it */
	struct in6_addr ipv6;
	int prefix6;
	char *netem; /* what the file declares leaves it ("delay 50ms ..."), or NULL */
};

struct lab_rec_link {
	char *type;
	int mtu;
	struct lab_rec_end a, b; /* b.node NULL for a dummy */
};

struct lab_record {
	char *name, *file, *created, *state;
	char *mgmt_network;
	bool mgmt_created; /* this lab defined the network: down removes it */
	struct lab_rec_node *nodes;
	size_t n_nodes;
	char **bridges, **host_ifs;
	size_t n_bridges, n_host_ifs;
	struct lab_rec_link *links;
	size_t n_links;
};

/* Path of lab name's record (file NULL) or of another file of it
 * ("lock"): <root>/labs/<name>.json, <root>/labs/<name>.lock. */
int lab_record_path(const struct brig_ctx *c, const char *name, const char *suffix, char *out,
		    size_t len, struct brig_err *e);

/* Lock lab name (flock on <root>/labs/<name>.lock); the fd to close. */
int lab_lock(const struct brig_ctx *c, const char *name, struct brig_err *e);

/* Write r atomically. */
int lab_record_save(const struct brig_ctx *c, const struct lab_record *r, struct brig_err *e);

/* Read lab name's record into *r (zeroed first): -ENOENT when none. */
int lab_record_load(const struct brig_ctx *c, const char *name, struct lab_record *r,
		    struct brig_err *e);

/* Remove the record (and its lock file). */
int lab_record_remove(const struct brig_ctx *c, const char *name, struct brig_err *e);

/* Names of every recorded lab, sorted; NULL terminated (strv_free). */
int lab_record_list(const struct brig_ctx *c, char ***names, struct brig_err *e);

void lab_record_free(struct lab_record *r);

/* end's ipv4 as "a.b.c.d/N" into buf (at least 20 bytes), "" without one. */
const char *lab_end_cidr(const struct lab_rec_end *end, char *buf);

/* end's ipv6 as "ADDR/N" into buf (NET_CIDR6_STRLEN bytes), "" without one. */
const char *lab_end_cidr6(const struct lab_rec_end *end, char *buf);

/* The ifalias of what lab makes on the host (its bridges, host-side link
 * ends), so that down removes exactly those: "brig-lab:LAB" into buf. */
#define LAB_MARK_MAX 80
void lab_mark(const char *lab, char *buf);

/* Append a copy of s to the NULL-terminated list *v of *n. */
int lab_strv_add(char ***v, size_t *n, const char *s, struct brig_err *e);

#endif
