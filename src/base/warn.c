/* warn.c - the one warning sink (see warn.h). */
#include <stdarg.h>
#include <stdio.h>

#include "warn.h"

static void to_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "brig: warning: %s\n", msg);
}

static brig_warn_fn sink = to_stderr;
static void *sink_arg;

void brig_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink(sink_arg, msg);
}

brig_warn_fn brig_warn_sink(brig_warn_fn fn, void *arg)
{
	brig_warn_fn old = sink;

	sink = fn ? fn : to_stderr;
	sink_arg = arg;
	return old;
}
