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

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* linux 6.2's uapi; Debian 12 has 6.1's */
#endif

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
	im->scratch = malloc(IMPAIR_FRAME_MAX);
	if (!im->free || !im->heap || !im->scratch) {
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
	free(im->scratch);
	im->scratch = NULL;
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
 * bytes, hdr included; not a GSO super-frame, see segment()).  False when
 * its header's checksum offsets do not fit it. */
static bool corrupt(struct impair *im, uint8_t *buf, size_t len)
{
	uint8_t *f = buf + im->hdr_len;
	size_t flen = len - im->hdr_len;

	if (im->hdr_len >= sizeof(struct virtio_net_hdr)) {
		struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;

		if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !csum_complete(h, f, flen))
			return false;
	}
	if (flen > IMPAIR_ETH_HLEN) {
		uint64_t r = rnd(im);
		f[IMPAIR_ETH_HLEN + (r >> 3) % (flen - IMPAIR_ETH_HLEN)] ^= (uint8_t)(1u << (r & 7));
	}
	return true;
}

/* ---- GSO super-frames chosen for corruption ---- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Where a super-frame's headers are, from its virtio_net_hdr and bytes. */
struct gso {
	size_t nh, l4, hl;  /* network header, L4 header, payload offsets */
	size_t mss;
	bool v6, tcp;
};

static bool gso_parse(const struct virtio_net_hdr *h, const uint8_t *f, size_t flen,
		      struct gso *g)
{
	uint8_t type = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	g->nh = flen > 14 && get16(f + 12) == 0x8100 ? 18 : 14;
	g->l4 = h->csum_start;
	g->mss = h->gso_size;
	g->tcp = type == VIRTIO_NET_HDR_GSO_TCPV4 || type == VIRTIO_NET_HDR_GSO_TCPV6;
	if (!g->tcp && type != VIRTIO_NET_HDR_GSO_UDP_L4)
		return false;
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || g->mss == 0 || g->nh + 40 > flen)
		return false;
	g->v6 = f[g->nh] >> 4 == 6;
	if (g->l4 < g->nh + (g->v6 ? 40 : (f[g->nh] & 0xfu) * 4) || g->l4 + 20 > flen ||
	    (!g->v6 && (f[g->nh] >> 4 != 4 || (f[g->nh] & 0xf) < 5)))
		return false;
	g->hl = g->l4 + (g->tcp ? (f[g->l4 + 12] >> 4) * 4u : 8u);
	return g->hl > g->l4 + (g->tcp ? 19 : 7) && g->hl < flen;
}

/* Segment i (payload bytes off.., n of them) of super-frame f into s, with
 * the fields and checksums the kernel's segmentation would give it. */
static size_t gso_segment(const struct gso *g, const uint8_t *f, uint8_t *s, size_t off,
			  size_t n, bool last)
{
	size_t len = g->hl + n, l4len = len - g->l4;
	uint32_t pseudo;

	memcpy(s, f, g->hl);
	memcpy(s + g->hl, f + g->hl + off, n);
	if (g->v6) {
		put16(s + g->nh + 4, (uint32_t)(len - g->nh - 40));
		pseudo = sum16(s + g->nh + 8, 32, 0);
	} else {
		put16(s + g->nh + 2, (uint32_t)(len - g->nh));
		put16(s + g->nh + 4, get16(f + g->nh + 4) + (uint32_t)(off / g->mss));
		put16(s + g->nh + 10, 0);
		put16(s + g->nh + 10, fold(sum16(s + g->nh, (s[g->nh] & 0xfu) * 4, 0)));
		pseudo = sum16(s + g->nh + 12, 8, 0);
	}
	pseudo += (uint32_t)(g->tcp ? 6 : 17) + (uint32_t)l4len;
	if (g->tcp) {
		uint32_t seq = (uint32_t)get16(f + g->l4 + 4) << 16 | get16(f + g->l4 + 6);

		seq += (uint32_t)off;
		put16(s + g->l4 + 4, seq >> 16);
		put16(s + g->l4 + 6, seq & 0xffff);
		if (off)
			s[g->l4 + 13] &= (uint8_t)~0x80; /* CWR on the first only */
		if (!last)
			s[g->l4 + 13] &= (uint8_t)~0x09; /* FIN, PSH on the last only */
		put16(s + g->l4 + 16, 0);
		put16(s + g->l4 + 16, fold(sum16(s + g->l4, l4len, pseudo)));
	} else {
		uint16_t c;

		put16(s + g->l4 + 4, (uint32_t)l4len);
		put16(s + g->l4 + 6, 0);
		c = fold(sum16(s + g->l4, l4len, pseudo));
		put16(s + g->l4 + 6, c ? c : 0xffff);
	}
	return len;
}

static int enqueue_one(struct impair *im, const uint8_t *frame, size_t len, uint64_t now,
		       bool corrupt_it);

/* A GSO super-frame chosen for corruption: its checksums are computed after
 * us, per segment, so a bit flipped in it would reach the receiver
 * undetected.  As netem does, it is cut into its segments here; the first
 * gets the bad bit, the others go on as frames of their own.  -1 when it
 * is no TCP or UDP super-frame this can cut. */
static int segment(struct impair *im, const uint8_t *frame, size_t len, uint64_t now)
{
	const struct virtio_net_hdr *h = (const struct virtio_net_hdr *)frame;
	const uint8_t *f = frame + im->hdr_len;
	size_t flen = len - im->hdr_len, payload;
	struct gso g;
	int bits = 0;

	if (!gso_parse(h, f, flen, &g))
		return -1;
	payload = flen - g.hl;
	for (size_t off = 0; off < payload; off += g.mss) {
		size_t n = payload - off < g.mss ? payload - off : g.mss, slen;

		memset(im->scratch, 0, im->hdr_len);
		slen = gso_segment(&g, f, im->scratch + im->hdr_len, off, n, off + n >= payload);
		bits |= enqueue_one(im, im->scratch, im->hdr_len + slen, now, off == 0);
	}
	return bits;
}

static bool is_gso(const struct impair *im, const uint8_t *frame)
{
	return im->hdr_len >= sizeof(struct virtio_net_hdr) &&
	       ((const struct virtio_net_hdr *)frame)->gso_type != VIRTIO_NET_HDR_GSO_NONE;
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

/* One copy of a frame: loss, corruption, limit, departure.  corrupt_it:
 * the first segment of a super-frame chosen for corruption (which met
 * loss already). */
static int enqueue_one(struct impair *im, const uint8_t *frame, size_t len, uint64_t now,
		       bool corrupt_it)
{
	struct impair_slot s = { .len = (uint32_t)len, .seq = im->seq++ };
	bool reordered;
	uint8_t *buf;
	int bits = 0;

	if ((!corrupt_it && roll(im, im->params.loss)) || im->nfree == 0) {
		im->counters.dropped++;
		return IMPAIR_DROPPED;
	}
	corrupt_it = corrupt_it || roll(im, im->params.corrupt);
	if (corrupt_it && is_gso(im, frame)) {
		bits = segment(im, frame, len, now);
		if (bits >= 0)
			return bits;
		im->counters.corrupted++;
		im->counters.dropped++;
		return IMPAIR_CORRUPTED | IMPAIR_DROPPED;
	}
	s.index = im->free[im->nfree - 1];
	buf = im->pool + (size_t)s.index * IMPAIR_FRAME_MAX;
	memcpy(buf, frame, len);
	if (corrupt_it) {
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
		bits |= IMPAIR_DUPLICATED | enqueue_one(im, frame, len, now, false);
	}
	return bits | enqueue_one(im, frame, len, now, false);
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
