/* mount.h - the container's filesystem, built inside its own mount namespace. */
#ifndef BRIG_MOUNT_H
#define BRIG_MOUNT_H

#include "spawn.h"

/* Make "/" recursively private, mount the overlay root, /proc, /sys, /dev
 * and the binds under s->merged and mask sensitive paths (mount_pivot then
 * enters it).  With s->privileged, /sys and the cgroups are writable,
 * nothing is masked and /dev holds the host's devices.  Runs in the child
 * only; sysfs shows the network namespace the child is in when it runs. */
int mount_rootfs(const struct spawn_spec *s, struct brig_err *e);

/* pivot_root into s->merged (made by mount_rootfs) and detach the old
 * root.  Runs in the child only. */
int mount_pivot(const struct spawn_spec *s, struct brig_err *e);

/* Mount the overlay of s->lower with s->upper and s->work on s->merged, in
 * the caller's mount namespace (the container's, or the private one `brig
 * cp` makes to reach a stopped container's files).  Only those four fields
 * of s are read. */
int mount_overlay(const struct spawn_spec *s, struct brig_err *e);

/* mounts (-v, --mount, --tmpfs, --read-only): binds.c */

/* Fill each volume of s->mounts whose directory is empty (and that asks
 * for it) with the image's content at its target, by s->seed: called by
 * mount_rootfs right after the overlay, before /proc, /sys, /dev and any
 * other mount, so that only the image's files are copied, as Docker's. */
int mount_seed_volumes(const struct spawn_spec *s, struct brig_err *e);

/* Make s->mounts under s->merged, shallow targets first, each target
 * resolved and created inside the root (never through a symlink of the
 * image).  Called by mount_rootfs, before pivot_root. */
int mount_user(const struct spawn_spec *s, struct brig_err *e);

/* True when one of s->mounts has path (absolute, clean) as its target:
 * brig then leaves that file (/etc/hosts, /etc/resolv.conf) to the user. */
bool mount_is_target(const struct spawn_spec *s, const char *path);

/* With s->readonly_root, make the mount of "/" read-only (only it: /proc,
 * /dev, volumes and tmpfs keep their own).  After pivot_root, once the
 * files brig writes are in. */
int mount_root_readonly(const struct spawn_spec *s, struct brig_err *e);

#endif
