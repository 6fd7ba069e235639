/* report.c - the only place brig prints an error: "brig: what: why". */
#include <stdarg.h>
#include <stdio.h>

#include "brig.h"

void brig_report(const struct brig_err *e)
{
	fprintf(stderr, "brig: %s\n", e->msg);
}

int brig_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("brig: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BRIG;
}

char **brig_argv;
