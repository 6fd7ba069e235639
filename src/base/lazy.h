/* lazy.h - forwarders for a library loaded with dlopen on first use.
 *
 * A file that wraps a library defines LAZY_SONAME and `static void
 * *lazy_lib;` (the dlopen handle, set by its load function, which the entry
 * points of its module call first) and then one LAZY or LAZY_VOID line per
 * function, with
 * the exact prototype of the library's header: brig then does not link the
 * library, so its loading is paid only by the commands that use it.  A
 * program that links the library itself (a unit test, a fuzzer) still works:
 * dlsym on the handle finds the library's definition, never these. */
#ifndef BRIG_LAZY_H
#define BRIG_LAZY_H

#include <dlfcn.h>
#include <stdlib.h>

/* name's address in lib, dlopen'ed here if the module's load function has
 * not run yet (a unit test calling a parser directly).  That function
 * reports a missing library as an error at the module's entry points, and
 * every wrapped name is in the library: a failure here cannot happen in
 * brig, and aborts. */
static inline void *lazy_resolve(void **lib, const char *soname, const char *name)
{
	void *fn;

	if (!*lib)
		*lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	fn = *lib ? dlsym(*lib, name) : NULL;
	if (!fn)
		abort();
	return fn;
}

/* ret name(params) { forward args } with the target resolved once. */
#define LAZY(ret, name, params, args)                                           \
	ret name params                                                \
	{                                                              \
		static ret(*fn) params;                                \
		if (!fn)                                               \
			*(void **)&fn = lazy_resolve(&lazy_lib, LAZY_SONAME, #name); \
		return fn args;                                        \
	}
#define LAZY_VOID(name, params, args)                                  \
	void name params                                               \
	{                                                              \
		static void(*fn) params;                               \
		if (!fn)                                               \
			*(void **)&fn = lazy_resolve(&lazy_lib, LAZY_SONAME, #name); \
		fn args;                                               \
	}

#endif
