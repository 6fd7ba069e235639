/* copy.c - brig cp: copy between the host and a container (see copy.h).
 *
 * The container's files belong to whoever runs in it, who may be hostile:
 * any name in there can be swapped for a symlink at any moment.  So a
 * container path is only ever opened from an fd of the container's root
 * with openat2(RESOLVE_IN_ROOT), and everything below the named path is
 * reached one name at a time from a directory fd with RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS and O_NOFOLLOW.  No host path string is ever built
 * through the container's root.  Both sides go through the same code: the
 * host side simply has no root to stay in. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "proc.h"
#include "container.h"
#include "copy.h"
#include "mount.h"
#include "state.h"

/* Each level holds two directory fds: this stays far below the fd limit. */
#define MAX_DEPTH 256
/* openat2 says EAGAIN when a rename raced a confined lookup: retry. */
#define OPEN_RETRIES 16

/* The state of one copy: where it is (for messages only; these strings are
 * never opened) and the data buffer. */
struct walk {
	char src[PATH_MAX], dst[PATH_MAX];
	size_t slen, dlen;
	char buf[128 * 1024];
};

/* A path cut into what docker's rules look at. */
struct parts {
	char dir[PATH_MAX];     /* the parent: "." or "/" when there is none */
	char name[NAME_MAX + 1]; /* last component; "" for the root */
	bool slash;             /* it ended in "/" */
	bool contents;          /* it ended in "/." (or is ".") */
};

/* The source once opened: a directory that is followed (the root, "DIR/",
 * "DIR/.") is opened itself; anything else is looked at through its parent,
 * so that a symlink is seen, not followed. */
struct source {
	struct parts p;
	int dir;    /* O_RDONLY directory, or -1 */
	int parent; /* O_PATH parent, or -1 */
	struct stat st;
};

enum { DST_NEW, DST_MERGE, DST_OVERWRITE };

/* Kernel file systems, mounted in a running container (/proc, /sys, ...):
 * met inside a tree, they are copied as the empty directories the image
 * has, as docker cp does, because their files describe the kernel, not the
 * container.  Named as the source itself, they are copied. */
static const unsigned long kernel_fs[] = {
	PROC_SUPER_MAGIC,   SYSFS_MAGIC,   CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC,
	DEVPTS_SUPER_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,      SECURITYFS_MAGIC,
	BPF_FS_MAGIC,       0x19800202 /* mqueue */,
};

static int copy_node(struct walk *w, int sdir, const char *sname, int ddir, const char *dname,
		     int depth, struct brig_err *e);

/* ---- paths and opens ---- */

static int split(const char *path, struct parts *p, struct brig_err *e)
{
	char t[PATH_MAX], *last;
	size_t n = strlen(path);
	const char *name;

	memset(p, 0, sizeof(*p));
	if (n == 0)
		return brig_errf(e, EINVAL, "empty path");
	if (n >= sizeof(t))
		return brig_errf(e, ENAMETOOLONG, "%.64s...: path too long", path);
	memcpy(t, path, n + 1);
	while (n > 1 && t[n - 1] == '/') {
		t[--n] = '\0';
		p->slash = true;
	}
	last = strrchr(t, '/');
	name = last ? last + 1 : t;
	if (strlen(name) >= sizeof(p->name))
		return brig_errf(e, ENAMETOOLONG, "%s: name too long", path);
	memcpy(p->name, name, strlen(name) + 1);
	p->contents = strcmp(name, ".") == 0;
	if (!last) {
		snprintf(p->dir, sizeof(p->dir), ".");
	} else if (last == t) {
		snprintf(p->dir, sizeof(p->dir), "/");
	} else {
		*last = '\0';
		memcpy(p->dir, t, (size_t)(last - t) + 1);
	}
	return 0;
}

static int openat2_retry(int dir, const char *path, struct open_how *how)
{
	int fd, tries = 0;

	do
		fd = (int)syscall(SYS_openat2, dir, path, how, sizeof(*how));
	while (fd < 0 && errno == EAGAIN && ++tries < OPEN_RETRIES);
	return fd;
}

