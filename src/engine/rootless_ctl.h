/* rootless_ctl.h - the engine's side of rootless brig (docs/rootless.md):
 * where an unprivileged user's state lives, the user namespace every
 * command joins (its pause process: src/runtime/rootless_ns.h), what a
 * rootless container may ask for, and its user-mode network
 * (src/runtime/slirp.h).  Whether we are rootless: src/base/rootless.h. */
#ifndef BRIG_ROOTLESS_CTL_H
#define BRIG_ROOTLESS_CTL_H

#include <stdbool.h>

#include "ctx.h"
#include "err.h"

struct container_spec;
struct container;
struct spawn_spec;
struct spawn_file;

/* The network mode of rootless containers: slirp4netns (slirp.h). */
#define ROOTLESS_NET "slirp4netns"

/* An unprivileged user's defaults, where neither $BRIG_ROOT nor
 * $BRIG_RUNROOT say otherwise: $XDG_DATA_HOME/brig (~/.local/share/brig)
 * and $XDG_RUNTIME_DIR/brig (/tmp/brig-UID without it).  Nothing for
 * root. */
void rootless_defaults(struct brig_ctx *c);

/* An unprivileged user's brig, before its command: create the state
 * directories (0700), then join the user namespace held by the pause
 * process named in RUNROOT/pause.pid, creating both when there is none:
 * the user's id as root, and the first ranges of /etc/subuid and
 * /etc/subgid as ids 1 and up when both exist and newuidmap is
 * installed.  Nothing for root. */
int rootless_enter(struct brig_ctx *c, struct brig_err *e);

/* Refuse what needs root: "WHAT needs root (...)" when rootless. */
int rootless_refuse(const char *what, struct brig_err *e);

/* A rootless container's options, from spec_validate: the default network
 * becomes ROOTLESS_NET; --net host, bridge networks, --userns and
 * resource limits (no delegated cgroup) are refused in one line.
 * Nothing for root. */
int rootless_check_spec(struct container_spec *s, struct brig_err *e);

/* Whether a rootless container goes without a cgroup of its own (none is
 * delegated to the user); false for root. */
bool rootless_no_cgroup(void);

/* container_start: a container on ROOTLESS_NET gets slirp4netns (s->slirp,
 * in ct) and its /etc/hosts and /etc/resolv.conf (the DNS forwarder) in
 * f[0], f[1] (malloc'd contents).  Nothing for other networks. */
int rootless_net_fill(struct container *ct, struct spawn_spec *s, struct spawn_file *f,
		      struct brig_err *e);

/* container_finish: stop its slirp4netns. */
void rootless_net_release(struct container *ct);

#endif
