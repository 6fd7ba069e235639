/* rootfs_at.h - paths inside a container's root, resolved the way the
 * container itself will resolve them once that root is its "/".
 *
 * The image is not trusted: any name in it may be a symlink, absolute or
 * full of "..", meant to aim what brig writes, creates or mounts at the
 * host (CVE-2021-30465, CVE-2019-19921, CVE-2025-31133).  So no path inside
 * a root is ever built as a string ("<merged>/etc/hosts") and handed to a
 * path-based syscall: it is looked up from an fd of the root with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so "/" and ".." in the
 * image mean the container's root, and whatever is done next (write,
 * mknodat, a mount) is done on the fd that lookup returned, never on a
 * name looked up again.  openat2 needs Linux 5.6, the new mount API 5.2;
 * brig already needs both (mount_setattr: 5.12), so there is no fallback. */
#ifndef BRIG_ROOTFS_AT_H
#define BRIG_ROOTFS_AT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* How rootfs_mkpath treats the path (bits). */
enum {
	/* the last component is an empty file, not a directory */
	ROOTFS_FILE = 1,
	/* no symlink at all on the way, not even one that stays inside: the
	 * mount points of /proc, /sys, /dev and the cgroups, which runc too
	 * only mounts on plain directories of the image */
	ROOTFS_NO_SYMLINKS = 2,
};

/* openat2(root, path, flags | O_CLOEXEC) confined to root (an fd of it,
 * O_PATH is enough): absolute links and ".." stop at root, magic links
 * (/proc/self/root, /proc/N/fd/M) are refused with ELOOP.  mode is used
 * with O_CREAT only.  Retries the lookup a rename raced (EAGAIN).  Returns
 * the fd, or -1 with errno set, as open(2). */
int rootfs_open(int root, const char *path, int flags, mode_t mode);

/* An O_PATH fd of path inside root, made when missing: every missing
 * directory on the way (0755), then the last component (a directory, or
 * with ROOTFS_FILE an empty file) with mode.  Each is created with
 * mkdirat/openat(O_EXCL | O_NOFOLLOW) in its parent resolved as
 * rootfs_open resolves it, so nothing is made through a symlink; a
 * dangling symlink is followed by looking its target up inside root (as
 * Docker follows it), unless how has ROOTFS_NO_SYMLINKS, which refuses any
 * symlink with ELOOP ("/proc is a symlink in the image").  Nothing is ever
 * made inside /proc (EPERM "the target is in /proc").  The type of what
 * was already there is the caller's to check.  Returns the fd, or negative
 * with e filled; its message does not name path: the caller adds that. */
int rootfs_mkpath(int root, const char *path, mode_t mode, int how, struct brig_err *e);

/* True when fd is on a kernel file system (proc, sysfs, cgroup), where
 * brig writes, creates or mounts nothing of the image's choosing: a write
 * there reaches the host's kernel (core_pattern, sysrq-trigger). */
bool rootfs_on_kernel_fs(int fd);

/* Mount a new file system of type onto the directory fd target (an fd
 * from rootfs_open or rootfs_mkpath): built detached with fsopen, one
 * fsconfig per "key=value" or "flag" of data (as mount(2) would split
 * it), source as its name in the mount table, flags as mount(2)'s MS_*
 * (read-only, nosuid, nodev, noexec, atime), then moved onto target.  No
 * path is looked up, so a symlink swapped in meanwhile changes nothing.
 * Returns 0, or -1 with errno set. */
int rootfs_mount_fs(int target, const char *source, const char *type, unsigned long flags,
		    const char *data);

/* Bind what the fd source is (a file or a directory, recursively with
 * recursive) onto the fd target: a detached clone (open_tree), given the
 * MOUNT_ATTR_* bits attrs while detached (0: as the source), moved onto
 * target.  Returns 0, or -1 with errno set. */
int rootfs_bind(int source, int target, bool recursive, uint64_t attrs);

#endif