/* Open a whole path of one side: inside the root for a container (no
 * symlink, ".." or absolute name can lead out of it), as any program would
 * on the host. */
static int open_path(int root, const char *path, uint64_t flags, bool follow)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
		.resolve = root == COPY_HOST ? 0 : RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return openat2_retry(root, path, &how);
}

/* Open one entry of dir by its name: no symlink is followed, not even the
 * entry itself, and nothing but the entry can be reached. */
static int open_child(int dir, const char *name, uint64_t flags, mode_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | O_NOFOLLOW,
		.mode = (flags & O_CREAT) ? mode : 0, /* openat2 refuses a mode without O_CREAT */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return openat2_retry(dir, name, &how);
}

/* Reopen the O_PATH fd of a regular file for I/O.  The type is checked on
 * the O_PATH fd first, so a fifo or device node swapped in after we looked
 * is never opened (opening a device can have effects of its own); the
 * reopen goes to that very inode, whatever its name now points to. */
static int reopen_regular(int fd, int flags, const char *label, struct brig_err *e)
{
	char self[64];
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return brig_errno(e, "stat %s", label);
	if (!S_ISREG(st.st_mode))
		return brig_errf(e, EAGAIN, "%s: changed while being copied", label);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	r = open(self, flags | O_CLOEXEC | O_NOCTTY);
	if (r < 0)
		return brig_errno(e, "open %s", label);
	return r;
}

/* Append "/name" to a message path; restore with the saved length. */
static int push(char *buf, size_t *len, const char *name, struct brig_err *e)
{
	size_t n = strlen(name);
	bool slash = *len > 0 && buf[*len - 1] == '/';

	if (*len + !slash + n >= PATH_MAX)
		return brig_errf(e, ENAMETOOLONG, "%s/%s: path too long", buf, name);
	if (!slash)
		buf[(*len)++] = '/';
	memcpy(buf + *len, name, n + 1);
	*len += n;
	return 0;
}

static void pop(char *buf, size_t *len, size_t saved)
{
	*len = saved;
	buf[saved] = '\0';
}

/* ---- the destination ---- */

/* Make room at name in dir for an entry of type (S_IFMT bits): nothing is
 * there (DST_NEW), a directory to merge into (DST_MERGE), a regular file
 * to overwrite in place (DST_OVERWRITE: a file bound over it keeps
 * working).  Anything else there is removed: a symlink is replaced, never
 * written through. */
static int prepare_dst(struct walk *w, int dir, const char *name, mode_t type, struct brig_err *e)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? DST_NEW : brig_errno(e, "stat %s", w->dst);
	if (S_ISDIR(st.st_mode)) {
		if (S_ISDIR(type))
			return DST_MERGE;
		return brig_errf(e, EISDIR, "%s: cannot overwrite a directory with a non-directory",
				 w->dst);
	}
	if (S_ISDIR(type))
		return brig_errf(e, ENOTDIR, "%s: cannot copy a directory onto a non-directory",
				 w->dst);
	if (S_ISREG(type) && S_ISREG(st.st_mode))
		return DST_OVERWRITE;
	if (unlinkat(dir, name, 0) < 0)
		return brig_errno(e, "remove %s", w->dst);
	return DST_NEW;
}

/* Owner first: chown clears the set-user-ID and set-group-ID bits, which
 * the chmod after it puts back. */
static int set_attrs(struct walk *w, int fd, const struct stat *st, struct brig_err *e)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchown(fd, st->st_uid, st->st_gid) < 0)
		return brig_errno(e, "chown %s", w->dst);
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return brig_errno(e, "chmod %s", w->dst);
	if (futimens(fd, times) < 0)
		return brig_errno(e, "set times of %s", w->dst);
	return 0;
}

/* For what cannot be opened (symlinks, device nodes): by name, not
 * followed.  Their mode was given at creation. */
static int set_attrs_at(struct walk *w, int dir, const char *name, const struct stat *st,
			struct brig_err *e)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return brig_errno(e, "chown %s", w->dst);
	if (utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return brig_errno(e, "set times of %s", w->dst);
	return 0;
}

