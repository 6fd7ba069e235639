/* binds.c - the user's mounts (-v, --mount, --tmpfs) and --read-only.
 *
 * They are made in the container's own mount namespace once the overlay,
 * /proc, /sys and /dev are in place and before pivot_root, when a path is
 * still a host path.  The image is not trusted: any component of a target
 * may be a symlink, absolute or full of "..", meant to aim the mount (or a
 * directory brig creates for it) at the host.  So:
 *
 *  - a target is only ever looked up from an O_PATH fd of the new root with
 *    openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): "/" and ".." in the
 *    image mean the container's root, as they will after pivot_root, and
 *    magic links (/proc/self/root) are refused;
 *  - a missing component is created with mkdirat (or, for the last one of a
 *    file mount, an O_CREAT | O_EXCL | O_NOFOLLOW open) in its parent
 *    directory, itself resolved that way, so nothing is ever created through
 *    a symlink; a dangling symlink is followed by looking its target up,
 *    again inside the root, as Docker follows it;
 *  - the mount is built detached (open_tree(OPEN_TREE_CLONE) of the source,
 *    or fsmount of a new tmpfs), made read-only while detached, and moved
 *    onto the fd of the resolved target: no path is looked up again between
 *    the check and the mount.
 *
 * A volume's empty directory is first filled from the image (spawn_spec's
 * seed hook, the engine's copy) in a pass of its own right after the
 * overlay is mounted, so only the image's files are copied, never /proc's
 * or /dev's.  Every failure names the mount it was for.  The lookups and
 * creations are rootfs_at.c's, shared with the rest of the rootfs. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount.h"
#include "rootfs_at.h"

static bool on_proc(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* An O_PATH fd of target inside root, made (as a directory, or with !dir
 * an empty file) when missing: rootfs_mkpath's walk. */
static int open_target(int root, const char *target, bool dir, struct brig_err *e)
{
	int fd = rootfs_mkpath(root, target, dir ? 0755 : 0644, dir ? 0 : ROOTFS_FILE, e);

	return fd < 0 ? brig_err_ctx(e, "mount target %s", target) : fd;
}

static const char *what(const struct spawn_mount *m)
{
	return m->source ? m->source : "tmpfs";
}

/* The target fits the source (a directory on a directory, anything else
 * on a non-directory) and is not in /proc. */
static int check_target(int fd, bool dir, const struct spawn_mount *m, struct brig_err *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return brig_errno(e, "mount target %s", m->target);
	if (on_proc(fd))
		return brig_errf(e, EPERM, "mount target %s: the target is in /proc", m->target);
	if (dir && !S_ISDIR(st.st_mode))
		return brig_errf(e, ENOTDIR, "mount %s on %s: a directory cannot be mounted on a file",
				 what(m), m->target);
	if (!dir && S_ISDIR(st.st_mode))
		return brig_errf(e, EISDIR, "mount %s on %s: a file cannot be mounted on a directory",
				 what(m), m->target);
	return 0;
}

/* 1 when the open directory fd holds nothing, 0 when it holds something. */
static int dir_empty(int fd, const char *label, struct brig_err *e)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3); /* fdopendir owns what it gets */

	if (copy < 0 || !(d = fdopendir(copy))) {
		brig_errno(e, "read %s", label);
		if (copy >= 0)
			close(copy);
		return -e->code;
	}
	for (errno = 0; (de = readdir(d)); errno = 0)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return 0;
	return errno ? brig_errno(e, "read %s", label) : 1;
}

/* A volume's first use, as Docker's: when its directory is empty, fill it
 * with what the image has at the target, and give it the owner and mode
 * of the image's directory there. */
static int seed(const struct spawn_spec *s, int root, const struct spawn_mount *m,
		struct brig_err *e)
{
	cleanup_close int dst = -1, from = -1;
	struct stat st;
	int empty;

