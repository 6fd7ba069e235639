/* idmap.h - user namespace id maps and subordinate id ranges, pure (no
 * system call): the --uidmap/--gidmap parser, the checks the kernel would
 * make of a map, the /etc/subuid parser and the range allocator of
 * --userns=auto.  Unit-tested and fuzzed. */
#ifndef BRIG_IDMAP_H
#define BRIG_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* At most this many lines per map (the kernel takes 340; podman users
 * rarely write more than three). */
#define IDMAP_MAX 32

/* The ids a user namespace of --userns=auto gets (as podman's default). */
#define IDMAP_AUTO_SIZE 65536u

/* One line of /proc/PID/uid_map: ids inside..inside+count-1 of the
 * container are outside..outside+count-1 on the host. */
struct idmap_range {
	uint32_t inside, outside, count;
};

struct idmap {
	struct idmap_range r[IDMAP_MAX];
	size_t n;
};

/* A container's user namespace as its record keeps it ("userns"). */
struct userns_maps {
	bool set;	/* false: no user namespace (the default, Docker's) */
	bool automatic; /* --userns=auto: the maps were allocated by brig */
	struct idmap uid, gid;
};

/* Parse "CONTAINER_ID:HOST_ID:SIZE" (podman's --uidmap form: three
 * decimal numbers, SIZE >= 1, neither range past 2^32 - 2). */
int idmap_parse(const char *arg, struct idmap_range *r, struct brig_err *e);

/* Parse arg and append it to m; what names the option in errors
 * ("--uidmap").  Refuses a range overlapping one already there (inside or
 * outside: the kernel would) and more than IDMAP_MAX lines. */
int idmap_add(struct idmap *m, const char *what, const char *arg, struct brig_err *e);

/* A map brig can run a container with: not empty, ranges in bounds and
 * not overlapping, and container id 0 mapped (its root). */
int idmap_check(const struct idmap *m, const char *what, struct brig_err *e);

/* The host id of container id `inside`; false when it is not mapped. */
bool idmap_to_host(const struct idmap *m, uint32_t inside, uint32_t *outside);

/* m as the kernel reads it from /proc/PID/uid_map: "IN OUT COUNT\n" per
 * range.  Returns the length, or -1 when buf is too small. */
int idmap_format(const struct idmap *m, char *buf, size_t len);

/* A range of subordinate ids: start..start+count-1. */
struct id_range {
	uint32_t start, count;
};

/* The ranges /etc/subuid (or /etc/subgid) text gives user, named or by
 * its numeric id ("root:1000000:655360", "0:1000000:655360"), at most max
 * into out.  Blank lines and '#' comments are skipped; so is a malformed
 * line (counted in *bad when bad is not NULL), never trusted.  Returns how
 * many ranges were found. */
size_t subid_parse(const char *text, size_t len, const char *user, uid_t uid,
		   struct id_range *out, size_t max, size_t *bad);

/* The lowest start of `size` consecutive ids inside one of avail and
 * overlapping none of used.  0 with *start set, or -ENOSPC. */
int subid_alloc(const struct id_range *avail, size_t n_avail, const struct id_range *used,
		size_t n_used, uint32_t size, uint32_t *start);

#endif
