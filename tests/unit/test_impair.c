/* test_impair.c - one direction of the user engine's impairments
 * (net/impair.c) on a fake clock with a fixed seed: departure order, delay
 * and jitter bounds, rate spacing, the frequencies of loss, duplication,
 * corruption and reordering within binomial bounds, the queue limit, and
 * frames passing at once with no impairment. */
#include <linux/virtio_net.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impair.h"

#define MS 1000000ULL /* ns */
#define N 10000

static uint8_t frame[1500];

static void setup_frame(void)
{
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7 + 3);
}

static void init(struct impair *im, unsigned limit, const struct netem_params *p)
{
	struct brig_err e = { 0 };

	assert_int_equal(impair_init(im, limit, 0, 42, &e), 0);
	impair_set_params(im, p);
	setup_frame();
}

/* |got - n p| within 5 standard deviations of a binomial(n, p). */
static void assert_binomial(uint64_t got, unsigned n, double p)
{
	double mean = n * p, var = n * p * (1 - p), d = (double)got - mean;

	if (d * d > 25 * var)
		fail_msg("got %llu, expected %.0f (variance %.0f)", (unsigned long long)got, mean, var);
}

/* Dequeue everything due by t; returns how many. */
static unsigned drain(struct impair *im, uint64_t t)
{
	unsigned n = 0;
	size_t len;

	while (impair_dequeue(im, t, &len)) {
		impair_count_passed(im, 1, len);
		n++;
	}
	return n;
}

static void test_zero_params_pass_at_once(void **state)
{
	struct netem_params p = { 0 };
	struct impair im;
	size_t len;
	const uint8_t *f;

	(void)state;
	init(&im, 0, &p);
	assert_true(impair_idle(&im));
	assert_int_equal(impair_enqueue(&im, frame, 100, 5 * MS), IMPAIR_QUEUED);
	assert_false(impair_idle(&im));
	f = impair_dequeue(&im, 5 * MS, &len);
	assert_non_null(f);
	assert_int_equal(len, 100);
	assert_memory_equal(f, frame, 100);
	impair_count_passed(&im, 1, len);
	assert_true(impair_idle(&im));
	assert_int_equal(im.counters.packets, 1);
	assert_int_equal(im.counters.bytes, 100);
	assert_int_equal(im.counters.dropped, 0);
	impair_free(&im);
}

static void test_delay(void **state)
{
	struct netem_params p = { .delay_us = 50000 };
	struct impair im;
	size_t len;

	(void)state;
	init(&im, 0, &p);
	assert_false(impair_idle(&im));
	impair_enqueue(&im, frame, 60, 0);
	impair_enqueue(&im, frame, 61, 1 * MS);
	assert_int_equal(impair_next_due(&im), 50 * MS);
	assert_null(impair_dequeue(&im, 50 * MS - 1, &len));
	assert_non_null(impair_dequeue(&im, 50 * MS, &len));
	assert_int_equal(len, 60);
	assert_null(impair_dequeue(&im, 50 * MS, &len));
	assert_non_null(impair_dequeue(&im, 51 * MS, &len));
	assert_int_equal(len, 61);
	assert_int_equal(impair_next_due(&im), UINT64_MAX);
	impair_free(&im);
}

/* Jitter: every departure within delay +/- jitter, both edges reached, and
 * the queue gives frames out in departure order (so they reorder). */
static void test_jitter_bounds_and_order(void **state)
{
	struct netem_params p = { .delay_us = 10000, .jitter_us = 5000 };
	uint64_t min = UINT64_MAX, max = 0, last = 0;
	struct impair im;
	unsigned out_of_arrival = 0;
	size_t len;

	(void)state;
	init(&im, N, &p);
	for (unsigned i = 0; i < N; i++) {
		uint16_t tag = (uint16_t)i;

		memcpy(frame + 20, &tag, 2);
		impair_enqueue(&im, frame, 64, 0);
	}
	assert_int_equal(impair_queued(&im), N);
	for (unsigned i = 0; i < N; i++) {
		uint64_t due = impair_next_due(&im);
		const uint8_t *f = impair_dequeue(&im, UINT64_MAX - 1, &len);
		uint16_t tag;

		assert_non_null(f);
		assert_true(due >= last);
		memcpy(&tag, f + 20, 2);
		out_of_arrival += tag != (uint16_t)i;
		last = due;
		min = due < min ? due : min;
		max = due > max ? due : max;
	}
	assert_true(min >= 5 * MS);
	assert_true(max <= 15 * MS);
	assert_true(min < 5 * MS + MS / 10);
	assert_true(max > 15 * MS - MS / 10);
	assert_true(out_of_arrival > N / 2);
	impair_free(&im);
}

