/* fuzz_subid.c - libFuzzer target for the /etc/subuid parser and the
 * --userns=auto allocator (src/runtime/idmap.c).
 *
 * Any bytes parse without crashing or reading past them (the text is not
 * NUL-terminated); every range found is non-empty and in bounds; a range
 * allocated from them lies inside one and overlaps none of the used ones
 * (here: the first two found, as if held by containers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct id_range r[16];
	uint32_t start, want = size ? (uint32_t)data[0] * 257 + 1 : 65536;
	char *text = malloc(size ? size : 1);
	size_t n, bad;

	if (!text)
		return 0;
	memcpy(text, data, size);
	n = subid_parse(text, size, "root", 0, r, 16, &bad);
	check(n <= 16);
	for (size_t i = 0; i < n; i++)
		check(r[i].count > 0 && (uint64_t)r[i].start + r[i].count <= 0xffffffffULL);
	size_t used = n < 2 ? n : 2;
	if (subid_alloc(r + used, n - used, r, used, want, &start) == 0) {
		bool inside = false;
		for (size_t i = used; i < n; i++)
			inside |= start >= r[i].start &&
				  (uint64_t)start + want <= (uint64_t)r[i].start + r[i].count;
		check(inside);
		for (size_t i = 0; i < used; i++)
			check(!((uint64_t)start < (uint64_t)r[i].start + r[i].count &&
				(uint64_t)r[i].start < (uint64_t)start + want));
	}
	free(text);
	return 0;
}
