/* io.c - files and directories: mkdir -p, rm -rf, atomic writes, whole-file
 * reads, write-all, locks, tree sizes.  Every failure fills a brig_err. */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"

#define READ_FILE_MAX (64 * 1024 * 1024)

int mkdir_p(const char *path, mode_t mode, struct brig_err *e)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return brig_errf(e, ENAMETOOLONG, "mkdir '%s': bad length", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return brig_errno(e, "mkdir %s", buf);
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return brig_errno(e, "stat %s", path);
	if (!S_ISDIR(st.st_mode))
		return brig_errf(e, ENOTDIR, "mkdir %s: %s", path, strerror(ENOTDIR));
	return 0;
}

/* nftw callbacks carry no user pointer; brig is single-threaded per
 * process, and these are thread-local anyway. */
static __thread int walk_errno;
static __thread char walk_path[PATH_MAX];
static __thread int64_t walk_total;

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int r;

	(void)st;
	(void)ftw;
	if (type == FTW_DP || type == FTW_D || type == FTW_DNR)
		r = rmdir(path);
	else
		r = unlink(path);
	if (r < 0 && errno != ENOENT) {
		walk_errno = errno;
		snprintf(walk_path, sizeof(walk_path), "%s", path);
		return 1;
	}
	return 0;
}

int remove_tree(const char *path, struct brig_err *e)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return brig_errno(e, "remove %s", path);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return brig_errno(e, "remove %s", path);
		return 0;
	}
	/* FTW_PHYS: symlinks are removed, never followed.  FTW_MOUNT: a mount
	 * point below path is not entered, so its rmdir fails with EBUSY
	 * instead of emptying someone else's filesystem. */
	walk_errno = 0;
	if (nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return brig_errno(e, "remove %s", path);
	if (walk_errno) {
		errno = walk_errno;
		return brig_errno(e, "remove %s", walk_path);
	}
	/* A mount point below path is skipped by FTW_MOUNT, so the rmdir of its
	 * parent fails (ENOTEMPTY) and is reported above. */
	return 0;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The temp file, its mode and data (flushed with sync), then the rename. */
static int write_temp_rename(const char *path, const void *data, size_t len, mode_t mode,
			     bool sync, struct brig_err *e)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	cleanup_close int fd = -1;

	if (!*base)
		return brig_errf(e, EINVAL, "write %s: not a file name", path);
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	/* The temp file lives in the same directory so rename(2) is atomic. */
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, base) >= (int)sizeof(tmp))
		return brig_errf(e, ENAMETOOLONG, "write %s: name too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return brig_errno(e, "write %s", path);
	/* mkostemp creates 0600, so a secret never exists with a wider mode;
	 * the result gets mode before any data is written. */
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || (sync && fsync(fd) < 0)) {
		int r = brig_errno(e, "write %s", path);
		unlink(tmp);
		return r;
	}
	if (close(steal_fd(fd)) < 0) {
		int r = brig_errno(e, "write %s", path);
		unlink(tmp);
		return r;
	}
	if (rename(tmp, path) < 0) {
		int r = brig_errno(e, "rename %s", path);
		unlink(tmp);
		return r;
	}
	/* No fsync of the directory: after a crash the old or the new file is
	 * there, each whole, which is all a reader needs; making the rename
	 * itself durable would cost a disk flush on every state change. */
	return 0;
}

int write_atomic(const char *path, const void *data, size_t len, struct brig_err *e)
{
	return write_atomic_mode(path, data, len, 0644, e);
}

int write_atomic_mode(const char *path, const void *data, size_t len, mode_t mode,
		      struct brig_err *e)
{
	return write_temp_rename(path, data, len, mode, true, e);
}

int write_atomic_nosync(const char *path, const void *data, size_t len, struct brig_err *e)
{
	return write_temp_rename(path, data, len, 0644, false, e);
}

int read_file(const char *path, char **out, size_t *len, struct brig_err *e)
{
	return read_file_max(path, 0, READ_FILE_MAX, out, len, e);
}

int read_file_max(const char *path, int oflags, size_t max, char **out, size_t *len,
		  struct brig_err *e)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | oflags);
	cleanup_free char *buf = NULL;
	size_t cap = 0, n = 0;

	if (fd < 0)
		return brig_errno(e, "open %s", path);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max)
				return brig_errf(e, EFBIG, "read %s: larger than %zu bytes", path, max);
			cap = cap ? cap * 2 : 4096;
			char *nb = realloc(buf, cap);
			if (!nb)
				return brig_errno(e, "read %s", path);
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return brig_errno(e, "read %s", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = steal_ptr(buf);
	if (len)
		*len = n;
	return 0;
}

static int size_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode))
		walk_total += st->st_size;
	return 0;
}

int64_t tree_size(const char *path)
{
	walk_total = 0;
	if (nftw(path, size_entry, 32, FTW_PHYS | FTW_MOUNT) < 0)
		return -1;
	return walk_total;
}

int lock_file(const char *path, struct brig_err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return brig_errno(e, "open %s", path);
	if (flock(fd, LOCK_EX) < 0) {
		int r = brig_errno(e, "lock %s", path);
		close(fd);
		return r;
	}
	return fd;
}

static int by_fd(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void fd_close_except(const int *keep, size_t n)
{
	int k[16], lo = 3;
	size_t m = 0;

	for (size_t i = 0; i < n && m < ARRAY_SIZE(k); i++)
		if (keep[i] >= 3)
			k[m++] = keep[i];
	qsort(k, m, sizeof(*k), by_fd);
	for (size_t i = 0; i < m; i++) {
		if (k[i] > lo)
			syscall(SYS_close_range, lo, k[i] - 1, 0);
		lo = k[i] + 1 > lo ? k[i] + 1 : lo;
	}
	syscall(SYS_close_range, lo, ~0U, 0);
}

int fd_to_null(int from, int to)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return -1;
	for (int fd = from; fd <= to; fd++) {
		if (dup2(null, fd) < 0) {
			int err = errno;

			close(null);
			errno = err;
			return -1;
		}
	}
	return close(null);
}
