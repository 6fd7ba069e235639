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
	  "newinstance,ptmxmode=0666,mode=0620" },
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
	"/proc/scsi",	  "/sys/firmware",
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static int in_root(const struct spawn_spec *s, const char *path, char *out, size_t len,
		   struct brig_err *e)
{
	int n = snprintf(out, len, "%s%s", s->merged, path);

	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "path %s: too long", path);
	return 0;
}

/* A deep image: its layers one by one through the new mount API
 * ("lowerdir+", Linux 6.8), so the page-sized option string of mount(2)
 * does not bound how many there may be. */
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
	    (s->userns && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
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
	n = snprintf(data, sizeof(data), "lowerdir=%s,upperdir=%s,workdir=%s%s", s->lower, s->upper,
		     s->work, s->userns ? ",userxattr" : "");
	if (n < 0 || (size_t)n >= sizeof(data))
		return mount_overlay_layers(s, e);
	if (mount("overlay", s->merged, "overlay", 0, data) < 0)
		return brig_errno(e, "mount overlay on %s", s->merged);
	return 0;
}

static int mount_kernel_fs(const struct spawn_spec *s, struct brig_err *e)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(kernel_mounts); i++) {
		const struct fs_mount *m = &kernel_mounts[i];
		if (in_root(s, m->dst, path, sizeof(path), e) < 0)
			return -e->code;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return brig_errno(e, "mkdir %s", m->dst);
		if (mount(m->src, path, m->type, m->flags | (s->privileged ? 0 : m->unprivileged),
			  m->data) < 0)
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
static int host_devices(const struct spawn_spec *s, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_close int dst = -1;
	int src;

	if (in_root(s, "/dev", path, sizeof(path), e) < 0)
		return -e->code;
	dst = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	src = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0 || src < 0) {
		if (src >= 0)
			close(src);
		return brig_errno(e, "open /dev");
	}
	return copy_dev_dir(src, dst, 1, e) < 0 ? -e->code : 0;
}

static int populate_dev(const struct spawn_spec *s, struct brig_err *e)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const struct dev_node *d = &dev_nodes[i];
		snprintf(path, sizeof(path), "%s/dev/%s", s->merged, d->name);
		if (s->userns) { /* no mknod in a user namespace */
			if (userns_bind_dev(path, d->name, e) < 0)
				return -e->code;
			continue;
		}
		if (mknod(path, S_IFCHR | 0666, makedev(d->major, d->minor)) < 0)
			return brig_errno(e, "mknod /dev/%s", d->name);
		/* mknod honours the umask; devices must be usable by any user */
		if (chmod(path, 0666) < 0)
			return brig_errno(e, "chmod /dev/%s", d->name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", s->merged, dev_links[i].link);
		if (symlink(dev_links[i].target, path) < 0)
			return brig_errno(e, "symlink /dev/%s", dev_links[i].link);
	}
	return s->privileged ? host_devices(s, e) : 0;
}

/* Hidden and read-only paths; none with --privileged, as Docker's: the
 * point of a privileged router is to write its own /proc/sys (sysctl -w). */
