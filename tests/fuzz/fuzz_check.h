/* fuzz_check.h - the one assertion of the fuzz targets: a property that
 * does not hold stops the target, and libFuzzer reports the input as a
 * crash.  Header-only; include it after the system headers. */
#ifndef BRIG_FUZZ_CHECK_H
#define BRIG_FUZZ_CHECK_H

static inline void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

#endif
