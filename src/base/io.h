/* io.h - files and directories, each failure reported in a brig_err. */
#ifndef BRIG_IO_H
#define BRIG_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* mkdir -p with mode. */
int mkdir_p(const char *path, mode_t mode, struct brig_err *e);

/* rm -rf, never crossing into another filesystem; absent is success. */
int remove_tree(const char *path, struct brig_err *e);

/* Write data to path atomically: temp file, fsync, rename (readers see the
 * old file or the new one, whole, even after a crash).
 * The temp file is ".<base>.tmp-XXXXXX" in the same directory; the
 * result has mode 0644. */
int write_atomic(const char *path, const void *data, size_t len, struct brig_err *e);

/* write_atomic with the result's mode (0600 for credentials: the temp
 * file is never readable by others either). */
int write_atomic_mode(const char *path, const void *data, size_t len, mode_t mode,
		      struct brig_err *e);

/* write_atomic without the fsync (mode 0644): readers still see the old
 * file or the new one, whole, but after a crash the new one may be empty.
 * For what a reboot clears or makes stale anyway (the runtime root's
 * leases, hosts registries and monitor files; a running container's
 * state), where a disk flush per write buys nothing. */
int write_atomic_nosync(const char *path, const void *data, size_t len, struct brig_err *e);

/* Open (creating, 0600) and flock(LOCK_EX) path; returns the fd, whose
 * close releases the lock. */
int lock_file(const char *path, struct brig_err *e);

/* Read a whole (small) file, NUL-terminated; *out is malloc'd.  An
 * absent file is -ENOENT. */
int read_file(const char *path, char **out, size_t *len, struct brig_err *e);

/* read_file with extra open(2) flags (O_NOFOLLOW) and a size limit:
 * larger files are -EFBIG. */
int read_file_max(const char *path, int oflags, size_t max, char **out, size_t *len,
		  struct brig_err *e);

/* write(2) all of data, retrying short writes and EINTR: 0, or -1 with
 * errno. */
int write_all(int fd, const void *data, size_t len);

/* Total bytes of regular files under path (du -s, apparent sizes). */
int64_t tree_size(const char *path);

/* Close every fd above 2 but those of keep[0..n) (at most 16; negative
 * ones are ignored): a process that stays alive after fork must not hold
 * its parent's locks and pipes. */
void fd_close_except(const int *keep, size_t n);

/* Point fds from..to at /dev/null (a detached process's stdio): 0, or -1
 * with errno. */
int fd_to_null(int from, int to);

#endif
