/* copy.h - brig cp: files and directory trees between the host and a
 * container, with docker cp's rules.
 *
 * A container path is resolved inside the container's root and can never
 * leave it: the path is opened with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) from an O_PATH fd of that root (a symlink to "/"
 * in the container means the container's "/"), and every entry below it is
 * reached one name at a time from a directory fd, with no symlink followed.
 * Symlinks are copied as symlinks, on both sides. */
#ifndef BRIG_COPY_H
#define BRIG_COPY_H

#include <stdbool.h>

#include "ctx.h"

/* Resolve host paths as the kernel does for any command, relative to the
 * current directory (copy_end.root). */
#define COPY_HOST (-100) /* AT_FDCWD */

/* One side of a copy. */
struct copy_end {
	int root;          /* O_PATH fd of a container's root, or COPY_HOST */
	const char *path;  /* as the user gave it, trailing "/" and "/." kept */
	const char *label; /* how messages name it ("web:/etc"); NULL: path */
};

/* An argument of `brig cp`, split as docker splits it: "NAME:PATH" names a
 * container unless the argument is an absolute path or the part before the
 * first ':' starts with '.' ("./a:b" is a host file). */
struct copy_arg {
	char container[128]; /* "" for a host path */
	const char *path;    /* points into the argument */
};

/* Split arg; an empty argument, an empty NAME or an empty PATH is EINVAL. */
int copy_parse_arg(const char *arg, struct copy_arg *out, struct brig_err *e);

/* Copy src to dst with docker cp's rules:
 *  - a file onto an existing directory goes inside it, under its own name;
 *    onto an existing file it overwrites it; a missing destination is
 *    created, but its parent must exist and "DST/" must be a directory;
 *  - a directory onto an existing directory becomes a subdirectory of it,
 *    "SRC/." copies its contents instead; a missing destination is created
 *    with the contents; a directory onto a file is an error;
 *  - a source whose last component is a symlink is copied as that symlink
 *    ("LINK/" and "LINK/." follow it, inside the source's root).
 * The destination itself is followed when it is a symlink to a directory
 * (inside its root); any other existing entry is replaced, never written
 * through.  Mode, numeric owner and times are kept; directories brig
 * creates get theirs once their contents are in; directories that already
 * existed keep their own.  Regular files, directories, symlinks, fifos and
 * device nodes are copied; sockets are skipped, as tar skips them; hard
 * links become separate files.  The process umask is 0 while it runs. */
int copy_tree(const struct copy_end *src, const struct copy_end *dst, struct brig_err *e);

/* brig cp SRC DST: exactly one of them is "NAME:PATH".  A running
 * container is reached through /proc/PID/root (checked against the record's
 * start time, so a recycled pid can never hand over another root); for a
 * stopped one, a child process mounts the container's overlay in a private
 * mount namespace of its own, so writes land in the upper layer and no
 * mount is ever visible on the host. */
int copy_run(const struct brig_ctx *c, const char *src, const char *dst, struct brig_err *e);

#endif
