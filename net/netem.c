/* netem.c - impairment values: parsed from the strings a user writes
 * (`--delay 50ms`, a topology's `rate: 10mbit`), checked together, and
 * written back as tc writes them.  Pure: no allocation, no I/O (fuzzed by
 * tests/fuzz/fuzz_netem.c).
 *
 * Numbers are read as exact decimals (no strtod: it takes "inf", "nan",
 * hex, exponents and leading blanks) and scaled with 128-bit integers, so
 * "1.5s" is exactly 1500000us and what netem_params_str() writes parses
 * back to the same value. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netem.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef unsigned __int128 u128;

/* A decimal "123.456": its integer part, its first FRAC_MAX fraction
 * digits (later ones are ignored: far below any unit's resolution). */
#define FRAC_MAX 9
#define IPART_MAX 10000000000000000ULL /* 1e16: above it, "too large" */

struct decimal {
	uint64_t ipart, frac;
	unsigned fdigits;
	int big; /* the integer part passed IPART_MAX */
};

struct unit {
	const char *name;
	uint64_t mul, div; /* value in the base unit = number * mul / div */
};

/* Durations in microseconds; a bare number is milliseconds (tc reads it
 * as microseconds, but containerlab and Mininet users write "delay: 50"
 * meaning ms).  tc's spellings, case-insensitive. */
static const struct unit time_units[] = {
	{ "", 1000, 1 },       { "s", 1000000, 1 },  { "sec", 1000000, 1 }, { "secs", 1000000, 1 },
	{ "ms", 1000, 1 },     { "msec", 1000, 1 },  { "msecs", 1000, 1 },  { "us", 1, 1 },
	{ "usec", 1, 1 },      { "usecs", 1, 1 },    { "ns", 1, 1000 },     { "nsec", 1, 1000 },
	{ "nsecs", 1, 1000 },
};

#define K 1000ULL
#define KI 1024ULL
/* Rates in bits per second, as tc(8)'s RATES section spells them (a
 * bare number is kbit/s here, containerlab's --rate; tc reads bits). */
static const struct unit rate_units[] = {
	{ "", K, 1 },
	{ "bit", 1, 1 },
	{ "kbit", K, 1 },
	{ "mbit", K * K, 1 },
	{ "gbit", K * K * K, 1 },
	{ "tbit", K * K * K * K, 1 },
	{ "kibit", KI, 1 },
	{ "mibit", KI * KI, 1 },
	{ "gibit", KI * KI * KI, 1 },
	{ "tibit", KI * KI * KI * KI, 1 },
	{ "bps", 8, 1 },
	{ "kbps", 8 * K, 1 },
	{ "mbps", 8 * K * K, 1 },
	{ "gbps", 8 * K * K * K, 1 },
	{ "tbps", 8 * K * K * K * K, 1 },
	{ "kibps", 8 * KI, 1 },
	{ "mibps", 8 * KI * KI, 1 },
	{ "gibps", 8 * KI * KI * KI, 1 },
	{ "tibps", 8 * KI * KI * KI * KI, 1 },
};

enum kind { DURATION, PERCENT, RATE };

static const struct key {
	const char *name;
	enum kind kind;
	size_t off;
} keys[] = {
	{ "delay", DURATION, offsetof(struct netem_params, delay_us) },
	{ "jitter", DURATION, offsetof(struct netem_params, jitter_us) },
	{ "loss", PERCENT, offsetof(struct netem_params, loss) },
	{ "rate", RATE, offsetof(struct netem_params, rate_bps) },
	{ "corrupt", PERCENT, offsetof(struct netem_params, corrupt) },
	{ "duplicate", PERCENT, offsetof(struct netem_params, duplicate) },
	{ "reorder", PERCENT, offsetof(struct netem_params, reorder) },
};

/* The value as it goes into a message: at most 64 characters, control
 * characters as '?', so the message stays one short line. */
