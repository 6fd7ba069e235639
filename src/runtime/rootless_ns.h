/* rootless_ns.h - the user namespace an unprivileged user's brig runs in
 * (docs/rootless.md).  A small "pause" process creates it and holds it
 * open for as long as the user has brig state; every brig command joins
 * it (setns: its owner may, from the initial namespace) and is root
 * there, so containers, monitors and execs all share one namespace, as
 * podman's rootless mode does. */
#ifndef BRIG_ROOTLESS_NS_H
#define BRIG_ROOTLESS_NS_H

#include <sys/types.h>

#include "err.h"
#include "idmap.h"

/* Fork the pause process: it unshares a user namespace, its maps are
 * written (uid and gid: one range mapping our own id to 0 is written
 * directly, with setgroups denied; more ranges need the setuid helpers
 * newuidmap and newgidmap of shadow's uidmap package), then it sleeps
 * until killed, detached (setsid, fds 0-2 /dev/null, nothing else open).
 * *holder is its pid. */
int rootless_ns_create(const struct idmap *uid, const struct idmap *gid, pid_t *holder,
		       struct brig_err *e);

/* Join the user namespace of holder and become its root (uid and gid 0,
 * no supplementary groups where setgroups is allowed).  The process must
 * be single-threaded. */
int rootless_ns_join(pid_t holder, struct brig_err *e);

#endif