/* Rate: 8 Mbit/s is one byte per microsecond; 1000-byte frames leave 1 ms
 * apart, after the delay, and a late frame is not spaced from old ones. */
static void test_rate_spacing(void **state)
{
	struct netem_params p = { .delay_us = 2000, .rate_bps = 8000000 };
	struct impair im;
	size_t len;

	(void)state;
	init(&im, 0, &p);
	for (int i = 0; i < 10; i++)
		impair_enqueue(&im, frame, 1000, 0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(impair_next_due(&im), 2 * MS + (uint64_t)(i + 1) * MS);
		assert_non_null(impair_dequeue(&im, UINT64_MAX - 1, &len));
	}
	impair_enqueue(&im, frame, 500, 100 * MS);
	assert_int_equal(impair_next_due(&im), 102 * MS + MS / 2);
	impair_free(&im);
}

static void test_loss_frequency(void **state)
{
	struct netem_params p = { .loss = 10 };
	struct impair im;

	(void)state;
	init(&im, N, &p);
	for (unsigned i = 0; i < N; i++)
		impair_enqueue(&im, frame, 100, 0);
	assert_binomial(im.counters.dropped, N, 0.10);
	assert_int_equal(impair_queued(&im) + im.counters.dropped, N);
	assert_int_equal(drain(&im, 0), N - im.counters.dropped);
	assert_int_equal(im.counters.packets, N - im.counters.dropped);
	impair_free(&im);

	p.loss = 100;
	init(&im, 0, &p);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(impair_enqueue(&im, frame, 100, 0), IMPAIR_DROPPED);
	assert_int_equal(impair_queued(&im), 0);
	impair_free(&im);
}

static void test_duplicate_frequency(void **state)
{
	struct netem_params p = { .duplicate = 5 };
	struct impair im;

	(void)state;
	init(&im, 2 * N, &p);
	for (unsigned i = 0; i < N; i++)
		impair_enqueue(&im, frame, 100, 0);
	assert_binomial(im.counters.duplicated, N, 0.05);
	assert_int_equal(impair_queued(&im), N + im.counters.duplicated);
	impair_free(&im);
}

/* Corruption flips exactly one bit, never in the Ethernet header. */
static void test_corrupt_one_bit(void **state)
{
	struct netem_params p = { .corrupt = 20 };
	struct impair im;
	unsigned corrupted = 0;
	size_t len;

	(void)state;
	init(&im, N, &p);
	for (unsigned i = 0; i < N; i++)
		impair_enqueue(&im, frame, 200, 0);
	assert_binomial(im.counters.corrupted, N, 0.20);
	for (const uint8_t *f; (f = impair_dequeue(&im, 0, &len));) {
		unsigned bits = 0;

		assert_memory_equal(f, frame, IMPAIR_ETH_HLEN);
		for (size_t i = 0; i < len; i++)
			bits += (unsigned)__builtin_popcount(f[i] ^ frame[i]);
		assert_true(bits <= 1);
		corrupted += bits;
	}
	assert_int_equal(corrupted, im.counters.corrupted);
	impair_free(&im);
}

