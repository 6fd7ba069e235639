/* fuzz_lease.c - libFuzzer target for the lease-file parser (ipam_parse):
 * any bytes must parse without crashing, and every kept lease (IPv4 or
 * IPv6) must be well-formed and unique. */
#include <stdint.h>
#include <string.h>

#include "ipam.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether x sorts before or equal to y: IPv4 first, then by address. */
static bool before(const struct ipam_entry *x, const struct ipam_entry *y)
{
	if (x->v6 != y->v6)
		return !x->v6;
	if (x->v6)
		return memcmp(&x->addr6, &y->addr6, sizeof(x->addr6)) <= 0;
	return x->addr <= y->addr;
}

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
			if (i > 0 && before(&f.v[i], &f.v[i - 1]))
				__builtin_trap(); /* sorted, no duplicates */
			if (f.v[i].v6 ? f.v[i].addr != 0 : net_ip6_u128(&f.v[i].addr6) != 0)
				__builtin_trap(); /* one family per lease */
		}
		if (w.bad_lines < 0 || strlen(w.first) >= sizeof(w.first))
			__builtin_trap();
	}
	ipam_file_free(&f);
	return 0;
}
