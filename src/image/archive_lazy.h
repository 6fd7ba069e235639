/* archive_lazy.h - libarchive is loaded on first use (archive_lazy.c).
 * Every entry point of the image module that extracts anything calls
 * archive_library_load() first, so a host without the library gets one
 * error line instead of a crash. */
#ifndef BRIG_ARCHIVE_LAZY_H
#define BRIG_ARCHIVE_LAZY_H

#include "err.h"

/* dlopen libarchive once; ELIBACC with dlerror()'s words when missing. */
int archive_library_load(struct brig_err *e);

#endif
