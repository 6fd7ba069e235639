/* report.c - the only place brig prints an error: "brig: what: why". */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void brig_report(const struct brig_err *e)
{
	fprintf(stderr, "brig: %s\n", e->msg);
}

void brig_report_cb(void *arg, const struct brig_err *e)
{
	(void)arg;
	brig_report(e);
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

const char *brig_bad_option(char *const *argv)
{
	static char buf[96];
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	int len = (int)strcspn(arg, "=");

	/* With opterr = 0, getopt_long leaves optopt 0 for an unknown long
	 * option and the option's value when its argument is missing; for a
	 * short option it is the letter either way. */
	if (strncmp(arg, "--", 2) == 0 && optopt == 0)
		snprintf(buf, sizeof(buf), "unknown option '%.*s'", len, arg);
	else if (strncmp(arg, "--", 2) == 0)
		snprintf(buf, sizeof(buf), "option '%.*s' needs a value", len, arg);
	else
		snprintf(buf, sizeof(buf), "invalid option '-%c' or missing value", optopt);
	return buf;
}

