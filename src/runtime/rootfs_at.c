/* rootfs_at.c - paths inside a container's root (see rootfs_at.h).
 *
 * Everything here starts from an fd of the root and ends on an fd: the
 * lookups are openat2(RESOLVE_IN_ROOT), the creations *at() calls in a
 * parent found that way, the mounts move_mount onto the fd found.  A name
 * swapped for a symlink between two steps can at worst make a step fail;
 * it never sends one outside the root (the race of CVE-2021-30465). */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "rootfs_at.h"

/* Per path: components created plus dangling symlinks followed. */
#define MAX_STEPS 256
/* openat2 says EAGAIN when a rename raced a confined lookup: retry. */
#define OPEN_RETRIES 16

static int open_confined(int root, const char *path, uint64_t flags, mode_t mode, int how)
{
	/* openat2 refuses a mode without O_CREAT */
	struct open_how oh = {.flags = flags | O_CLOEXEC,
			      .mode = (flags & O_CREAT) ? mode : 0,
			      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
					 ((how & ROOTFS_NO_SYMLINKS) ? RESOLVE_NO_SYMLINKS : 0)};
	int fd, tries = 0;

	do
		fd = (int)syscall(SYS_openat2, root, path, &oh, sizeof(oh));
	while (fd < 0 && errno == EAGAIN && ++tries < OPEN_RETRIES);
	return fd;
}

int rootfs_open(int root, const char *path, int flags, mode_t mode)
{
	return open_confined(root, path, (uint64_t)(unsigned)flags, mode, 0);
}

bool rootfs_on_kernel_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return false;
	return sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC ||
	       sf.f_type == CGROUP_SUPER_MAGIC || sf.f_type == CGROUP2_SUPER_MAGIC;
}

static bool on_proc(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* The error of a failed lookup, without the path (the caller names it). */
static int lookup_failed(struct brig_err *e)
{
	int saved = errno;

	return brig_errf(e, saved, "%s", strerror(saved));
}

/* ROOTFS_NO_SYMLINKS met one: name the first symlink on path. */
static int refuse_symlink(int root, const char *path, struct brig_err *e)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", path);
	for (char *c = p + strspn(p, "/"); *c;) {
		cleanup_close int fd = -1;
		struct stat st;
		char saved;

		c += strcspn(c, "/");
		saved = *c;
		*c = '\0';
		/* O_PATH | O_NOFOLLOW: a trailing symlink itself, not refused */
		fd = open_confined(root, p, O_PATH | O_NOFOLLOW, 0, ROOTFS_NO_SYMLINKS);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode))
			return brig_errf(e, ELOOP, "%s is a symlink in the image", p);
		*c = saved;
		c += strspn(c, "/");
	}
	return brig_errf(e, ELOOP, "a symlink is in the way");
}

/* The name at path[off..end) is a dangling symlink: put its target in its
 * place (absolute: from the root; relative: from the directory holding it,
 * as the kernel reads it), so the next lookup goes where the link points,
 * inside the root.  A name that is no symlink (it appeared meanwhile) is
 * simply looked up again. */
static int follow_link(int parent, const char *name, char *path, size_t size, size_t off,
		       size_t end, struct brig_err *e)
{
	char link[PATH_MAX], out[PATH_MAX];
	ssize_t n = readlinkat(parent, name, link, sizeof(link) - 1);
	int len;

	if (n < 0)
		return errno == EINVAL ? 0 : brig_errno(e, "read link %s", name);
	link[n] = '\0';
	len = snprintf(out, sizeof(out), "%.*s%s%s", link[0] == '/' ? 0 : (int)off, path, link,
		       path + end);
	if (len < 0 || (size_t)len >= sizeof(out) || (size_t)len >= size)
		return brig_errf(e, ENAMETOOLONG, "path too long");
	memcpy(path, out, (size_t)len + 1);
	return 0;
}

/* Create name in parent: a directory, or with file an empty file.  1 when
 * something is already there (EEXIST). */
static int make_entry(int parent, const char *name, bool file, mode_t mode, struct brig_err *e)
{
	int fd, r;

	if (file) {
		fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    mode);
		r = fd < 0 ? -1 : close(fd);
	} else {
		r = mkdirat(parent, name, mode);
	}
	if (r == 0)
		return 0;
	if (errno == EEXIST)
		return 1;
	return brig_errno(e, "create %s", name);
}

/* One step towards path: create its first missing component in the parent
 * resolved inside root, or, where that name is a dangling symlink, replace
 * it in path by the link's target. */
