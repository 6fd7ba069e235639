/* userns.h - a container in a user namespace of its own (--userns=auto,
 * --uidmap, --gidmap): container root is an unprivileged range of host
 * ids.  The parent writes the maps and idmaps the image's layers; the
 * child becomes root of its namespace and mounts them.  See
 * docs/security.md. */
#ifndef BRIG_USERNS_H
#define BRIG_USERNS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "idmap.h"
#include "spawn.h"

/* Parent, before clone: a detached clone (open_tree) of each of the
 * image's layers (lower, ':' separated, top first), into *fds (malloc'd,
 * *n of them).  They are idmapped by userns_setup once the namespace
 * exists; the child inherits them. */
int userns_layers_open(const char *lower, int **fds, size_t *n, struct brig_err *e);

/* Close and free what userns_layers_open gave. */
void userns_layers_close(int *fds, size_t n);

/* Parent, at sync 1: write the child's gid_map and uid_map (brig is root
 * in the initial namespace, so setgroups stays allowed, as crun leaves it
 * when it writes the maps itself), then give each layer clone the
 * namespace's idmap (mount_setattr MOUNT_ATTR_IDMAP): the image's files,
 * owned by host root, show as owned by the container's root. */
int userns_setup(pid_t pid, const struct userns_maps *u, const int *fds, size_t n,
		 struct brig_err *e);

/* Child, after sync 2, while it is still host root: out becomes s with
 * the paths a mapped root can reach (the container's directory is the
 * working directory, so upper, work and merged are relative; the layers
 * are "idmap/N"; bind sources and the hosts file are opened now and
 * named /proc/self/fd/N), then the child becomes root of its namespace.
 * out's strings live until exec. */
int userns_enter(const struct spawn_spec *s, struct spawn_spec *out, struct brig_err *e);

/* Child, in its mount namespace made private: a tmpfs on "idmap" holding
 * the idmapped layers at idmap/0, idmap/1, ... (the overlay's lower
 * directories). */
int userns_attach_layers(const struct spawn_spec *s, struct brig_err *e);

/* /dev/NAME of the host bound on path (an empty file made here): a user
 * namespace may not mknod, as runc does it. */
int userns_bind_dev(const char *path, const char *name, struct brig_err *e);

/* Become root of the user namespace we are in: no supplementary groups,
 * gid and uid 0.  Capabilities in the namespace are kept. */
int userns_become_root(struct brig_err *e);

/* exec: join the user namespace of fd (opened from /proc/PID/ns/user)
 * and become its root, before the other namespaces are joined. */
int userns_join(int fd, struct brig_err *e);

#endif