static const char *shown(const char *value, char *buf, size_t len)
{
	size_t i;

	for (i = 0; value[i] && i + 1 < len && i < 64; i++)
		buf[i] = (unsigned char)value[i] < 0x20 || value[i] == 0x7f ? '?' : value[i];
	buf[i] = '\0';
	if (value[i] && i + 4 < len)
		memcpy(buf + i, "...", 4);
	return buf;
}

/* e = `KEY "VALUE": why`, which reads well after the CLI's "invalid --"
 * and after a topology file's "FILE:LINE: links[0].netem: ". */
static int bad(struct brig_err *e, const char *key, const char *value, const char *why)
{
	char v[72];

	return brig_errf(e, EINVAL, "%s \"%s\": %s", key, shown(value, v, sizeof(v)), why);
}

/* Scan an unsigned decimal at s ("12", "1.5", ".5", "5."); NULL when s
 * does not start with one. */
static const char *scan_decimal(const char *s, struct decimal *d)
{
	unsigned ndigits = 0;

	memset(d, 0, sizeof(*d));
	for (; *s >= '0' && *s <= '9'; s++, ndigits++) {
		if (d->ipart > (IPART_MAX - 9) / 10)
			d->big = 1;
		else
			d->ipart = d->ipart * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, ndigits++)
			if (d->fdigits < FRAC_MAX) {
				d->frac = d->frac * 10 + (uint64_t)(*s - '0');
				d->fdigits++;
			}
	return ndigits ? s : NULL;
}

static uint64_t pow10u(unsigned n)
{
	uint64_t p = 1;

	while (n--)
		p *= 10;
	return p;
}