/* ---- one entry of each kind ---- */

static int copy_data(struct walk *w, int in, int out, struct brig_err *e)
{
	for (;;) {
		ssize_t n = read(in, w->buf, sizeof(w->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return brig_errno(e, "read %s", w->src);
		if (n == 0)
			return 0;
		if (write_all(out, w->buf, (size_t)n) < 0)
			return brig_errno(e, "write %s", w->dst);
	}
}

static int copy_file(struct walk *w, int sdir, const char *sname, int ddir, const char *dname,
		     struct brig_err *e)
{
	cleanup_close int src = -1, in = -1, old = -1, out = -1;
	struct stat st;
	int how;

	src = open_child(sdir, sname, O_PATH, 0);
	if (src < 0)
		return brig_errno(e, "open %s", w->src);
	if (fstat(src, &st) < 0)
		return brig_errno(e, "stat %s", w->src);
	in = reopen_regular(src, O_RDONLY, w->src, e);
	if (in < 0)
		return in;
	how = prepare_dst(w, ddir, dname, S_IFREG, e);
	if (how < 0)
		return how;
	if (how == DST_OVERWRITE) {
		old = open_child(ddir, dname, O_PATH, 0);
		if (old < 0)
			return brig_errno(e, "open %s", w->dst);
		out = reopen_regular(old, O_WRONLY | O_TRUNC, w->dst, e);
		if (out < 0)
			return out;
	} else {
		/* O_EXCL: a name that appeared since prepare_dst is not ours */
		out = open_child(ddir, dname, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (out < 0)
			return brig_errno(e, "create %s", w->dst);
	}
	if (copy_data(w, in, out, e) < 0)
		return -e->code;
	return set_attrs(w, out, &st, e);
}

static int copy_symlink(struct walk *w, int sdir, const char *sname, const struct stat *st,
			int ddir, const char *dname, struct brig_err *e)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(sdir, sname, target, sizeof(target));
	int how;

	if (n < 0)
		return brig_errno(e, "read link %s", w->src);
	if ((size_t)n >= sizeof(target))
		return brig_errf(e, ENAMETOOLONG, "%s: link target too long", w->src);
	target[n] = '\0';
	how = prepare_dst(w, ddir, dname, S_IFLNK, e);
	if (how < 0)
		return how;
	if (symlinkat(target, ddir, dname) < 0)
		return brig_errno(e, "create link %s", w->dst);
	return set_attrs_at(w, ddir, dname, st, e);
}

/* fifos and device nodes (as tar and docker cp recreate them) */
static int copy_special(struct walk *w, const struct stat *st, int ddir, const char *dname,
			struct brig_err *e)
{
	int how = prepare_dst(w, ddir, dname, st->st_mode & S_IFMT, e);

	if (how < 0)
		return how;
	/* the mode is exact: copy_tree runs with umask 0 */
	if (mknodat(ddir, dname, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0)
		return brig_errno(e, "create %s", w->dst);
	return set_attrs_at(w, ddir, dname, st, e);
}

/* Every entry of the open directory sfd into the directory ddir. */
static int copy_contents(struct walk *w, int sfd, int ddir, int depth, struct brig_err *e)
{
	cleanup_dir DIR *d = NULL;
	size_t slen = w->slen, dlen = w->dlen;
	int fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3); /* fdopendir owns what it gets */

	if (fd < 0)
		return brig_errno(e, "read directory %s", w->src);
	d = fdopendir(fd);
	if (!d) {
		brig_errno(e, "read directory %s", w->src);
		close(fd);
		return -e->code;
	}
	for (;;) {
		struct dirent *de;
		int r;

		errno = 0;
		de = readdir(d);
		if (!de)
			return errno ? brig_errno(e, "read directory %s", w->src) : 0;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (push(w->src, &w->slen, de->d_name, e) < 0 ||
		    push(w->dst, &w->dlen, de->d_name, e) < 0)
			return -e->code;
		r = copy_node(w, dirfd(d), de->d_name, ddir, de->d_name, depth, e);
		pop(w->src, &w->slen, slen);
		pop(w->dst, &w->dlen, dlen);
		if (r < 0)
			return r;
	}
}

static bool on_kernel_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_fs); i++)
		if ((unsigned long)sf.f_type == kernel_fs[i])
			return true;
	return false;
}

