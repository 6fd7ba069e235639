#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static int fail(struct brig_err *e, int code)
{
	if (code <= 0)
		code = EINVAL;
	if (e)
		e->code = code;
	return -code;
}

int brig_errno(struct brig_err *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	if (!e)
		return fail(NULL, saved);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(saved ? saved : EINVAL));
	return fail(e, saved);
}

int brig_errf(struct brig_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return fail(NULL, code);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return fail(e, code);
}

int brig_err_ctx(struct brig_err *e, const char *fmt, ...)
{
	char prefix[512], old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* A message that does not fit is cut: the context comes first. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old) >= (int)sizeof(e->msg))
		e->msg[sizeof(e->msg) - 1] = '\0';
	return fail(e, e->code);
}
