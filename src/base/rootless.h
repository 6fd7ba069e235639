/* rootless.h - whether brig runs rootless: in a user namespace of its own
 * (docs/rootless.md), as an unprivileged user's brig does once it entered
 * the namespace held by its pause process.  Every layer asks here: the
 * image extractor (no device nodes, owners outside the map), the runtime
 * (no mknod, overlay with userxattr), the engine (no bridge networks, no
 * cgroup unless delegated).  The parser of /proc/PID/uid_map text is pure
 * (unit-tested and fuzzed). */
#ifndef BRIG_ROOTLESS_H
#define BRIG_ROOTLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most this many lines of a map are read (the kernel allows 340). */
#define ROOTLESS_MAP_MAX 64

/* One line of /proc/PID/uid_map: ids inside..inside+count-1 are
 * outside..outside+count-1 in the parent namespace. */
struct rootless_range {
	uint32_t inside, outside, count;
};

/* Parse uid_map (or gid_map) text: "IN OUT COUNT" per line, blanks
 * squeezed, at most max lines into out.  Returns how many, or -1 when a
 * line is malformed or past max (the map is then not trusted). */
int rootless_map_parse(const char *text, size_t len, struct rootless_range *out, size_t max);

/* True when the ranges are the initial namespace's identity map
 * ("0 0 4294967295"): no user namespace. */
bool rootless_map_is_identity(const struct rootless_range *r, size_t n);

/* True when id (as seen inside) is covered by one of the ranges. */
bool rootless_map_covers(const struct rootless_range *r, size_t n, uint32_t id);

/* Whether this process runs in a user namespace (read once from
 * /proc/self/uid_map; rootless_forget makes the next call read again,
 * after the process entered one). */
bool rootless_active(void);
void rootless_forget(void);

/* Whether uid (gid false) or gid (gid true) is mapped in our own user
 * namespace: an owner that is not cannot be given to a file. */
bool rootless_id_mapped(bool gid, uint32_t id);

#endif
