/* yaml_lazy.c - libyaml's entry points through dlopen (yaml_lazy.h). */
#include <yaml.h>

#include "lazy.h"
#include "yaml_lazy.h"

#define LIBYAML "libyaml-0.so.2"

#define LAZY_SONAME LIBYAML

static void *lazy_lib;

int yaml_library_load(struct brig_err *e)
{
	if (!lazy_lib)
		lazy_lib = dlopen(LIBYAML, RTLD_NOW | RTLD_LOCAL);
	if (!lazy_lib)
		return brig_errf(e, ELIBACC, "load %s: %s", LIBYAML, dlerror());
	return 0;
}

LAZY(int, yaml_parser_initialize, (yaml_parser_t *p), (p))
LAZY_VOID(yaml_parser_delete, (yaml_parser_t *p), (p))
LAZY_VOID(yaml_parser_set_input_string, (yaml_parser_t *p, const unsigned char *in, size_t n),
	  (p, in, n))
LAZY(int, yaml_parser_parse, (yaml_parser_t *p, yaml_event_t *ev), (p, ev))
LAZY_VOID(yaml_event_delete, (yaml_event_t *ev), (ev))
