/* idmap.c - id maps and subordinate ranges (see idmap.h).  Pure: every
 * function works on its arguments only, so the unit tests and fuzzers
 * drive them without a kernel. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "idmap.h"

/* The kernel refuses a range whose end wraps: first + count must stay
 * below 2^32 (and (uid_t)-1 is no id). */
#define ID_END_MAX 0xffffffffULL

/* One decimal number of an id map: digits only, at most 10 of them. */
static bool parse_id(const char **p, char stop, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 11) {
		v = v * 10 + (uint64_t)(*s++ - '0');
		n++;
	}
	if (n == 0 || n > 10 || v > UINT32_MAX || *s != stop)
		return false;
	*out = v;
	*p = stop ? s + 1 : s;
	return true;
}

/* The value as errors quote it: not at all when it holds a control
 * character, so an error stays one line. */
static const char *quotable(const char *arg)
{
	for (const unsigned char *p = (const unsigned char *)arg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "(unprintable)";
	return arg;
}

int idmap_parse(const char *arg, struct idmap_range *r, struct brig_err *e)
{
	const char *p = arg;
	uint64_t in, out, count;

	arg = quotable(arg);
	if (!parse_id(&p, ':', &in) || !parse_id(&p, ':', &out) || !parse_id(&p, '\0', &count))
		return brig_errf(e, EINVAL, "id map '%s': expected CONTAINER_ID:HOST_ID:SIZE", arg);
	if (count == 0)
		return brig_errf(e, EINVAL, "id map '%s': SIZE must be at least 1", arg);
	if (in + count > ID_END_MAX || out + count > ID_END_MAX)
		return brig_errf(e, ERANGE, "id map '%s': the range passes 4294967294", arg);
	*r = (struct idmap_range){ (uint32_t)in, (uint32_t)out, (uint32_t)count };
	return 0;
}

static bool overlap(uint64_t a, uint64_t na, uint64_t b, uint64_t nb)
{
	return a < b + nb && b < a + na;
}

/* Range i against every range before it. */
static int check_one(const struct idmap *m, size_t i, const char *what, struct brig_err *e)
{
	const struct idmap_range *r = &m->r[i];

	if (r->count == 0 || (uint64_t)r->inside + r->count > ID_END_MAX ||
	    (uint64_t)r->outside + r->count > ID_END_MAX)
		return brig_errf(e, ERANGE, "%s %u:%u:%u: out of range", what, r->inside,
				 r->outside, r->count);
	for (size_t j = 0; j < i; j++) {
		const struct idmap_range *o = &m->r[j];
		if (overlap(r->inside, r->count, o->inside, o->count))
			return brig_errf(e, EINVAL, "%s %u:%u:%u: container ids overlap %u:%u:%u",
					 what, r->inside, r->outside, r->count, o->inside,
					 o->outside, o->count);
		if (overlap(r->outside, r->count, o->outside, o->count))
			return brig_errf(e, EINVAL, "%s %u:%u:%u: host ids overlap %u:%u:%u", what,
					 r->inside, r->outside, r->count, o->inside, o->outside,
					 o->count);
	}
	return 0;
}

int idmap_add(struct idmap *m, const char *what, const char *arg, struct brig_err *e)
{
	if (m->n >= IDMAP_MAX)
		return brig_errf(e, E2BIG, "%s: at most %d ranges", what, IDMAP_MAX);
	if (idmap_parse(arg, &m->r[m->n], e) < 0)
		return brig_err_ctx(e, "%s", what);
	if (check_one(m, m->n, what, e) < 0)
		return -e->code;
	m->n++;
	return 0;
}

int idmap_check(const struct idmap *m, const char *what, struct brig_err *e)
{
	uint32_t root;

	if (m->n == 0 || m->n > IDMAP_MAX)
		return brig_errf(e, EINVAL, "%s: between 1 and %d ranges", what, IDMAP_MAX);
	for (size_t i = 0; i < m->n; i++)
		if (check_one(m, i, what, e) < 0)
			return -e->code;
	if (!idmap_to_host(m, 0, &root))
		return brig_errf(e, EINVAL, "%s: container id 0 (its root) is not mapped", what);
	return 0;
}

bool idmap_to_host(const struct idmap *m, uint32_t inside, uint32_t *outside)
{
	for (size_t i = 0; i < m->n && i < IDMAP_MAX; i++) {
		const struct idmap_range *r = &m->r[i];
		if (inside >= r->inside && (uint64_t)inside < (uint64_t)r->inside + r->count) {
			*outside = r->outside + (inside - r->inside);
			return true;
		}
	}
	return false;
}

int idmap_format(const struct idmap *m, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n && i < IDMAP_MAX; i++) {
		int n = snprintf(buf + used, len - used, "%u %u %u\n", m->r[i].inside,
				 m->r[i].outside, m->r[i].count);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return (int)used;
}

/* One line (without its '\n') of a subid file: NAME:START:COUNT. */
static bool parse_subid_line(const char *line, size_t n, char *name, size_t name_len,
			     struct id_range *r)
{
	char buf[256];
	const char *colon, *p;
	uint64_t start, count;

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, line, n);
	buf[n] = '\0';
	colon = strchr(buf, ':');
	if (!colon || colon == buf || (size_t)(colon - buf) >= name_len)
		return false;
	snprintf(name, name_len, "%.*s", (int)(colon - buf), buf);
	p = colon + 1;
	if (!parse_id(&p, ':', &start) || !parse_id(&p, '\0', &count))
		return false;
	if (start + count > ID_END_MAX)
		return false;
	*r = (struct id_range){ (uint32_t)start, (uint32_t)count };
	return true;
}

static bool is_user(const char *name, const char *user, uid_t uid)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	return (user && strcmp(name, user) == 0) || strcmp(name, num) == 0;
}

size_t subid_parse(const char *text, size_t len, const char *user, uid_t uid,
		   struct id_range *out, size_t max, size_t *bad)
{
	size_t found = 0;

	if (bad)
		*bad = 0;
	for (size_t at = 0; at < len;) {
		const char *line = text + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		char name[64];
		struct id_range r;

		at += n + (nl != NULL);
		if (n == 0 || line[0] == '#')
			continue;
		if (!parse_subid_line(line, n, name, sizeof(name), &r)) {
			if (bad)
				(*bad)++;
			continue;
		}
		if (r.count > 0 && is_user(name, user, uid) && found < max)
			out[found++] = r;
	}
	return found;
}

/* The lowest start >= from, inside a, of size ids clear of used; false
 * when there is none in a. */
static bool fit_in(const struct id_range *a, uint64_t size, const struct id_range *used,
		   size_t n_used, uint64_t *start)
{
	uint64_t at = a->start, end = (uint64_t)a->start + a->count;
	bool moved = true;

	while (moved) {
		moved = false;
		if (at + size > end)
			return false;
		for (size_t i = 0; i < n_used; i++) {
			uint64_t u = used[i].start, un = used[i].count;
			if (overlap(at, size, u, un)) {
				at = u + un;
				moved = true;
			}
		}
	}
	*start = at;
	return true;
}

int subid_alloc(const struct id_range *avail, size_t n_avail, const struct id_range *used,
		size_t n_used, uint32_t size, uint32_t *start)
{
	uint64_t best = UINT64_MAX, s;

	if (size == 0)
		return -ENOSPC;
	for (size_t i = 0; i < n_avail; i++)
		if (fit_in(&avail[i], size, used, n_used, &s) && s < best)
			best = s;
	if (best == UINT64_MAX)
		return -ENOSPC;
	*start = (uint32_t)best;
	return 0;
}
