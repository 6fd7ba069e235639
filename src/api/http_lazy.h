/* http_lazy.h - libhttp_parser is loaded on first use (http_lazy.c): only
 * `brig serve` parses HTTP, and linking it cost every brig start its
 * loading.  api_serve() calls http_library_load() before it listens. */
#ifndef BRIG_HTTP_LAZY_H
#define BRIG_HTTP_LAZY_H

#include "err.h"

/* dlopen libhttp_parser once; ELIBACC with dlerror()'s words when missing. */
int http_library_load(struct brig_err *e);

#endif
