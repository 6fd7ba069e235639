/* userns_ctl.h - the engine's side of user namespaces: the options
 * (--userns, --uidmap, --gidmap) checked into a spec, the ranges of
 * --userns=auto allocated from /etc/subuid and /etc/subgid, and the
 * container's directories given to its mapped root.  The runtime's side
 * is src/runtime/userns.h; the pure parsers src/runtime/idmap.h. */
#ifndef BRIG_USERNS_CTL_H
#define BRIG_USERNS_CTL_H

#include <stdbool.h>

#include "ctx.h"
#include "err.h"
#include "idmap.h"

struct container_spec;
struct container;

/* The files --userns=auto allocates from; the user whose lines count. */
#define USERNS_SUBUID "/etc/subuid"
#define USERNS_SUBGID "/etc/subgid"
#define USERNS_USER "root"

/* --userns MODE: "auto" (a range of its own from /etc/subuid), or
 * "host" (no user namespace: the default, as Docker's). */
int userns_opt_mode(struct container_spec *s, const char *mode, struct brig_err *e);

/* --uidmap (gid false) or --gidmap (gid true) CONTAINER_ID:HOST_ID:SIZE,
 * repeatable. */
int userns_opt_map(struct container_spec *s, bool gid, const char *arg, struct brig_err *e);

/* The options together, from spec_validate: --userns=auto or maps, not
 * both; one map alone serves for both (podman's rule); container root
 * mapped; no --privileged, --network host or container:NAME (Docker
 * requires --userns=host for those). */
int userns_check_spec(struct container_spec *s, struct brig_err *e);

/* --userns=auto: fill s's maps with the lowest free range of
 * IDMAP_AUTO_SIZE ids of USERNS_USER in /etc/subuid and /etc/subgid,
 * free meaning no other container's record maps it.  Call under the
 * store lock (state_lock), before the record is created: the records are
 * the allocation table, so a range is held as long as its container
 * exists (its upper layer's files are owned by it) and freed with it. */
int container_userns_alloc(const struct brig_ctx *c, struct container_spec *s,
			   struct brig_err *e);

/* The directories of a new container in a user namespace: the container's
 * directory group of the mapped root and 0710 (so it can reach upper,
 * work and merged, no one else can), upper owned by the mapped owner of
 * the image's root, work by the mapped root, and "idmap" (where the
 * child attaches the idmapped layers); a new empty volume it mounts is
 * given to the mapped root.  Nothing without a namespace. */
int container_userns_dirs(const struct brig_ctx *c, const struct container *ct,
			  struct brig_err *e);

#endif