/* d * u->mul / u->div, rounded to nearest; -1 when above max. */
static int scale(const struct decimal *d, const struct unit *u, uint64_t max, uint64_t *out)
{
	u128 den = (u128)pow10u(d->fdigits) * u->div;
	u128 num = ((u128)d->ipart * pow10u(d->fdigits) + d->frac) * u->mul;
	u128 v;

	if (d->big)
		return -1;
	v = (num + den / 2) / den;
	if (v > max)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static const struct unit *find_unit(const struct unit *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* How one kind of scaled value is read and what its messages say. */
struct scaled {
	const struct unit *units;
	size_t nunits;
	uint64_t max;
	const char *what;      /* "a duration, such as 50ms" */
	const char *negative;  /* "a duration must not be negative" */
	const char *unit_help; /* after an unknown unit */
	const char *too_big, *too_small;
};

static const struct scaled durations = {
	time_units, ARRAY_LEN(time_units), NETEM_DURATION_MAX_US,
	"a duration, such as 50ms", "a duration must not be negative",
	"use s, ms or us; a bare number is ms", "a duration must be at most 60s",
	"a duration must be at least 1us (or 0)",
};

static const struct scaled rates = {
	rate_units, ARRAY_LEN(rate_units), NETEM_RATE_MAX_BPS,
	"a rate, such as 10mbit", "a rate must not be negative",
	"use bit, kbit, mbit, gbit, tbit, kibit... or bps, kbps, mbps... for bytes; "
	"a bare number is kbit",
	"a rate must be at most 1000tbit", "a rate must be at least 1bit (or 0)",
};

/* What every kind refuses first: empty, negative, not a number.  The
 * rest of value after the number, or NULL with e filled. */
static const char *scan_number(const char *key, const char *value, const char *what,
			       const char *negative, struct decimal *d, struct brig_err *e)
{
	const char *rest;
	char why[96];

	if (value[0] == '-') {
		bad(e, key, value, negative);
		return NULL;
	}
	rest = scan_decimal(value, d);
	if (!rest) {
		snprintf(why, sizeof(why), value[0] ? "not %s" : "empty: expected %s", what);
		bad(e, key, value, why);
	}
	return rest;
}

static int parse_scaled(const char *key, const char *value, const struct scaled *k,
			uint64_t *out, struct brig_err *e)
{
	const struct unit *u;
	struct decimal d;
	const char *rest;
	char why[192], v[72];

	rest = scan_number(key, value, k->what, k->negative, &d, e);
	if (!rest)
		return -EINVAL;
	u = find_unit(k->units, k->nunits, rest);
	if (!u) {
		snprintf(why, sizeof(why), "unknown unit \"%s\" (%s)", shown(rest, v, sizeof(v)),
			 k->unit_help);
		return bad(e, key, value, why);
	}
	if (scale(&d, u, k->max, out) < 0)
		return bad(e, key, value, k->too_big);
	if (*out == 0 && (d.ipart || d.frac))
		return bad(e, key, value, k->too_small);
	return 0;
}

/* "1%", "0.5", "100%": 0..100, kept to FRAC_MAX decimals. */
static int parse_percent(const char *key, const char *value, double *pct, struct brig_err *e)
{
	struct decimal d;
	const char *rest;

	rest = scan_number(key, value, "a percentage, such as 1% or 0.5",
			   "a percentage must not be negative", &d, e);
	if (!rest)
		return -EINVAL;
	if (strcmp(rest, "%") != 0 && *rest)
		return bad(e, key, value, "not a percentage, such as 1% or 0.5");
	if (d.big || d.ipart > 100 || (d.ipart == 100 && d.frac))
		return bad(e, key, value, "a percentage must be at most 100%");
	/* two exact integers (< 2^53) divided: the double nearest the
	 * decimal, as strtod would give */
	*pct = (double)(d.ipart * pow10u(d.fdigits) + d.frac) / (double)pow10u(d.fdigits);
	return 0;
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

int netem_parse_value(struct netem_params *p, const char *key, const char *value,
		      struct brig_err *e)
{
	const struct key *k = find_key(key);
	char *field;
	uint64_t u = 0;
	double d = 0;
	int r;

	if (!k) {
		char v[72];

		return brig_errf(e, EINVAL,
				 "unknown impairment \"%s\" (delay, jitter, loss, rate, corrupt, "
				 "duplicate, reorder)",
				 shown(key, v, sizeof(v)));
	}
	field = (char *)p + k->off;
	switch (k->kind) {
	case DURATION:
	case RATE:
		r = parse_scaled(key, value, k->kind == RATE ? &rates : &durations, &u, e);
		if (r == 0)
			memcpy(field, &u, sizeof(u));
		return r;
	case PERCENT:
		r = parse_percent(key, value, &d, e);
		if (r == 0)
			memcpy(field, &d, sizeof(d));
		return r;
	}
	return -EINVAL;
}

/* ---- formatting, as tc writes values ---- */

/* "<int>[.<frac>]<unit>" of v / div with the fraction's trailing zeros
 * dropped (exact: div is a power of ten of fdigits digits). */
static void fmt_fixed(char *buf, size_t len, uint64_t v, uint64_t div, unsigned fdigits,
		      const char *unit)
{
	uint64_t frac = v % div;
	char f[24];
	int n;

	if (!frac) {
		snprintf(buf, len, "%llu%s", (unsigned long long)(v / div), unit);
		return;
	}
	n = snprintf(f, sizeof(f), "%0*llu", (int)fdigits, (unsigned long long)frac);
	while (n > 0 && f[n - 1] == '0')
		f[--n] = '\0';
	snprintf(buf, len, "%llu.%s%s", (unsigned long long)(v / div), f, unit);
}

static void fmt_duration(char *buf, size_t len, uint64_t us)
{
	if (us >= 1000000)
		fmt_fixed(buf, len, us, 1000000, 6, "s");
	else if (us >= 1000)
		fmt_fixed(buf, len, us, 1000, 3, "ms");
	else
		fmt_fixed(buf, len, us, 1, 0, "us");
}

static void fmt_rate(char *buf, size_t len, uint64_t bps)
{
	static const char *const names[] = { "bit", "kbit", "mbit", "gbit", "tbit" };
	uint64_t div = 1;
	unsigned i = 0;

	/* up while the unit fits, and its fraction keeps to the FRAC_MAX
	 * digits a parse reads back ("1.0000000001tbit" stays in gbit) */
	while (i + 1 < ARRAY_LEN(names) && bps >= div * 1000) {
		uint64_t next = div * 1000;

		if (next > pow10u(FRAC_MAX) && bps % (next / pow10u(FRAC_MAX)))
			break;
		div = next;
		i++;
	}
	fmt_fixed(buf, len, bps, div, 3 * i, names[i]);
}

/* FRAC_MAX decimals at most, trailing zeros dropped: exact for what
 * parse_percent made. */
static void fmt_percent(char *buf, size_t len, double pct)
{
	int n = snprintf(buf, len, "%.*f", FRAC_MAX, pct);

	if (n <= 0 || (size_t)n >= len)
		return;
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	snprintf(buf + n, len - (size_t)n, "%%");
}

/* The value of key k in p as text, or "" when it is not set. */
static void fmt_value(const struct netem_params *p, const struct key *k, char *buf, size_t len)
{
	const char *field = (const char *)p + k->off;
	uint64_t u;
	double d;

	buf[0] = '\0';
	if (k->kind == PERCENT) {
		memcpy(&d, field, sizeof(d));
		if (d != 0)
			fmt_percent(buf, len, d);
		return;
	}
	memcpy(&u, field, sizeof(u));
	if (u && k->kind == RATE)
		fmt_rate(buf, len, u);
	else if (u)
		fmt_duration(buf, len, u);
}

int netem_params_str(const struct netem_params *p, char *buf, size_t len)
{
	size_t n = 0;
	char v[64];
	int w;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		fmt_value(p, &keys[i], v, sizeof(v));
		if (!v[0])
			continue;
		w = snprintf(buf + n, len - n, "%s%s %s", n ? " " : "", keys[i].name, v);
		if (w < 0 || (size_t)w >= len - n) {
			buf[n] = '\0'; /* whole pairs only */
			return -ENOSPC;
		}
		n += (size_t)w;
	}
	return (int)n;
}

bool netem_params_empty(const struct netem_params *p)
{
	return !p->delay_us && !p->jitter_us && !p->loss && !p->corrupt && !p->duplicate &&
	       !p->reorder && !p->rate_bps;
}

/* ---- the values together ---- */

static int check_ranges(const struct netem_params *p, struct brig_err *e)
{
	const double pct[] = { p->loss, p->corrupt, p->duplicate, p->reorder };
	const char *const names[] = { "loss", "corrupt", "duplicate", "reorder" };

	for (size_t i = 0; i < ARRAY_LEN(pct); i++)
		if (!(pct[i] >= 0 && pct[i] <= 100)) /* NaN fails both */
			return brig_errf(e, EINVAL, "%s must be between 0%% and 100%%", names[i]);
	if (p->delay_us > NETEM_DURATION_MAX_US || p->jitter_us > NETEM_DURATION_MAX_US)
		return brig_errf(e, EINVAL, "a delay or jitter must be at most 60s");
	if (p->rate_bps > NETEM_RATE_MAX_BPS)
		return brig_errf(e, EINVAL, "a rate must be at most 1000tbit");
	return 0;
}

int netem_check(const struct netem_params *p, struct brig_err *e)
{
	char j[32], d[32];
	int r = check_ranges(p, e);

	if (r < 0)
		return r;
	if (p->jitter_us > p->delay_us) {
		fmt_duration(j, sizeof(j), p->jitter_us);
		fmt_duration(d, sizeof(d), p->delay_us);
		if (!p->delay_us)
			return brig_errf(e, EINVAL, "jitter %s needs a delay of at least %s", j, j);
		return brig_errf(e, EINVAL, "jitter %s is larger than delay %s", j, d);
	}
	if (p->reorder > 0 && !p->delay_us)
		return brig_errf(e, EINVAL,
				 "reorder needs a delay (the reordered packets are the ones sent "
				 "without it)");
	return 0;
}
