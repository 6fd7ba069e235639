/* fuzz_ref.c - libFuzzer target: image references (src/image/ref.c).  A
 * reference that parses must print back to one that parses to the same
 * thing (normalisation is idempotent), and never overflow its fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], out[REF_MAX];
	struct image_ref a, b;
	struct brig_err e;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (ref_parse(in, &a, &e) < 0)
		return 0;
	ref_string(&a, out, sizeof(out));
	if (ref_parse(out, &b, &e) < 0 || strcmp(a.domain, b.domain) || strcmp(a.path, b.path) ||
	    strcmp(a.tag, b.tag) || strcmp(a.digest, b.digest))
		abort();
	(void)ref_familiar(out);
	return 0;
}