/* The open directory sfd as dname in ddir: created (its attributes set
 * once its contents are in, so a read-only directory can still be filled),
 * or merged into an existing directory, which keeps its own. */
static int copy_dir(struct walk *w, int sfd, int ddir, const char *dname, int depth,
		    struct brig_err *e)
{
	cleanup_close int out = -1;
	struct stat st;
	int how;

	if (depth > MAX_DEPTH)
		return brig_errf(e, ELOOP, "%s: directories nested too deeply", w->src);
	if (fstat(sfd, &st) < 0)
		return brig_errno(e, "stat %s", w->src);
	how = prepare_dst(w, ddir, dname, S_IFDIR, e);
	if (how < 0)
		return how;
	if (how == DST_NEW && mkdirat(ddir, dname, 0700) < 0)
		return brig_errno(e, "create directory %s", w->dst);
	out = open_child(ddir, dname, O_RDONLY | O_DIRECTORY, 0);
	if (out < 0)
		return brig_errno(e, "open %s", w->dst);
	if (!(depth > 0 && on_kernel_fs(sfd)) && copy_contents(w, sfd, out, depth + 1, e) < 0)
		return -e->code;
	return how == DST_NEW ? set_attrs(w, out, &st, e) : 0;
}

/* The entry sname of sdir, whatever it is, as dname in ddir. */
static int copy_node(struct walk *w, int sdir, const char *sname, int ddir, const char *dname,
		     int depth, struct brig_err *e)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return brig_errno(e, "%s", w->src);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		/* O_DIRECTORY: anything swapped in meanwhile is refused, unopened */
		fd = open_child(sdir, sname, O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0)
			return brig_errno(e, "open %s", w->src);
		return copy_dir(w, fd, ddir, dname, depth, e);
	case S_IFREG: return copy_file(w, sdir, sname, ddir, dname, e);
	case S_IFLNK: return copy_symlink(w, sdir, sname, &st, ddir, dname, e);
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK: return copy_special(w, &st, ddir, dname, e);
	default: return 0; /* a socket: meaningless elsewhere; tar skips it too */
	}
}

/* ---- docker cp's rules ---- */

static int open_source(struct walk *w, const struct copy_end *src, struct source *s,
		       struct brig_err *e)
{
	if (split(src->path, &s->p, e) < 0)
		return brig_err_ctx(e, "%s", w->src);
	if (!strcmp(s->p.name, ".."))
		return brig_errf(e, EINVAL, "%s: a source path must not end in '..'", w->src);
	if (s->p.contents || s->p.slash || !*s->p.name) {
		s->dir = open_path(src->root, src->path, O_RDONLY | O_DIRECTORY, true);
		if (s->dir < 0 || fstat(s->dir, &s->st) < 0)
			return brig_errno(e, "%s", w->src);
		/* the root has no name to be copied under: its contents go */
		s->p.contents |= !*s->p.name;
		return 0;
	}
	s->parent = open_path(src->root, s->p.dir, O_PATH | O_DIRECTORY, true);
	if (s->parent < 0 || fstatat(s->parent, s->p.name, &s->st, AT_SYMLINK_NOFOLLOW) < 0)
		return brig_errno(e, "%s", w->src);
	return 0;
}

/* The source as dname in ddir, or its contents into ddir. */
static int copy_source(struct walk *w, struct source *s, int ddir, const char *dname,
		       struct brig_err *e)
{
	if (s->dir >= 0)
		return s->p.contents && !dname ? copy_contents(w, s->dir, ddir, 0, e)
					       : copy_dir(w, s->dir, ddir, dname, 0, e);
	return copy_node(w, s->parent, s->p.name, ddir, dname, 0, e);
}

static int copy_to(struct walk *w, struct source *s, const struct copy_end *dst,
		   struct brig_err *e)
{
	cleanup_close int dir = -1, parent = -1;
	struct parts d;

