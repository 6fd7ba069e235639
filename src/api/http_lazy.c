/* http_lazy.c - libhttp_parser's entry points through dlopen (http_lazy.h). */
#include <http_parser.h>

#include "http_lazy.h"
#include "lazy.h"

#define LIBHTTP "libhttp_parser.so.2.9"

#define LAZY_SONAME LIBHTTP

static void *lazy_lib;

int http_library_load(struct brig_err *e)
{
	if (!lazy_lib)
		lazy_lib = dlopen(LIBHTTP, RTLD_NOW | RTLD_LOCAL);
	if (!lazy_lib)
		return brig_errf(e, ELIBACC, "load %s: %s", LIBHTTP, dlerror());
	return 0;
}

LAZY_VOID(http_parser_init, (http_parser *p, enum http_parser_type t), (p, t))
LAZY(size_t, http_parser_execute,
     (http_parser *p, const http_parser_settings *s, const char *data, size_t len),
     (p, s, data, len))
LAZY(int, http_should_keep_alive, (const http_parser *p), (p))
LAZY(const char *, http_method_str, (enum http_method m), (m))
LAZY(const char *, http_status_str, (enum http_status s), (s))
LAZY(const char *, http_errno_description, (enum http_errno err), (err))
LAZY_VOID(http_parser_pause, (http_parser *p, int paused), (p, paused))
