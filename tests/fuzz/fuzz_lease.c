/* fuzz_lease.c - libFuzzer target for the lease-file parser (ipam_parse):
 * any bytes must parse without crashing, and every kept lease must be
 * well-formed and unique. */
#include <stdint.h>
#include <string.h>

#include "ipam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipam_file f = { 0 };
	struct ipam_warn w = { 0 };
	struct brig_err e;
	int n = ipam_parse((const char *)data, size, &f, &w, &e);

	if (n >= 0) {
		for (size_t i = 0; i < f.n; i++) {
			if (f.v[i].owner <= 0 || !f.v[i].cid[0] ||
			    strlen(f.v[i].cid) >= IPAM_CID_MAX)
				__builtin_trap();
			if (i > 0 && f.v[i - 1].addr >= f.v[i].addr)
				__builtin_trap(); /* sorted, no duplicates */
		}
		if (w.bad_lines < 0 || strlen(w.first) >= sizeof(w.first))
			__builtin_trap();
	}
	ipam_file_free(&f);
	return 0;
}
