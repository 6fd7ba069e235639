/* mountspec.h - the mounts `brig run` asks for, as Docker spells them:
 *
 *   -v, --volume HOSTPATH:PATH[:OPTS] | NAME:PATH[:OPTS] | PATH
 *   --mount type=bind|volume|tmpfs,source=..,target=..,readonly,...
 *   --tmpfs PATH[:OPTS]
 *
 * Pure parsers (no I/O): whether a bind's host path exists, and the
 * volumes themselves, are the engine's business at create time
 * (mounts.c, volume.c).  Unit-tested and fuzzed (tests/fuzz/fuzz_mountspec.c).
 * Every message is one line naming the option, as Docker's do. */
#ifndef BRIG_MOUNTSPEC_H
#define BRIG_MOUNTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A volume name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (Docker's rule: two
 * characters at least), at most this long. */
#define MOUNTSPEC_NAME_MAX 128

/* The most mounts one container may have. */
#define MOUNTSPEC_MAX 64

/* The room mountspec_tmpfs_format and the kernel data of a tmpfs need. */
#define MOUNTSPEC_TMPFS_MAX 256

enum mount_type { MOUNT_BIND, MOUNT_VOLUME, MOUNT_TMPFS };

/* One mount of a container.  Every string is malloc'd (mountspec_free). */
struct mount_spec {
	enum mount_type type;
	char *source;  /* bind: absolute host path; volume: its name, NULL for an
			* anonymous one until the container is created; tmpfs: NULL */
	char *target;  /* absolute and clean ("/a/b"), never "/" */
	char *options; /* tmpfs: canonical options ("nosuid,nodev,noexec,size=65536"),
			* see mountspec_tmpfs_parse; else NULL */
	bool readonly;
	bool create_source; /* bind given by -v: a missing host path is created
			     * as a directory (Docker's -v); --mount refuses it */
	bool nocopy;	    /* volume: never filled from the image */
	bool anonymous;	    /* volume: brig named it for this container, which
			     * takes it along when removed with --rm or rm -v */
};

/* A tmpfs's options, parsed: the mount attributes (MOUNT_ATTR_* of
 * mount_setattr/fsmount) and the filesystem's own data, "key=value" pairs
 * separated by ',' (size in bytes, mode in octal, uid, gid, nr_inodes). */
struct mount_tmpfs {
	bool readonly;
	uint64_t attrs;
	char data[MOUNTSPEC_TMPFS_MAX];
};

/* -v ARG into *m (zeroed first).  HOSTPATH is absolute, or relative
 * starting with "./" or "../" (or "." or ".."), made absolute against cwd;
 * anything else before the first ':' is a volume name.  A lone PATH is an
 * anonymous volume.  OPTS: ro, rw, nocopy (volumes), z, Z (accepted, no
 * SELinux here), private, rprivate (brig's mounts are always private). */
int mountspec_parse_volume(const char *arg, const char *cwd, struct mount_spec *m,
			   struct brig_err *e);

/* --mount ARG into *m (zeroed first): comma-separated key[=value] fields,
 * keys as Docker's: type (bind, volume (the default), tmpfs), source|src,
 * target|destination|dst, readonly|ro[=BOOL], volume-nocopy[=BOOL],
 * bind-propagation (private, rprivate), tmpfs-size, tmpfs-mode,
 * consistency (ignored, as on Linux). */
int mountspec_parse_mount(const char *arg, const char *cwd, struct mount_spec *m,
			  struct brig_err *e);

/* --tmpfs PATH[:OPTS] into *m (zeroed first); see mountspec_tmpfs_parse. */
int mountspec_parse_tmpfs(const char *arg, struct mount_spec *m, struct brig_err *e);

/* Parse tmpfs options "OPT[,OPT]..." (NULL or "": none) over Docker's
 * defaults (nosuid, nodev, noexec).  OPT: ro, rw, exec, noexec, suid,
 * nosuid, dev, nodev, noatime, relatime, strictatime, diratime,
 * nodiratime, size=SIZE (b, k, m, g), mode=OCTAL, uid=N, gid=N,
 * nr_inodes=N; a later one wins.  A refusal reads "option 'X': why". */
int mountspec_tmpfs_parse(const char *opts, struct mount_tmpfs *t, struct brig_err *e);

/* t as canonical options that mountspec_tmpfs_parse reads back to t
 * ("nosuid,nodev,noexec,size=67108864,mode=1777"; ro is left to the mount's
 * readonly).  out has MOUNTSPEC_TMPFS_MAX bytes at least. */
void mountspec_tmpfs_format(const struct mount_tmpfs *t, char *out, size_t len);

/* Clean an absolute path lexically: "//a/./b/../c/" -> "/a/c"; ".." at
 * the root stays at the root.  -ENAMETOOLONG when out is too small,
 * -EINVAL when path is not absolute. */
int mountspec_clean(const char *path, char *out, size_t len, struct brig_err *e);

/* A volume name as Docker accepts it (MOUNTSPEC_NAME_MAX at most). */
bool mountspec_valid_name(const char *name);

/* The mounts of one container together: no target twice (Docker's
 * "duplicate mount point"). */
int mountspec_check(const struct mount_spec *m, size_t n, struct brig_err *e);

/* Replace the control characters of e's message (a value the user gave
 * may hold a newline) by '?': an error stays one line. */
void mountspec_one_line(struct brig_err *e);

/* "bind", "volume", "tmpfs". */
const char *mountspec_type_name(enum mount_type t);

/* The type named s, or -1. */
int mountspec_type_from(const char *s);

/* Free m's strings and zero it. */
void mountspec_free(struct mount_spec *m);

/* Free the n mounts of the malloc'd array m, and m. */
void mountspec_free_all(struct mount_spec *m, size_t n);

#endif