static int mask_paths(const struct spawn_spec *s, struct brig_err *e)
{
	char path[PATH_MAX], null[PATH_MAX];
	struct stat st;

	if (s->privileged)
		return 0;
	snprintf(null, sizeof(null), "%s/dev/null", s->merged);
	for (size_t i = 0; i < ARRAY_SIZE(masked_paths); i++) {
		if (in_root(s, masked_paths[i], path, sizeof(path), e) < 0)
			return -e->code;
		if (lstat(path, &st) < 0)
			continue; /* nothing to hide */
		if (S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0)
				return brig_errno(e, "mask %s", masked_paths[i]);
		} else if (mount(null, path, NULL, MS_BIND, NULL) < 0) {
			return brig_errno(e, "mask %s", masked_paths[i]);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(readonly_paths); i++) {
		if (in_root(s, readonly_paths[i], path, sizeof(path), e) < 0)
			return -e->code;
		if (lstat(path, &st) < 0)
			continue;
		if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
			return brig_errno(e, "read-only %s", readonly_paths[i]);
	}
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

/* Open path inside the new root (flags as openat2) without following any
 * symlink of the image out of it. */
static int open_in_root(const struct spawn_spec *s, const char *path, int flags,
			struct brig_err *e)
{
	cleanup_close int root = open(s->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* openat2 refuses a mode without O_CREAT */
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW,
				.mode = (flags & O_CREAT) ? 0644 : 0,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd;

	if (root < 0)
		return brig_errno(e, "open %s", s->merged);
	fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	if (fd < 0)
		return brig_errno(e, "open %s in the container", path);
	return fd;
}

/* /etc/hosts as a read-only bind of the network's shared hosts file, which
 * brig rewrites in place as members come and go.  The bind is a detached
 * clone made read-only, then moved onto an fd of /etc/hosts resolved inside
 * the root, so no symlink in the image can aim it elsewhere. */
static int bind_hosts(const struct spawn_spec *s, struct brig_err *e)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	cleanup_close int tree = -1, target = -1, fd = -1, src = -1;

	if (!s->hosts_path || mount_is_target(s, "/etc/hosts"))
		return 0;
	/* opened here: a clone needs the mount as this namespace has it */
	/* in a user namespace: /proc/self/fd/N, opened O_NOFOLLOW by userns.c */
	src = open(s->hosts_path, O_PATH | O_CLOEXEC | (s->userns ? 0 : O_NOFOLLOW));
	if (src < 0)
		return brig_errno(e, "open %s", s->hosts_path);
	fd = open_in_root(s, "etc/hosts", O_WRONLY | O_CREAT, e);
	if (fd < 0)
		return -e->code;
	target = open_in_root(s, "etc/hosts", O_PATH, e);
	if (target < 0)
		return -e->code;
	tree = (int)syscall(SYS_open_tree, src, "",
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0 || syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0 ||
	    syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
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
static int mount_cgroup_fs(const struct spawn_spec *s, const char *where, const char *type,
			   const char *opts, struct brig_err *e)
{
	char path[PATH_MAX], data[256] = "";

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
	if (in_root(s, where, path, sizeof(path), e) < 0)
		return -e->code;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return brig_errno(e, "mkdir %s", where);
	if (mount(type, path, type, NOSUID_NODEV_NOEXEC | cgroup_ro(s), data) < 0)
		return brig_errno(e, "mount %s on %s", type, where);
	return 0;
}

/* /sys/fs/cgroup as on the host: cgroup2 itself on a unified host; else a
 * tmpfs holding each hierarchy (v1, and the unified tree of a hybrid). */
static int mount_cgroups(const struct spawn_spec *s, struct brig_err *e)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024], path[PATH_MAX];
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
			if (in_root(s, "/sys/fs/cgroup", path, sizeof(path), e) < 0 ||
			    mount("tmpfs", path, "tmpfs", NOSUID_NODEV_NOEXEC, "mode=755,size=64k") < 0)
				return e->code ? -e->code : brig_errno(e, "mount tmpfs on /sys/fs/cgroup");
			tmpfs_done = true;
		}
		if (mount_cgroup_fs(s, mnt, type, opts, e) < 0)
			return -e->code;
	}
	if (tmpfs_done && mount(NULL, path, NULL, MS_REMOUNT | cgroup_ro(s) | NOSUID_NODEV_NOEXEC, NULL) < 0)
		return brig_errno(e, "remount /sys/fs/cgroup");
	return 0;
}

int mount_rootfs(const struct spawn_spec *s, struct brig_err *e)
{
	/* Nothing below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return brig_errno(e, "make / private");
	if (s->userns && userns_attach_layers(s, e) < 0)
		return -e->code;
	/* volumes are filled from the image alone: before /proc, /sys, /dev */
	if (mount_overlay(s, e) < 0 || mount_seed_volumes(s, e) < 0 || mount_kernel_fs(s, e) < 0 ||
	    populate_dev(s, e) < 0)
		return -e->code;
	/* only a container in its own cgroup namespace sees just its cgroup */
	if (s->cg && mount_cgroups(s, e) < 0)
		return -e->code;
	/* the user's mounts before /etc/hosts: a volume on /etc gets it too */
	if (mount_user(s, e) < 0)
		return -e->code;
	if (bind_hosts(s, e) < 0)
		return -e->code;
	if (mask_paths(s, e) < 0)
		return -e->code;
	return enter_root(s, e);
}
