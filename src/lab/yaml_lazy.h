/* yaml_lazy.h - libyaml is loaded on first use (yaml_lazy.c): only the
 * topology parser needs it, and linking it cost every brig start its
 * loading.  ydoc_parse() calls yaml_library_load() first. */
#ifndef BRIG_YAML_LAZY_H
#define BRIG_YAML_LAZY_H

#include "err.h"

/* dlopen libyaml once; ELIBACC with dlerror()'s words when missing. */
int yaml_library_load(struct brig_err *e);

#endif
