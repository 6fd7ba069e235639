/* mount.c - root filesystem of a container.
 *
 * Everything is mounted inside the container's own mount namespace after
 * "/" is made recursively private, so no mount ever propagates to the host
 * and a crash cannot leave one behind. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount.h"
#include "rootfs_at.h"
#include "rootless.h"
#include "userns.h"
#include "util.h"

struct fs_mount {
	const char *src, *dst, *type;
	unsigned long flags;
	const char *data;
	unsigned long unprivileged; /* flags only a container without
				     * --privileged gets */
};

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* The kernel file systems every container gets, in mount order. */
static const struct fs_mount kernel_mounts[] = {
	{ "proc", "/proc", "proc", NOSUID_NODEV_NOEXEC, NULL },
	/* read-only: the container must not reconfigure host devices; with
	 * --privileged it may, as Docker's (a router sets its interfaces'
	 * queues and offloads through /sys/class/net) */
	{ "sysfs", "/sys", "sysfs", NOSUID_NODEV_NOEXEC, NULL, MS_RDONLY },
	{ "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k" },
	/* newinstance: the container's ptys are its own, not the host's */
	{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	  "newinstance,ptmxmode=0666,mode=0620,gid=5" },
	{ "shm", "/dev/shm", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=1777,size=65536k" },
	{ "mqueue", "/dev/mqueue", "mqueue", NOSUID_NODEV_NOEXEC, NULL },
};

struct dev_node {
	const char *name;
	unsigned major, minor;
};

static const struct dev_node dev_nodes[] = {
	{ "null", 1, 3 },    { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 },  { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *target, *link;
} dev_links[] = {
	{ "/proc/self/fd", "fd" },
	{ "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" },
	{ "pts/ptmx", "ptmx" },
};

/* Paths that would leak host information or allow host changes, as Docker
 * masks them: files get /dev/null bound over them, directories an empty
 * read-only tmpfs. */
static const char *const masked_paths[] = {
	"/proc/asound",	  "/proc/acpi",	       "/proc/kcore",	 "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	  "/sys/firmware", "/sys/devices/virtual/powercap",
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* A deep image: its layers one by one through the new mount API
 * ("lowerdir+", Linux 6.8), so the page-sized option string of mount(2)
 * does not bound how many there may be. */
/* The container's mounts are made in a user namespace: its own
 * (--userns) or the one rootless brig runs in. */
static bool in_userns(const struct spawn_spec *s)
{
	return s->userns || rootless_active();
}

static int mount_overlay_layers(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_close int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC), mnt = -1;
	char path[PATH_MAX];

	if (fs < 0)
		return brig_errno(e, "fsopen overlay");
	for (const char *p = s->lower; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(path, sizeof(path), "%.*s", (int)n, p);
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", path, 0) < 0)
			return brig_errno(e, "overlay layer %s", path);
		p += n + (p[n] == ':');
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", s->upper, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", s->work, 0) < 0 ||
	    (in_userns(s) &&
	     syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
	    (s->volatile_upper &&
	     syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return brig_errno(e, "create overlay");
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, s->merged,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return brig_errno(e, "mount overlay on %s", s->merged);
	return 0;
}

int mount_overlay(const struct spawn_spec *s, struct brig_err *e)
{
	char data[4096];
	int n;
	const char *paths[] = { s->lower, s->upper, s->work };

	/* overlayfs splits its options on ',' and ':' (lower is a ':' list) */
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (strpbrk(paths[i], i ? ",:\\" : ",\\"))
			return brig_errf(e, EINVAL, "overlay path %s: contains ',', ':' or '\\'",
					 paths[i]);
	/* userxattr: in a user namespace overlayfs keeps its xattrs in user.* */
	n = snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s,workdir=%s%s%s", s->lower,
		     s->upper, s->work, in_userns(s) ? ",userxattr" : "",
		     s->volatile_upper ? ",volatile" : "");
	if (n < 0 || (size_t)n >= sizeof(data))
		return mount_overlay_layers(s, e);
	if (mount("overlay", s->merged, "overlay", 0, data) < 0)
		return brig_errno(e, "mount overlay on %s", s->merged);
	return 0;
}

/* An O_PATH fd of the directory path inside root, made when missing, for
 * a kernel file system to be mounted on.  As runc, only a plain directory
 * of the image will do: a symlink anywhere on the way (an image whose
 * /proc or /dev points at the host's /tmp) is refused, not followed, and
 * so is a file. */
static int mount_point(int root, const char *path, const char *type, struct brig_err *e)
{
	cleanup_close int fd = rootfs_mkpath(root, path, 0755, ROOTFS_NO_SYMLINKS, e);
	struct stat st;

	if (fd < 0)
		return brig_err_ctx(e, "mount %s on %s", type, path);
	if (fstat(fd, &st) < 0)
		return brig_errno(e, "mount %s on %s", type, path);
	if (!S_ISDIR(st.st_mode))
		return brig_errf(e, ENOTDIR, "mount %s on %s: %s is not a directory in the image",
				 type, path, path);
	return steal_fd(fd);
}

/* devpts's gid=5 (tty) where that gid is mapped: rootless brig with one
 * id only has none (the kernel refuses the mount then). */
static const char *fs_data(const struct fs_mount *m)
{
	if (m->data && !strcmp(m->type, "devpts") && !rootless_id_mapped(true, 5))
		return "newinstance,ptmxmode=0666,mode=0620";
	return m->data;
}

static int mount_kernel_fs(const struct spawn_spec *s, int root, struct brig_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_mounts); i++) {
		const struct fs_mount *m = &kernel_mounts[i];
		cleanup_close int fd = mount_point(root, m->dst, m->type, e);
		if (fd < 0)
			return -e->code;
		if (rootfs_mount_fs(fd, m->src, m->type,
				    m->flags | (s->privileged ? 0 : m->unprivileged), fs_data(m)) < 0)
			return brig_errno(e, "mount %s on %s", m->type, m->dst);
	}
	return 0;
}

/* What of the host's /dev a privileged container does not get, as runc
 * leaves it out: its own devpts, shm and mqueue are mounted there, fd is
 * its own link, the dot directories are other runtimes' private trees,
 * and the console is the host's. */
static const char *const host_dev_skip[] = {
	"pts", "shm", "mqueue", "fd", ".lxc", ".lxd-mounts", ".udev", "console",
};

/* /dev/a/b/c at most: deeper trees are links to devices (by-id, ...) */
#define HOST_DEV_DEPTH 4

static bool host_dev_skipped(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(host_dev_skip); i++)
		if (strcmp(name, host_dev_skip[i]) == 0)
			return true;
	return false;
}