static int create_step(int root, char *path, size_t size, mode_t mode, int how, struct brig_err *e)
{
	cleanup_close int parent = open_confined(root, "/", O_PATH | O_DIRECTORY, 0, how);
	char name[NAME_MAX + 1];

	if (parent < 0)
		return brig_errno(e, "open the root");
	for (size_t off = 0, end;; off = end) {
		int fd, r;
		char saved;
		bool last;

		off += strspn(path + off, "/");
		if (!path[off])
			return 0; /* all there now: someone made it meanwhile */
		end = off + strcspn(path + off, "/");
		if (end - off > NAME_MAX)
			return brig_errf(e, ENAMETOOLONG, "name too long");
		saved = path[end];
		path[end] = '\0';
		fd = open_confined(root, path, O_PATH, 0, how);
		path[end] = saved;
		if (fd >= 0) {
			close(parent);
			parent = fd;
			continue;
		}
		if (errno == ELOOP && (how & ROOTFS_NO_SYMLINKS))
			return refuse_symlink(root, path, e);
		if (errno != ENOENT)
			return lookup_failed(e);
		/* /proc is the kernel's window on the host: nothing is made
		 * there (runc keeps mounts off it too) */
		if (on_proc(parent))
			return brig_errf(e, EPERM, "the target is in /proc");
		snprintf(name, sizeof(name), "%.*s", (int)(end - off), path + off);
		last = !path[end];
		r = make_entry(parent, name, last && (how & ROOTFS_FILE), last ? mode : 0755, e);
		if (r <= 0 || (how & ROOTFS_NO_SYMLINKS))
			return r < 0 ? r : 0;
		return follow_link(parent, name, path, size, off, end, e);
	}
}

int rootfs_mkpath(int root, const char *path, mode_t mode, int how, struct brig_err *e)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return brig_errf(e, ENAMETOOLONG, "path too long");
	for (int step = 0; step < MAX_STEPS; step++) {
		int fd = open_confined(root, p, O_PATH, 0, how);
		if (fd >= 0)
			return fd;
		if (errno == ELOOP && (how & ROOTFS_NO_SYMLINKS))
			return refuse_symlink(root, p, e);
		if (errno != ENOENT)
			return lookup_failed(e);
		if (create_step(root, p, sizeof(p), mode, how, e) < 0)
			return -e->code;
	}
	return brig_errf(e, ELOOP, "too many levels of symbolic links");
}

/* mount(2)'s per-mount flags as the new API's attributes. */
static uint64_t mount_attrs(unsigned long flags)
{
	static const struct {
		unsigned long ms;
		uint64_t attr;
	} map[] = {
	    {MS_RDONLY, MOUNT_ATTR_RDONLY},	    {MS_NOSUID, MOUNT_ATTR_NOSUID},
	    {MS_NODEV, MOUNT_ATTR_NODEV},	    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	    {MS_NOATIME, MOUNT_ATTR_NOATIME},	    {MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
	    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
	};
	uint64_t a = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].ms)
			a |= map[i].attr;
	return a;
}

/* "key=value,flag,..." as fsconfig calls, as mount(2) splits its data. */
static int configure(int fs, const char *source, const char *data)
{
	char buf[1024];

	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return -1;
	if (!data)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", data) >= (int)sizeof(buf)) {
		errno = E2BIG;
		return -1;
	}
	for (char *save, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');
		if (v)
			*v++ = '\0';
		if (syscall(SYS_fsconfig, fs, v ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, kv, v,
			    0) < 0)
			return -1;
	}
	return 0;
}

int rootfs_mount_fs(int target, const char *source, const char *type, unsigned long flags,
		    const char *data)
{
	cleanup_close int fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC), mnt = -1;

	if (fs < 0 || configure(fs, source, data) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, (unsigned)mount_attrs(flags));
	if (mnt < 0)
		return -1;
	return (int)syscall(SYS_move_mount, mnt, "", target, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
		   ? -1
		   : 0;
}

int rootfs_bind(int source, int target, bool recursive, uint64_t attrs)
{
	struct mount_attr a = {.attr_set = attrs};
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	cleanup_close int tree = (int)syscall(
	    SYS_open_tree, source, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);

	if (tree < 0)
		return -1;
	if (attrs && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | rec, &a, sizeof(a)) < 0)
		return -1;
	return (int)syscall(SYS_move_mount, tree, "", target, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
		   ? -1
		   : 0;
}
