/* fuzz_uidmap.c - libFuzzer target for the /proc/PID/uid_map parser of
 * rootless brig (src/base/rootless.c).
 *
 * Any bytes parse without crashing or reading past them (the text is not
 * NUL-terminated); a map that parses has at most max ranges, each
 * non-empty, and covers the first id of each of its ranges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rootless.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rootless_range r[8];
	char *text = malloc(size ? size : 1);
	int n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	n = rootless_map_parse(text, size, r, 8);
	check(n >= -1 && n <= 8);
	for (int i = 0; i < n; i++) {
		check(r[i].count > 0);
		check(rootless_map_covers(r, (size_t)n, r[i].inside));
	}
	free(text);
	return 0;
}