static int copy_dev_dir(int src, int dst, int depth, struct brig_err *e);

/* One entry of a host /dev directory into dst: a device node with the
 * host's mode and owner, or a directory holding its devices (none: no
 * directory).  Returns how many nodes it made.  A node the container
 * already has (null, tty, the ptmx link to its own devpts) stays. */
static int copy_dev_entry(int src, int dst, const char *name, int depth, struct brig_err *e)
{
	cleanup_close int sub = -1, dsub = -1;
	struct stat st;
	int n;

	if (host_dev_skipped(name) || fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
			return errno == EEXIST ? 0 : brig_errno(e, "mknod %s", name);
		/* mknod honours the umask: the host's mode, exactly */
		if (fchmodat(dst, name, st.st_mode & 07777, 0) < 0 ||
		    fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return brig_errno(e, "mode of %s", name);
		return 1;
	}
	if (!S_ISDIR(st.st_mode) || depth >= HOST_DEV_DEPTH)
		return 0; /* symlinks, sockets, files: not devices */
	if (mkdirat(dst, name, st.st_mode & 07777) < 0 && errno != EEXIST)
		return brig_errno(e, "mkdir %s", name);
	sub = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	dsub = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0 || dsub < 0)
		return brig_errno(e, "open %s", name);
	n = copy_dev_dir(steal_fd(sub), dsub, depth + 1, e);
	if (n == 0)
		unlinkat(dst, name, AT_REMOVEDIR); /* only links were there */
	return n;
}

