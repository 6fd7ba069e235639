/* fuzz_size.c - libFuzzer target: parse_size and valid_name on arbitrary
 * bytes.  A parsed size is positive and at most 2^62; a parse never reads
 * past the string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct brig_err e;
	int64_t v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_size(s, &v, &e) == 0 && (v <= 0 || v > (INT64_C(1) << 62)))
		abort();
	(void)valid_name(s);
	free(s);
	return 0;
}
