/* impair.c - one direction of an impaired link with netem's semantics
 * (see impair.h).  The order of the decisions follows netem_enqueue():
 * duplicate (the copy meets loss, corruption and the limit on its own),
 * loss, corruption, the queue limit, then the departure time: at once for
 * a reordered frame, else now + delay +/- jitter, pushed back behind the
 * previous frame by the time the rate needs to serialise this one. */
#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "impair.h"

/* xorshift64*: small, fast, and a fixed seed replays a test exactly. */
static uint64_t rnd(struct impair *im)
{
	uint64_t x = im->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	im->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* True with probability pct percent. */
static bool roll(struct impair *im, double pct)
{
	if (pct <= 0)
		return false;
	if (pct >= 100)
		return true;
	return (double)(rnd(im) >> 11) * 0x1.0p-53 * 100.0 < pct;
}

int impair_init(struct impair *im, unsigned limit, size_t hdr_len, uint64_t seed,
		struct brig_err *e)
{
	memset(im, 0, sizeof(*im));
	im->limit = limit ? limit : IMPAIR_LIMIT;
	im->hdr_len = hdr_len;
	im->rng = seed ? seed : 1;
	/* Only the pages frames reach become resident. */
	im->pool = mmap(NULL, (size_t)im->limit * IMPAIR_FRAME_MAX, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (im->pool == MAP_FAILED) {
		im->pool = NULL;
		return brig_errno(e, "impairment queue of %u frames", im->limit);
	}
	im->free = calloc(im->limit, sizeof(*im->free));
	im->heap = calloc(im->limit, sizeof(*im->heap));
	if (!im->free || !im->heap) {
		impair_free(im);
		return brig_errf(e, ENOMEM, "impairment queue of %u frames: out of memory", limit);
	}
	for (unsigned i = 0; i < im->limit; i++)
		im->free[i] = im->limit - 1 - i;
	im->nfree = im->limit;
	return 0;
}

void impair_free(struct impair *im)
{
	if (im->pool)
		munmap(im->pool, (size_t)im->limit * IMPAIR_FRAME_MAX);
	free(im->free);
	free(im->heap);
	im->pool = NULL;
	im->free = NULL;
	im->heap = NULL;
	im->nfree = im->nheap = 0;
}

void impair_set_params(struct impair *im, const struct netem_params *p)
{
	im->params = *p;
}

static bool params_active(const struct netem_params *p)
{
	return p->delay_us || p->jitter_us || p->loss > 0 || p->corrupt > 0 ||
	       p->duplicate > 0 || p->reorder > 0 || p->rate_bps;
}

bool impair_idle(const struct impair *im)
{
	return im->nheap == 0 && !params_active(&im->params);
}

void impair_count_passed(struct impair *im, unsigned n, uint64_t bytes)
{
	im->counters.packets += n;
	im->counters.bytes += bytes - (uint64_t)n * im->hdr_len;
}

/* ---- the queue: a binary min-heap on (due, seq) ---- */

static bool before(const struct impair_slot *a, const struct impair_slot *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_swap(struct impair_slot *a, struct impair_slot *b)
{
	struct impair_slot t = *a;

	*a = *b;
	*b = t;
}

static void heap_push(struct impair *im, struct impair_slot s)
{
	unsigned i = im->nheap++;

	im->heap[i] = s;
	while (i > 0 && before(&im->heap[i], &im->heap[(i - 1) / 2])) {
		heap_swap(&im->heap[i], &im->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct impair *im)
{
	unsigned i = 0, n = --im->nheap;

	im->heap[0] = im->heap[n];
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && before(&im->heap[l], &im->heap[m]))
			m = l;
		if (r < n && before(&im->heap[r], &im->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(&im->heap[i], &im->heap[m]);
		i = m;
	}
}

/* ---- corruption ---- */

/* Complete a checksum the sender left to the hardware (csum_start,
 * csum_offset): after a flipped bit it must not be computed over the bad
 * data, and a partial checksum would be trusted by the receiver unchecked.
 * False when the header's offsets do not fit the frame. */
static bool csum_complete(struct virtio_net_hdr *h, uint8_t *f, size_t flen)
{
	size_t start = h->csum_start, at = start + h->csum_offset;
	uint32_t sum = 0;

	if (at + 2 > flen)
		return false;
	for (size_t i = start; i + 1 < flen; i += 2)
		sum += (uint32_t)f[i] << 8 | f[i + 1];
	if ((flen - start) & 1)
		sum += (uint32_t)f[flen - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	f[at] = (uint8_t)(sum >> 8);
	f[at + 1] = (uint8_t)sum;
	h->flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM;
	return true;
}

/* Flip one random bit past the Ethernet header of the frame in buf (len
 * bytes, hdr included).  False when the frame cannot carry a detectable
 * bad bit: a GSO super-frame (its segments' checksums are computed after
 * us; netem segments it, the relay drops it: the receiver would have
 * dropped the corrupted segment) or a bad header. */
static bool corrupt(struct impair *im, uint8_t *buf, size_t len)
{
	uint8_t *f = buf + im->hdr_len;
	size_t flen = len - im->hdr_len;

	if (im->hdr_len >= sizeof(struct virtio_net_hdr)) {
		struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;

		if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
			return false;
		if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !csum_complete(h, f, flen))
			return false;
	}
	if (flen > IMPAIR_ETH_HLEN) {
		uint64_t r = rnd(im);
		f[IMPAIR_ETH_HLEN + (r >> 3) % (flen - IMPAIR_ETH_HLEN)] ^= (uint8_t)(1u << (r & 7));
	}
	return true;
}

/* ---- departure ---- */

/* now + delay +/- jitter (uniform, as netem without a distribution table),
 * then the rate: behind the previous frame by this one's serialisation. */
static uint64_t departure(struct impair *im, size_t len, uint64_t now, bool *reordered)
{
	const struct netem_params *p = &im->params;
	int64_t d = (int64_t)p->delay_us;
	uint64_t due;

	*reordered = p->delay_us && roll(im, p->reorder);
	if (*reordered)
		return now;
	if (p->jitter_us)
		d += (int64_t)(rnd(im) % (2 * p->jitter_us + 1)) - (int64_t)p->jitter_us;
	due = now + (uint64_t)(d > 0 ? d : 0) * 1000;
	if (p->rate_bps) {
		uint64_t bits = (uint64_t)(len - im->hdr_len) * 8;

		if (im->last_due > due)
			due = im->last_due;
		due += (uint64_t)((double)bits * 1e9 / (double)p->rate_bps);
		im->last_due = due;
	}
	return due;
}

/* One copy of a frame: loss, corruption, limit, departure. */
static int enqueue_one(struct impair *im, const uint8_t *frame, size_t len, uint64_t now)
{
	struct impair_slot s = { .len = (uint32_t)len, .seq = im->seq++ };
	bool reordered;
	uint8_t *buf;
	int bits = 0;

	if (roll(im, im->params.loss) || im->nfree == 0) {
		im->counters.dropped++;
		return IMPAIR_DROPPED;
	}
	s.index = im->free[im->nfree - 1];
	buf = im->pool + (size_t)s.index * IMPAIR_FRAME_MAX;
	memcpy(buf, frame, len);
	if (roll(im, im->params.corrupt)) {
		im->counters.corrupted++;
		bits |= IMPAIR_CORRUPTED;
		if (!corrupt(im, buf, len)) {
			im->counters.dropped++;
			return bits | IMPAIR_DROPPED;
		}
	}
	s.due = departure(im, len, now, &reordered);
	if (reordered) {
		im->counters.reordered++;
		bits |= IMPAIR_REORDERED;
	}
	im->nfree--;
	heap_push(im, s);
	return bits | IMPAIR_QUEUED;
}

int impair_enqueue(struct impair *im, const uint8_t *frame, size_t len, uint64_t now)
{
	int bits = 0;

	if (len <= im->hdr_len || len > IMPAIR_FRAME_MAX) {
		im->counters.dropped++;
		return IMPAIR_DROPPED;
	}
	if (roll(im, im->params.duplicate)) {
		im->counters.duplicated++;
		bits |= IMPAIR_DUPLICATED | enqueue_one(im, frame, len, now);
	}
	return bits | enqueue_one(im, frame, len, now);
}

uint64_t impair_next_due(const struct impair *im)
{
	return im->nheap ? im->heap[0].due : UINT64_MAX;
}

const uint8_t *impair_dequeue(struct impair *im, uint64_t now, size_t *len)
{
	uint32_t index;

	if (im->nheap == 0 || im->heap[0].due > now)
		return NULL;
	*len = im->heap[0].len;
	index = im->heap[0].index;
	im->free[im->nfree++] = index;
	heap_pop(im);
	return im->pool + (size_t)index * IMPAIR_FRAME_MAX;
}

void impair_count_dropped(struct impair *im, unsigned n)
{
	im->counters.dropped += n;
}

unsigned impair_queued(const struct impair *im)
{
	return im->nheap;
}