/* Every entry of src (an fd it takes) into dst; how many nodes it made. */
static int copy_dev_dir(int src, int dst, int depth, struct brig_err *e)
{
	cleanup_dir DIR *d = fdopendir(src);
	struct dirent *de;
	int n = 0, r;

	if (!d) {
		close(src);
		return brig_errno(e, "read the host's /dev");
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((r = copy_dev_entry(dirfd(d), dst, de->d_name, depth, e)) < 0)
			return r;
		n += r;
	}
	return n;
}

/* --privileged: the host's devices, as Docker gives them, each a node in
 * the container's own /dev tmpfs (no bind of the host's /dev: its devpts
 * and shm stay the container's).  Read from "/dev" before pivot_root, in
 * the mount namespace brig started in. */
static int host_devices(int dev, struct brig_err *e)
{
	int src = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (src < 0)
		return brig_errno(e, "open /dev");
	return copy_dev_dir(src, dev, 1, e) < 0 ? -e->code : 0;
}

/* The nodes and links of the container's /dev, made in the fd of its
 * tmpfs (a lookup from the root goes through the mount on "dev"). */
static int populate_dev(const struct spawn_spec *s, int root, struct brig_err *e)
{
	cleanup_close int dev = rootfs_open(root, "dev", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);

	if (dev < 0)
		return brig_errno(e, "open /dev");
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const struct dev_node *d = &dev_nodes[i];
		if (in_userns(s)) { /* no mknod in a user namespace */
			char path[64];
			snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dev, d->name);
			if (userns_bind_dev(path, d->name, e) < 0)
				return -e->code;
			continue;
		}
		if (mknodat(dev, d->name, S_IFCHR | 0666, makedev(d->major, d->minor)) < 0)
			return brig_errno(e, "mknod /dev/%s", d->name);
		/* mknod honours the umask; devices must be usable by any user */
		if (fchmodat(dev, d->name, 0666, 0) < 0)
			return brig_errno(e, "chmod /dev/%s", d->name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].link) < 0)
			return brig_errno(e, "symlink /dev/%s", dev_links[i].link);
	return s->privileged ? host_devices(dev, e) : 0;
}

/* Hidden and read-only paths; none with --privileged, as Docker's: the
 * point of a privileged router is to write its own /proc/sys (sysctl -w). */
/* The container's /dev/null, checked to be the null device: what masks a
 * file is bound from this fd, so no symlink or other node put in its place
 * can turn the mask into a bind of something else (CVE-2025-31133). */