	if (split(dst->path, &d, e) < 0)
		return brig_err_ctx(e, "%s", w->dst);
	/* An existing directory (a symlink to one is followed, inside the
	 * root): the source goes into it under its own name. */
	dir = open_path(dst->root, dst->path, O_PATH | O_DIRECTORY, true);
	if (dir >= 0) {
		if (s->p.contents)
			return copy_source(w, s, dir, NULL, e);
		if (push(w->dst, &w->dlen, s->p.name, e) < 0)
			return -e->code;
		return copy_source(w, s, dir, s->p.name, e);
	}
	if (errno != ENOENT && errno != ENOTDIR)
		return brig_errno(e, "%s", w->dst);
	if (d.slash && !S_ISDIR(s->st.st_mode))
		return errno == ENOENT
			       ? brig_errf(e, ENOENT, "%s: destination directory does not exist", w->dst)
			       : brig_errf(e, ENOTDIR, "%s: not a directory", w->dst);
	/* Else it is created (or replaced) in its parent, which must exist. */
	parent = open_path(dst->root, d.dir, O_PATH | O_DIRECTORY, true);
	if (parent < 0)
		return brig_errno(e, "%s: destination directory", w->dst);
	if (!*d.name || !strcmp(d.name, ".") || !strcmp(d.name, ".."))
		return brig_errf(e, EINVAL, "%s: not a valid destination", w->dst);
	return copy_source(w, s, parent, d.name, e);
}

int copy_tree(const struct copy_end *src, const struct copy_end *dst, struct brig_err *e)
{
	cleanup_free struct walk *w = calloc(1, sizeof(*w));
	struct source s = { .dir = -1, .parent = -1 };
	mode_t mask;
	int r;

	if (!w)
		return brig_errf(e, ENOMEM, "out of memory");
	snprintf(w->src, sizeof(w->src), "%s", src->label ? src->label : src->path);
	snprintf(w->dst, sizeof(w->dst), "%s", dst->label ? dst->label : dst->path);
	w->slen = strlen(w->src);
	w->dlen = strlen(w->dst);
	/* modes are copied exactly, including those given at creation */
	mask = umask(0);
	r = open_source(w, src, &s, e);
	if (r == 0)
		r = copy_to(w, &s, dst, e);
	umask(mask);
	if (s.dir >= 0)
		close(s.dir);
	if (s.parent >= 0)
		close(s.parent);
	return r < 0 ? r : 0;
}

/* ---- the container's root ---- */

int copy_parse_arg(const char *arg, struct copy_arg *out, struct brig_err *e)
{
	const char *colon = strchr(arg, ':');
	size_t n;

	out->container[0] = '\0';
	out->path = arg;
	if (!*arg)
		return brig_errf(e, EINVAL, "empty path");
	if (arg[0] == '/' || arg[0] == '.' || !colon)
		return 0;
	n = (size_t)(colon - arg);
	if (n == 0)
		return brig_errf(e, EINVAL, "%s: no container name before ':'", arg);
	if (n >= sizeof(out->container))
		return brig_errf(e, EINVAL, "%s: container name too long", arg);
	if (!colon[1])
		return brig_errf(e, EINVAL, "%s: no path after ':'", arg);
	memcpy(out->container, arg, n);
	out->container[n] = '\0';
	out->path = colon + 1;
	return 0;
}

/* A running container's root, /proc/PID/root.  The start time is checked
 * after both opens: the container was started before we read its record,
 * so if it still holds the pid now, it held it when /proc/PID was opened,
 * and root is its own, never that of a process that recycled the pid. */
