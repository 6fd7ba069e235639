/* util.h - small pure helpers: sizes, names, ids, paths inside a root,
 * human-readable sizes and times. */
#ifndef BRIG_UTIL_H
#define BRIG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "io.h"

#define BRIG_ID_LEN 64
#define BRIG_SHORT_ID 12

/* Parse "512", "32m", "1.5g", "64k", "10b" (case-insensitive) into bytes.
 * Refuses 0, negatives, garbage and values above 2^62. */
int parse_size(const char *s, int64_t *out, struct brig_err *e);

/* Parse a non-negative decimal integer bounded by max. */
int parse_uint(const char *s, uint64_t max, uint64_t *out, struct brig_err *e);

/* Container/image/network names: [a-zA-Z0-9][a-zA-Z0-9_.-]*, 1..63 chars. */
bool valid_name(const char *s);

/* 64 lowercase hex chars from getrandom(2), NUL terminated (65 bytes). */
int gen_id(char out[BRIG_ID_LEN + 1], struct brig_err *e);

/* Join a path inside root so that no "..", absolute component or symlink
 * already on disk can lead outside root (symlinks are not followed here,
 * the caller opens with O_NOFOLLOW / openat2 RESOLVE_IN_ROOT).  Returns 0 and
 * writes root + "/" + normalised name to out, or -EINVAL if name escapes. */
int safe_join(const char *root, const char *name, char *out, size_t outlen, struct brig_err *e);

/* A NULL-terminated string array (NULL counts as empty): its length, and
 * freeing it with every string in it. */
size_t strv_len(char *const *v);
void strv_free(char **v);

/* Human size "1.2MB" into buf. */
const char *human_size(int64_t bytes, char *buf, size_t len);

/* "5 seconds ago" style, from a unix time. */
const char *human_ago(int64_t when, char *buf, size_t len);

/* The time since a unix time, "5 seconds" ("Up 5 seconds" in ps). */
const char *human_duration(int64_t when, char *buf, size_t len);

/* Current time in nanoseconds (CLOCK_REALTIME) and RFC 3339 formatting. */
int64_t now_ns(void);
const char *rfc3339(int64_t ns, char *buf, size_t len);

/* Unix seconds from an RFC 3339 UTC time as rfc3339() writes it
 * ("2024-05-01T12:00:00.123Z"); the fraction is ignored.  -1 if unparsable. */
int64_t parse_rfc3339(const char *s);

/* A point in time as Docker's --since/--until take it, into unix ns: an
 * RFC 3339 time ("2024-05-01T12:00:00.5Z", "+02:00" offsets; without a
 * zone, local time; "2024-05-01", "2024-05-01T12:00" too), unix seconds
 * with an optional fraction ("1714564800.5"), or a Go duration before now
 * ("10m", "1h30m", "1.5s"; now_ns given by the caller).  0, or -EINVAL
 * with e filled. */
int parse_time_arg(const char *s, int64_t now_ns, int64_t *out, struct brig_err *e);

#endif