static int open_null(int root, struct brig_err *e)
{
	cleanup_close int fd = rootfs_open(root, "dev/null", O_PATH | O_NOFOLLOW, 0);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return brig_errno(e, "open /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return brig_errf(e, EPERM, "/dev/null is not the null device");
	return steal_fd(fd);
}

/* Hide path: a directory under an empty read-only tmpfs, a file under
 * /dev/null.  Missing: nothing to hide. */
static int mask_one(int root, int null, const char *path, struct brig_err *e)
{
	cleanup_close int fd = rootfs_open(root, path, O_PATH | O_NOFOLLOW, 0);
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? 0 : brig_errno(e, "mask %s", path);
	if (fstat(fd, &st) < 0)
		return brig_errno(e, "mask %s", path);
	if (S_ISDIR(st.st_mode) ? rootfs_mount_fs(fd, "tmpfs", "tmpfs", MS_RDONLY | NOSUID_NODEV_NOEXEC,
						   "size=0") < 0
				: rootfs_bind(null, fd, false, 0) < 0)
		return brig_errno(e, "mask %s", path);
	return 0;
}

/* path bound onto itself, recursively read-only (the bind keeps the
 * source's nosuid, nodev, noexec). */
static int readonly_one(int root, const char *path, struct brig_err *e)
{
	cleanup_close int fd = rootfs_open(root, path, O_PATH | O_NOFOLLOW, 0);

	if (fd < 0)
		return errno == ENOENT ? 0 : brig_errno(e, "read-only %s", path);
	if (rootfs_bind(fd, fd, true, MOUNT_ATTR_RDONLY) < 0)
		return brig_errno(e, "read-only %s", path);
	return 0;
}

static int mask_paths(const struct spawn_spec *s, int root, struct brig_err *e)
{
	cleanup_close int null = -1;

	if (s->privileged)
		return 0;
	null = open_null(root, e);
	if (null < 0)
		return -e->code;
	for (size_t i = 0; i < ARRAY_SIZE(masked_paths); i++)
		if (mask_one(root, null, masked_paths[i], e) < 0)
			return -e->code;
	for (size_t i = 0; i < ARRAY_SIZE(readonly_paths); i++)
		if (readonly_one(root, readonly_paths[i], e) < 0)
			return -e->code;
	return 0;
}

/* pivot_root(".", ".") stacks the old root under the new one; detaching it
 * then leaves only the container's mounts (runc's trick: no put_old dir). */
static int enter_root(const struct spawn_spec *s, struct brig_err *e)
{
	if (chdir(s->merged) < 0)
		return brig_errno(e, "chdir %s", s->merged);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return brig_errno(e, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return brig_errno(e, "detach old root");
	if (chdir("/") < 0)
		return brig_errno(e, "chdir /");
	return 0;
}

/* /etc/hosts as a read-only bind of the network's shared hosts file, which
 * brig rewrites in place as members come and go.  The bind is a detached
 * clone made read-only, then moved onto an fd of /etc/hosts resolved (and
 * made when missing) inside the root: an image whose etc/hosts is a
 * symlink gets the file where the link points in its own tree, as Docker's
 * bind would land, never on the host's. */
static int bind_hosts(const struct spawn_spec *s, int root, struct brig_err *e)
{
	cleanup_close int target = -1, src = -1;
	struct stat st;

	if (!s->hosts_path || mount_is_target(s, "/etc/hosts"))
		return 0;
	/* opened here: a clone needs the mount as this namespace has it */
	/* in a user namespace: /proc/self/fd/N, opened O_NOFOLLOW by userns.c */
	src = open(s->hosts_path, O_PATH | O_CLOEXEC | (s->userns ? 0 : O_NOFOLLOW));
	if (src < 0)
		return brig_errno(e, "open %s", s->hosts_path);
	target = rootfs_mkpath(root, "/etc/hosts", 0644, ROOTFS_FILE, e);
	if (target < 0)
		return brig_err_ctx(e, "bind /etc/hosts");
	if (fstat(target, &st) < 0)
		return brig_errno(e, "bind /etc/hosts");
	if (!S_ISREG(st.st_mode) || rootfs_on_kernel_fs(target))
		return brig_errf(e, EPERM, "bind /etc/hosts: not a regular file in the image");
	if (rootfs_bind(src, target, false, MOUNT_ATTR_RDONLY) < 0)
		return brig_errno(e, "bind /etc/hosts");
	return 0;
}

/* The cgroup mounts are read-only, except with --privileged (Docker's
 * rule): the container's cgroup namespace still roots them at its own
 * cgroup, so it can only arrange what is below. */
static unsigned long cgroup_ro(const struct spawn_spec *s)
{
	return s->privileged ? 0 : MS_RDONLY;
}

/* Mount one host cgroup hierarchy at the same place inside (read-only
 * unless privileged: cgroup_ro).  In the container's cgroup namespace the
 * kernel shows it rooted at the container's own cgroup. */
static int mount_cgroup_fs(const struct spawn_spec *s, int root, const char *where,
			   const char *type, const char *opts, struct brig_err *e)
{
	cleanup_close int fd = -1;
	char data[256] = "";

	/* keep the controller names, drop the generic flags */
	for (char *save, *o = strtok_r((char *)opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "rw") || !strcmp(o, "ro") || !strcmp(o, "relatime"))
			continue;
		if (strlen(data) + strlen(o) + 2 >= sizeof(data))
			return brig_errf(e, E2BIG, "cgroup %s: too many options", where);
		if (*data)
			strcat(data, ",");
		strcat(data, o);
	}
	fd = mount_point(root, where, type, e);
	if (fd < 0)
		return -e->code;
	if (rootfs_mount_fs(fd, type, type, NOSUID_NODEV_NOEXEC | cgroup_ro(s), data) < 0)
		return brig_errno(e, "mount %s on %s", type, where);
	return 0;
}

/* The tmpfs holding the hierarchies, made read-only once they are in
 * (unless privileged): the fd is looked up again, so it is the tmpfs's. */
static int cgroup_tmpfs(const struct spawn_spec *s, int root, bool done, struct brig_err *e)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	cleanup_close int fd = -1;

	if (!done) {
		fd = mount_point(root, "/sys/fs/cgroup", "tmpfs", e);
		if (fd < 0)
			return -e->code;
		if (rootfs_mount_fs(fd, "tmpfs", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=755,size=64k") < 0)
			return brig_errno(e, "mount tmpfs on /sys/fs/cgroup");
		return 0;
	}
	if (!cgroup_ro(s))
		return 0;
	fd = rootfs_open(root, "sys/fs/cgroup", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0 || syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return brig_errno(e, "remount /sys/fs/cgroup");
	return 0;
}

/* /sys/fs/cgroup as on the host: cgroup2 itself on a unified host; else a
 * tmpfs holding each hierarchy (v1, and the unified tree of a hybrid). */
static int mount_cgroups(const struct spawn_spec *s, int root, struct brig_err *e)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	bool tmpfs_done = false;

	if (!f)
		return brig_errno(e, "open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		char mnt[512], type[32], opts[512];
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %*s %511s", type, opts) != 2)
			continue;
		if (strncmp(mnt, "/sys/fs/cgroup", 14) || (strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
			continue;
		if (strcmp(mnt, "/sys/fs/cgroup") && !tmpfs_done) {
			if (cgroup_tmpfs(s, root, false, e) < 0)
				return -e->code;
			tmpfs_done = true;
		}
		if (mount_cgroup_fs(s, root, mnt, type, opts, e) < 0)
			return -e->code;
	}
	return tmpfs_done ? cgroup_tmpfs(s, root, true, e) : 0;
}

int mount_rootfs(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_close int root = -1;

	/* Nothing below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return brig_errno(e, "make / private");
	if (s->userns && userns_attach_layers(s, e) < 0)
		return -e->code;
	/* volumes are filled from the image alone: before /proc, /sys, /dev */
	if (mount_overlay(s, e) < 0 || mount_seed_volumes(s, e) < 0)
		return -e->code;
	/* Every path inside is looked up from this fd of the overlay (opened
	 * once it is mounted), never as "<merged>/path": rootfs_at.h. */
	root = open(s->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return brig_errno(e, "open %s", s->merged);
	if (mount_kernel_fs(s, root, e) < 0 || populate_dev(s, root, e) < 0)
		return -e->code;
	/* only a container in its own cgroup namespace sees just its cgroup */
	if (s->cg && mount_cgroups(s, root, e) < 0)
		return -e->code;
	/* the user's mounts before /etc/hosts: a volume on /etc gets it too */
	if (mount_user(s, e) < 0)
		return -e->code;
	if (bind_hosts(s, root, e) < 0)
		return -e->code;
	if (mask_paths(s, root, e) < 0)
		return -e->code;
	return 0;
}

int mount_pivot(const struct spawn_spec *s, struct brig_err *e)
{
	return enter_root(s, e);
}