static int running_root(pid_t pid, unsigned long long start, struct brig_err *e)
{
	char path[64];
	cleanup_close int proc = -1;
	int root;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	proc = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return brig_errno(e, "open %s", path);
	root = openat(proc, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return brig_errno(e, "open %s/root", path);
	if (start == 0 || proc_starttime(pid) != start) {
		close(root);
		return brig_errf(e, ESRCH, "the container stopped");
	}
	return root;
}

/* In the child: a mount namespace of its own, private so that nothing
 * propagates to the host (and the mount ends with the child), the
 * container's overlay on its merged dir, and the copy rooted there. */
static int stopped_copy(const struct spawn_spec *sp, struct copy_end *inside,
			const struct copy_end *src, const struct copy_end *dst, struct brig_err *e)
{
	if (unshare(CLONE_NEWNS) < 0)
		return brig_errno(e, "unshare mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return brig_errno(e, "make / private");
	if (mount_overlay(sp, e) < 0)
		return -e->code;
	inside->root = open(sp->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (inside->root < 0)
		return brig_errno(e, "open %s", sp->merged);
	return copy_tree(src, dst, e);
}

/* A stopped container: the copy runs in a child (stopped_copy), whose
 * error, if any, comes back over a pipe.  Writes land in the upper layer,
 * seen by the container on its next start. */
/* What the child of copy_stopped does: stopped_copy with these. */
struct stopped_job {
	const struct spawn_spec *sp;
	struct copy_end *inside;
	const struct copy_end *src, *dst;
};

static int stopped_job_run(void *arg, struct brig_err *e)
{
	struct stopped_job *j = arg;

	return stopped_copy(j->sp, j->inside, j->src, j->dst, e);
}

static int copy_stopped(const struct brig_ctx *c, const char *id, const struct container_spec *cfg,
			struct copy_end *inside, const struct copy_end *src,
			const struct copy_end *dst, struct brig_err *e)
{
	char dir[PATH_MAX], paths[3][PATH_MAX];
	static const char *const sub[] = { "upper", "work", "merged" };
	struct spawn_spec sp = { .lower = cfg->rootfs };

	if (!*sp.lower)
		return brig_errf(e, EINVAL, "container %.12s: its record has no rootfs", id);
	if (state_path(c, id, NULL, dir, sizeof(dir), e) < 0)
		return -e->code;
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++)
		if (snprintf(paths[i], PATH_MAX, "%s/%s", dir, sub[i]) >= PATH_MAX)
			return brig_errf(e, ENAMETOOLONG, "%s: path too long", dir);
	sp.upper = paths[0];
	sp.work = paths[1];
	sp.merged = paths[2];
	struct stopped_job job = { &sp, inside, src, dst };
	return proc_run_child(stopped_job_run, &job, e);
}

int copy_run(const struct brig_ctx *c, const char *src, const char *dst, struct brig_err *e)
{
	struct copy_arg a, b;
	char id[BRIG_ID_LEN + 1];
	struct container_spec cfg = { 0 };
	struct container_state st;
	cleanup_close int lock = -1;
	int r, root = -ESRCH;

	if (copy_parse_arg(src, &a, e) < 0 || copy_parse_arg(dst, &b, e) < 0)
		return -e->code;
	if (!*a.container && !*b.container)
		return brig_errf(e, EINVAL, "one of SRC and DST must be a container path, NAME:PATH");
	if (*a.container && *b.container)
		return brig_errf(e, EINVAL, "copying between containers is not supported");

	struct copy_end s = { COPY_HOST, a.path, src }, d = { COPY_HOST, b.path, dst };
	struct copy_end *inside = *a.container ? &s : &d;
	const char *ref = *a.container ? a.container : b.container;

	/* Locked: a stopped container must not start while its overlay is
	 * mounted here (container_load takes the same lock). */
	if (state_resolve(c, ref, id, e) < 0 || (lock = container_lock(c, id, e)) < 0 ||
	    state_load(c, id, &cfg, &st, e) < 0) {
		spec_free(&cfg);
		return -e->code;
	}
	if (strcmp(container_status(&st), "running") == 0)
		root = running_root(st.pid, st.starttime, e);
	if (root >= 0) {
		inside->root = root;
		r = copy_tree(&s, &d, e);
		close(root);
	} else if (root == -ESRCH || root == -ENOENT) {
		/* stopped (or it stopped just now): its overlay is mounted nowhere */
		r = copy_stopped(c, id, &cfg, inside, &s, &d, e);
	} else {
		r = root;
	}
	spec_free(&cfg);
	return r;
}
