/* fuzz_timearg.c - libFuzzer target: parse_time_arg (src/base/util.c), the
 * --since/--until times, on arbitrary bytes: no read past the string, no
 * signed overflow (UBSan), and a refusal always says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct brig_err e = { 0 };
	int64_t t;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_time_arg(s, INT64_C(1700000000) * 1000000000, &t, &e) < 0 && !e.msg[0])
		abort();
	free(s);
	return 0;
}
