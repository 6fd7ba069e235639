/* mount.h - the container's filesystem, built inside its own mount namespace. */
#ifndef BRIG_MOUNT_H
#define BRIG_MOUNT_H

#include "spawn.h"

/* Make "/" recursively private, mount the overlay root, /proc, /sys, /dev
 * and the binds under s->merged, mask sensitive paths, pivot_root into it
 * and detach the old root.  Runs in the child only. */
int mount_rootfs(const struct spawn_spec *s, struct brig_err *e);

/* Mount the overlay of s->lower with s->upper and s->work on s->merged, in
 * the caller's mount namespace (the container's, or the private one `brig
 * cp` makes to reach a stopped container's files).  Only those four fields
 * of s are read. */
int mount_overlay(const struct spawn_spec *s, struct brig_err *e);

#endif
