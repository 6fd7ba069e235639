/* fuzz_impair.c - libFuzzer target for net/impair.c, the relay's handling
 * of frames it receives (untrusted: any container may send anything):
 * impairment parameters and a virtio_net_hdr + frame from the input, every
 * impairment on; no crash, no read or write outside the frame (ASan), and
 * the queue gives out only what went in (or, corrupted, segments of it). */
#include <stdint.h>
#include <string.h>

#include "impair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct impair im;
	static bool ready;
	struct netem_params p = { 0 };
	struct brig_err e;
	const uint8_t *f;
	size_t len;

	if (!ready) {
		if (impair_init(&im, 16, 10, 1, &e) < 0)
			__builtin_trap();
		ready = true;
	}
	if (size < 4)
		return 0;
	p.corrupt = data[0] % 2 ? 100 : data[0] % 101;
	p.duplicate = data[1] % 101;
	p.delay_us = data[2];
	p.jitter_us = data[2] / 2;
	p.reorder = data[3] % 101;
	p.rate_bps = data[3] % 3 ? 0 : 1000000;
	impair_set_params(&im, &p);
	impair_enqueue(&im, data + 4, size - 4, 1000);
	while ((f = impair_dequeue(&im, UINT64_MAX - 1, &len)))
		if (len > size - 4 || (p.corrupt == 0 && (len != size - 4 ||
							  memcmp(f, data + 4, len) != 0)))
			__builtin_trap(); /* a segment is never larger than its frame */
	return 0;
}
