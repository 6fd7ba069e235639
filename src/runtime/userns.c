/* userns.c - the user namespace of a container (see userns.h).
 *
 * Why the detours: the container's root is an unprivileged host id, so
 * once the child has become it, it can neither traverse brig's 0700
 * directories nor idmap a mount (that needs CAP_SYS_ADMIN in the initial
 * namespace).  So the parent, still root, clones the layers before the
 * clone and idmaps them once the namespace exists; the child opens the
 * host paths it needs while it is still host root, and uses them after as
 * the working directory (the container's own directory, group of the
 * mapped root, 0710) and as /proc/self/fd/N. */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "proc.h"
#include "userns.h"

int userns_layers_open(const char *lower, int **fds, size_t *n, struct brig_err *e)
{
	size_t count = 1;
	char path[4096];

	for (const char *p = lower; *p; p++)
		count += *p == ':';
	*n = 0;
	*fds = calloc(count, sizeof(**fds));
	if (!*fds)
		return brig_errf(e, ENOMEM, "user namespace: out of memory");
	for (const char *p = lower; *p && *n < count;) {
		size_t len = strcspn(p, ":");
		int fd;
		snprintf(path, sizeof(path), "%.*s", (int)len, p);
		fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (fd < 0) {
			brig_errno(e, "clone layer %s", path);
			userns_layers_close(*fds, *n);
			*fds = NULL;
			return -e->code;
		}
		(*fds)[(*n)++] = fd;
		p += len + (p[len] == ':');
	}
	return 0;
}

void userns_layers_close(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

static int write_map(pid_t pid, const char *file, const struct idmap *m, struct brig_err *e)
{
	char path[64], buf[IDMAP_MAX * 36];
	cleanup_close int fd = -1;
	int len = idmap_format(m, buf, sizeof(buf));

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (len <= 0)
		return brig_errf(e, EINVAL, "%s: no map", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	/* the kernel takes the whole map in one write, or nothing */
	if (fd < 0 || write(fd, buf, (size_t)len) != len)
		return brig_errno(e, "write %s", path);
	return 0;
}

int userns_setup(pid_t pid, const struct userns_maps *u, const int *fds, size_t n,
		 struct brig_err *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY };
	cleanup_close int ns = -1;

	if (write_map(pid, "gid_map", &u->gid, e) < 0 || write_map(pid, "uid_map", &u->uid, e) < 0)
		return brig_err_ctx(e, "user namespace");
	ns = proc_ns_open(pid, "user", e);
	if (ns < 0)
		return brig_err_ctx(e, "user namespace");
	attr.userns_fd = (uint64_t)ns;
	for (size_t i = 0; i < n; i++)
		if (syscall(SYS_mount_setattr, fds[i], "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return brig_errno(e, "idmapped mount of the image's layer %zu "
					     "(the file system must support idmapped mounts)", i);
	return 0;
}

int userns_become_root(struct brig_err *e)
{
	if (setgroups(0, NULL) < 0)
		return brig_errno(e, "user namespace: setgroups");
	if (setresgid(0, 0, 0) < 0)
		return brig_errno(e, "user namespace: setgid 0");
	if (setresuid(0, 0, 0) < 0)
		return brig_errno(e, "user namespace: setuid 0");
	return 0;
}

int userns_join(int fd, struct brig_err *e)
{
	if (setns(fd, CLONE_NEWUSER) < 0)
		return brig_errno(e, "join user namespace");
	return userns_become_root(e);
}

/* "/proc/self/fd/N" of an O_PATH fd of path, opened now (as host root):
 * the magic link reaches it later whatever the directories above allow. */
static char *fd_path(const char *path, int flags, struct brig_err *e)
{
	int fd = open(path, O_PATH | O_CLOEXEC | flags);
	char *out;

	if (fd < 0) {
		brig_errno(e, "open %s", path);
		return NULL;
	}
	if (asprintf(&out, "/proc/self/fd/%d", fd) < 0) {
		close(fd);
		brig_errf(e, ENOMEM, "out of memory");
		return NULL;
	}
	return out;
}

static int reopen_sources(const struct spawn_spec *s, struct spawn_spec *out, struct brig_err *e)
{
	struct spawn_mount *m = calloc(s->n_mounts + 1, sizeof(*m));

	if (!m)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n_mounts; i++) {
		m[i] = s->mounts[i];
		if (m[i].source && !(m[i].source = fd_path(s->mounts[i].source, 0, e)))
			return -e->code;
	}
	out->mounts = m;
	if (s->hosts_path && !(out->hosts_path = fd_path(s->hosts_path, O_NOFOLLOW, e)))
		return -e->code;
	return 0;
}

/* "idmap/0:idmap/1:..." for n layers. */
static char *layer_paths(size_t n)
{
	char *out = malloc(n * 24 + 1), *p = out;

	if (!out)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%sidmap/%zu", i ? ":" : "", i);
	return out;
}

int userns_enter(const struct spawn_spec *s, struct spawn_spec *out, struct brig_err *e)
{
	char dir[4096];
	const char *slash = strrchr(s->merged, '/');

	*out = *s;
	if (!slash || (size_t)(slash - s->merged) >= sizeof(dir))
		return brig_errf(e, EINVAL, "user namespace: merged dir %s", s->merged);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - s->merged), s->merged);
	if (chdir(dir) < 0)
		return brig_errno(e, "chdir %s", dir);
	out->upper = "upper";
	out->work = "work";
	out->merged = "merged";
	if (!(out->lower = layer_paths(s->n_userns_layers)))
		return brig_errf(e, ENOMEM, "out of memory");
	if (reopen_sources(s, out, e) < 0)
		return brig_err_ctx(e, "user namespace");
	return userns_become_root(e);
}

int userns_attach_layers(const struct spawn_spec *s, struct brig_err *e)
{
	char path[64];

	if (mount("tmpfs", "idmap", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=700,size=16k") < 0)
		return brig_errno(e, "mount tmpfs on idmap");
	for (size_t i = 0; i < s->n_userns_layers; i++) {
		snprintf(path, sizeof(path), "idmap/%zu", i);
		if (mkdir(path, 0700) < 0)
			return brig_errno(e, "mkdir %s", path);
		if (syscall(SYS_move_mount, s->userns_layers[i], "", AT_FDCWD, path,
			    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return brig_errno(e, "attach layer %zu", i);
	}
	return 0;
}

int userns_bind_dev(const char *path, const char *name, struct brig_err *e)
{
	char host[64];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);

	if (fd < 0)
		return brig_errno(e, "create /dev/%s", name);
	close(fd);
	snprintf(host, sizeof(host), "/dev/%s", name);
	if (mount(host, path, NULL, MS_BIND, NULL) < 0)
		return brig_errno(e, "bind /dev/%s", name);
	return 0;
}
