/* err.h - the one error idiom of brig.
 *
 * Functions return int: >= 0 on success, negative on failure, and fill a
 * struct brig_err only on failure.  Callers add context on the way up with
 * brig_err_ctx(); only src/ prints, once, as "brig: <msg>".
 */
#ifndef BRIG_ERR_H
#define BRIG_ERR_H

#include <errno.h>

struct brig_err {
	int code;        /* an errno value (EINVAL when none fits) */
	char msg[1024];  /* "what failed: why" */
};

/* Set e to "<fmt...>: strerror(errno)"; returns -errno. */
int brig_errno(struct brig_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set e to code and the message exactly as formatted; returns -code. */
int brig_errf(struct brig_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "<fmt...>: " to the message already in e; returns -e->code. */
int brig_err_ctx(struct brig_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