static uint16_t csum_fold(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* A frame whose checksum the sender left to the hardware gets it complete
 * before its bit is flipped: the receiver sees a bad checksum.  A GSO
 * super-frame is dropped (counted corrupted). */
static void test_corrupt_completes_checksum(void **state)
{
	struct netem_params p = { .corrupt = 100 };
	uint8_t buf[10 + 200], out[sizeof(buf)];
	struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;
	struct brig_err e = { 0 };
	const uint16_t seed = 0x1234, start = 34, off = 6;
	struct impair im;
	const uint8_t *f;
	size_t len;

	(void)state;
	setup_frame();
	assert_int_equal(impair_init(&im, 0, sizeof(*h), 7, &e), 0);
	impair_set_params(&im, &p);
	memset(h, 0, sizeof(*h));
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = start;
	h->csum_offset = off;
	memcpy(buf + 10, frame, 200);
	buf[10 + start + off] = seed >> 8;
	buf[10 + start + off + 1] = seed & 0xff;
	assert_int_equal(impair_enqueue(&im, buf, sizeof(buf), 0), IMPAIR_QUEUED | IMPAIR_CORRUPTED);
	f = impair_dequeue(&im, 0, &len);
	assert_non_null(f);
	memcpy(out, f, len);
	assert_int_equal(((struct virtio_net_hdr *)out)->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM, 0);
	/* undo the flipped bit (outside the checksum field): the sum is valid */
	for (size_t i = 10 + 14; i < sizeof(buf); i++)
		if (out[i] != buf[i] && (i < 10u + start + off || i > 10u + start + off + 1))
			out[i] = buf[i];
	assert_int_equal(csum_fold(out + 10 + start, 200 - start, seed), 0xffff);

	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	assert_int_equal(impair_enqueue(&im, buf, sizeof(buf), 0), IMPAIR_DROPPED | IMPAIR_CORRUPTED);
	assert_int_equal(im.counters.corrupted, 2);
	assert_int_equal(im.counters.dropped, 1);
	impair_free(&im);
}

/* A TCP/IPv4 super-frame of 3 segments: eth, IP (id 0x100), TCP (seq
 * 1000, CWR|ACK|PSH|FIN), 2500 bytes of payload, gso_size 1000. */
static size_t gso_frame(uint8_t *buf)
{
	struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;
	uint8_t *f = buf + 10, *ip = f + 14, *tcp = ip + 20;

	memset(buf, 0, 10 + 54);
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = 1000;
	h->hdr_len = 54;
	h->csum_start = 34;
	h->csum_offset = 16;
	memcpy(f, frame, 12);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (2540 >> 8);
	ip[3] = 2540 & 0xff;
	ip[4] = 0x01; /* id 0x100 */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x09\x00\x01\x0a\x09\x00\x02", 8);
	tcp[0] = 0x30; /* ports */
	tcp[3] = 0x50;
	tcp[6] = 1000 >> 8;
	tcp[7] = 1000 & 0xff;
	tcp[12] = 5 << 4;
	tcp[13] = 0x80 | 0x10 | 0x08 | 0x01;
	for (int i = 0; i < 2500; i++)
		tcp[20 + i] = (uint8_t)(i * 13 + 1);
	return 10 + 54 + 2500;
}

/* Corrupting a super-frame cuts it as the kernel would: every segment has
 * right lengths, ids, sequence numbers, flags and checksums but one bit. */
static void test_corrupt_gso_segments(void **state)
{
	struct netem_params p = { .corrupt = 100 };
	static uint8_t buf[10 + 54 + 2500];
	struct brig_err e = { 0 };
	struct impair im;
	size_t len;

	(void)state;
	setup_frame();
	assert_int_equal(impair_init(&im, 0, 10, 3, &e), 0);
	impair_set_params(&im, &p);
	len = gso_frame(buf);
	assert_int_equal(impair_enqueue(&im, buf, len, 0), IMPAIR_QUEUED | IMPAIR_CORRUPTED);
	assert_int_equal(impair_queued(&im), 3);
	assert_int_equal(im.counters.corrupted, 3); /* the first, then each on its own */
	for (unsigned i = 0; i < 3; i++) {
		size_t n = i < 2 ? 1000 : 500, slen;
		const uint8_t *f = impair_dequeue(&im, 0, &slen);
		uint8_t want[10 + 54 + 1000];
		uint8_t *ip = want + 24, *tcp = ip + 20;
		unsigned bits = 0;
		uint32_t seq = 1000 + i * 1000, pseudo;

		assert_non_null(f);
		assert_int_equal(slen, 10 + 54 + n);
		memset(want, 0, 10); /* a plain frame now */
		memcpy(want + 10, buf + 10, 54);
		memcpy(want + 64, buf + 64 + i * 1000, n);
		ip[2] = (uint8_t)((40 + n) >> 8);
		ip[3] = (uint8_t)(40 + n);
		ip[5] = (uint8_t)i;
		ip[10] = ip[11] = 0;
		ip[10] = (uint8_t)(~csum_fold(ip, 20, 0) >> 8);
		ip[11] = (uint8_t)~csum_fold(ip, 20, 0);
		assert_int_equal(csum_fold(ip, 20, 0), 0xffff);
		tcp[4] = (uint8_t)(seq >> 24);
		tcp[5] = (uint8_t)(seq >> 16);
		tcp[6] = (uint8_t)(seq >> 8);
		tcp[7] = (uint8_t)seq;
		tcp[13] = (uint8_t)(0x10 | (i == 0 ? 0x80 : 0) | (i == 2 ? 0x09 : 0));
		pseudo = csum_fold(ip + 12, 8, 6 + 20 + (uint32_t)n);
		tcp[16] = tcp[17] = 0;
		tcp[16] = (uint8_t)(~csum_fold(tcp, 20 + n, pseudo) >> 8);
		tcp[17] = (uint8_t)~csum_fold(tcp, 20 + n, pseudo);
		assert_int_equal(csum_fold(tcp, 20 + n, pseudo), 0xffff);
		for (size_t k = 0; k < slen; k++)
			bits += (unsigned)__builtin_popcount(f[k] ^ want[k]);
		assert_int_equal(bits, 1);
	}
	impair_free(&im);
}

/* Reorder: that share goes at once, ahead of the delayed. */
static void test_reorder_frequency(void **state)
{
	struct netem_params p = { .delay_us = 10000, .reorder = 25 };
	struct impair im;

	(void)state;
	init(&im, N, &p);
	for (unsigned i = 0; i < N; i++)
		impair_enqueue(&im, frame, 100, 1 * MS);
	assert_binomial(im.counters.reordered, N, 0.25);
	assert_int_equal(drain(&im, 1 * MS), im.counters.reordered);
	assert_int_equal(drain(&im, 11 * MS), N - im.counters.reordered);
	impair_free(&im);
}

static void test_queue_limit(void **state)
{
	struct netem_params p = { .delay_us = 1000 };
	struct impair im;

	(void)state;
	init(&im, 10, &p);
	for (int i = 0; i < 15; i++)
		impair_enqueue(&im, frame, 100, 0);
	assert_int_equal(impair_queued(&im), 10);
	assert_int_equal(im.counters.dropped, 5);
	assert_int_equal(drain(&im, MS), 10);
	assert_int_equal(impair_enqueue(&im, frame, 100, MS), IMPAIR_QUEUED);
	assert_int_equal(impair_enqueue(&im, frame, IMPAIR_FRAME_MAX + 1, MS), IMPAIR_DROPPED);
	impair_free(&im);
}

/* The same seed replays the same decisions. */
static void test_seed_replays(void **state)
{
	struct netem_params p = { .loss = 30, .duplicate = 10, .delay_us = 100, .jitter_us = 90 };
	struct impair a, b;

	(void)state;
	init(&a, N, &p);
	init(&b, N, &p);
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(impair_enqueue(&a, frame, 100, i), impair_enqueue(&b, frame, 100, i));
	while (impair_queued(&a)) {
		assert_int_equal(impair_next_due(&a), impair_next_due(&b));
		drain(&a, impair_next_due(&a));
		drain(&b, impair_next_due(&b));
	}
	assert_memory_equal(&a.counters, &b.counters, sizeof(a.counters));
	impair_free(&a);
	impair_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_params_pass_at_once),
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_jitter_bounds_and_order),
		cmocka_unit_test(test_rate_spacing),
		cmocka_unit_test(test_loss_frequency),
		cmocka_unit_test(test_duplicate_frequency),
		cmocka_unit_test(test_corrupt_one_bit),
		cmocka_unit_test(test_corrupt_completes_checksum),
		cmocka_unit_test(test_corrupt_gso_segments),
		cmocka_unit_test(test_reorder_frequency),
		cmocka_unit_test(test_queue_limit),
		cmocka_unit_test(test_seed_replays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