	dst = open(m->source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return brig_errno(e, "volume %s", m->source);
	empty = dir_empty(dst, m->source, e);
	if (empty <= 0)
		return empty;
	from = rootfs_open(root, m->target, O_PATH | O_DIRECTORY, 0);
	if (from < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : brig_errno(e, "mount target %s", m->target);
	if (fstat(from, &st) < 0)
		return brig_errno(e, "mount target %s", m->target);
	if (s->seed(root, m->target, dst, e) < 0)
		return brig_err_ctx(e, "fill the volume for %s from the image", m->target);
	if (fchown(dst, st.st_uid, st.st_gid) < 0 || fchmod(dst, st.st_mode & 07777) < 0)
		return brig_errno(e, "volume for %s: set owner and mode", m->target);
	return 0;
}

int mount_seed_volumes(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_close int root = -1;

	if (!s->seed || !s->n_mounts)
		return 0;
	root = open(s->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return brig_errno(e, "open %s", s->merged);
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].seed && s->mounts[i].source && seed(s, root, &s->mounts[i], e) < 0)
			return -e->code;
	return 0;
}

/* A new tmpfs, detached: fsopen, one fsconfig per "key=value" of m->data,
 * fsmount with m->attrs. */
static int tmpfs_tree(const struct spawn_mount *m, struct brig_err *e)
{
	cleanup_close int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	char data[256];
	int mnt;

	if (fs < 0)
		return brig_errno(e, "tmpfs on %s", m->target);
	/* named "tmpfs" in the mount table, as Docker's are, not "none" */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0)
		return brig_errno(e, "tmpfs on %s", m->target);
	if (snprintf(data, sizeof(data), "%s", m->data ? m->data : "") >= (int)sizeof(data))
		return brig_errf(e, E2BIG, "tmpfs on %s: options too long", m->target);
	for (char *save, *kv = strtok_r(data, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');
		if (v)
			*v++ = '\0';
		if (syscall(SYS_fsconfig, fs, v ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, kv, v, 0) < 0)
			return brig_errno(e, "tmpfs on %s: option %s", m->target, kv);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return brig_errno(e, "tmpfs on %s", m->target);
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, (unsigned)m->attrs);
	if (mnt < 0)
		return brig_errno(e, "tmpfs on %s", m->target);
	return mnt;
}

/* The detached tree of m: a recursive clone of its source (opened here:
 * a clone needs the mount as this namespace has it), or a new tmpfs.
 * *dir says whether it is a directory. */
static int build_tree(const struct spawn_mount *m, bool *dir, struct brig_err *e)
{
	cleanup_close int src = -1;
	struct stat st;
	int tree;

	*dir = true;
	if (!m->source)
		return tmpfs_tree(m, e);
	src = open(m->source, O_PATH | O_CLOEXEC);
	if (src < 0 || fstat(src, &st) < 0)
		return brig_errno(e, "mount %s on %s", m->source, m->target);
	*dir = S_ISDIR(st.st_mode);
	tree = (int)syscall(SYS_open_tree, src, "",
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return brig_errno(e, "mount %s on %s: clone", m->source, m->target);
	return tree;
}

static int mount_one(int root, const struct spawn_mount *m, struct brig_err *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	cleanup_close int tree = -1, target = -1;
	bool dir;

	tree = build_tree(m, &dir, e);
	if (tree < 0)
		return -e->code;
	if (m->readonly && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro,
				   sizeof(ro)) < 0)
		return brig_errno(e, "mount %s on %s: read-only", what(m), m->target);
	target = open_target(root, m->target, dir, e);
	if (target < 0 || check_target(target, dir, m, e) < 0)
		return -e->code;
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return brig_errno(e, "mount %s on %s", what(m), m->target);
	return 0;
}

static size_t depth(const char *path)
{
	size_t n = 0;

	for (; *path; path++)
		n += *path == '/';
	return n;
}

int mount_user(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_close int root = -1;
	cleanup_free size_t *order = NULL;

	if (!s->n_mounts)
		return 0;
	root = open(s->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	order = calloc(s->n_mounts, sizeof(*order));
	if (root < 0)
		return brig_errno(e, "open %s", s->merged);
	if (!order)
		return brig_errf(e, ENOMEM, "mounts: out of memory");
	/* Shallow targets first (a stable insertion sort), so a mount inside
	 * another one lands on top of it, as Docker orders them. */
	for (size_t i = 0; i < s->n_mounts; i++) {
		size_t j = i;
		for (; j > 0 && depth(s->mounts[order[j - 1]].target) > depth(s->mounts[i].target); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (size_t i = 0; i < s->n_mounts; i++)
		if (mount_one(root, &s->mounts[order[i]], e) < 0)
			return -e->code;
	return 0;
}

bool mount_is_target(const struct spawn_spec *s, const char *path)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].target, path) == 0)
			return true;
	return false;
}

int mount_root_readonly(const struct spawn_spec *s, struct brig_err *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	if (!s->readonly_root)
		return 0;
	/* "/"'s own mount only: /proc, /dev, volumes and tmpfs keep theirs */
	if (syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &ro, sizeof(ro)) < 0)
		return brig_errno(e, "make / read-only");
	return 0;
}
