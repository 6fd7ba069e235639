/* util.c - small pure helpers: sizes, names, ids, paths inside a root,
 * human-readable sizes and times.  Nothing here prints; every failure fills
 * a brig_err.  Files and directories are io.c's. */
#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

#define SIZE_MAX_BYTES (INT64_C(1) << 62)

struct unit {
	const char *suffix;
	int64_t mult;
};

/* Binary multiples, as docker and podman read "-m 512m". */
static const struct unit units[] = {
	{ "", 1 },
	{ "b", 1 },
	{ "k", INT64_C(1) << 10 },
	{ "kb", INT64_C(1) << 10 },
	{ "m", INT64_C(1) << 20 },
	{ "mb", INT64_C(1) << 20 },
	{ "g", INT64_C(1) << 30 },
	{ "gb", INT64_C(1) << 30 },
};

int parse_size(const char *s, int64_t *out, struct brig_err *e)
{
	const char *p = s, *frac = NULL;
	uint64_t whole = 0;
	size_t nfrac = 0;
	const struct unit *u = NULL;

	if (!s || !*s)
		return brig_errf(e, EINVAL, "invalid size '': empty");
	if (*p == '-')
		return brig_errf(e, EINVAL, "invalid size '%s': must be positive", s);
	if (!isdigit((unsigned char)*p))
		return brig_errf(e, EINVAL, "invalid size '%s': expected a number", s);
	/* Integer part, checked against overflow digit by digit. */
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return brig_errf(e, ERANGE, "invalid size '%s': too large", s);
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		frac = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		nfrac = (size_t)(p - frac);
		if (nfrac == 0)
			return brig_errf(e, EINVAL, "invalid size '%s': expected digits after '.'", s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(p, units[i].suffix) == 0) {
			u = &units[i];
			break;
		}
	}
	if (!u)
		return brig_errf(e, EINVAL, "invalid size '%s': unknown unit '%s' (use b, k, m or g)",
				 s, p);
	if (whole > (uint64_t)(SIZE_MAX_BYTES / u->mult))
		return brig_errf(e, ERANGE, "invalid size '%s': larger than 2^62 bytes", s);

	uint64_t bytes = whole * (uint64_t)u->mult;
	/* Fraction: exact integer arithmetic on up to 18 digits, rounded down. */
	if (frac) {
		uint64_t num = 0, den = 1;
		for (size_t i = 0; i < nfrac && i < 18; i++) {
			num = num * 10 + (uint64_t)(frac[i] - '0');
			den *= 10;
		}
		/* mult <= 2^30 and num < den <= 10^18: split to avoid overflow. */
		uint64_t add = (num / den) * (uint64_t)u->mult +
			       (uint64_t)((unsigned __int128)(num % den) * (uint64_t)u->mult / den);
		bytes += add;
	}
	if (bytes > (uint64_t)SIZE_MAX_BYTES)
		return brig_errf(e, ERANGE, "invalid size '%s': larger than 2^62 bytes", s);
	if (bytes == 0)
		return brig_errf(e, EINVAL, "invalid size '%s': must be at least 1 byte", s);
	*out = (int64_t)bytes;
	return 0;
}

int parse_uint(const char *s, uint64_t max, uint64_t *out, struct brig_err *e)
{
	uint64_t v = 0;

	if (!s || !*s)
		return brig_errf(e, EINVAL, "invalid number '': empty");
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return brig_errf(e, EINVAL, "invalid number '%s': not a decimal integer", s);
		if (v > (UINT64_MAX - 9) / 10)
			return brig_errf(e, ERANGE, "invalid number '%s': at most %" PRIu64, s, max);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return brig_errf(e, ERANGE, "invalid number '%s': at most %" PRIu64, s, max);
	*out = v;
	return 0;
}

bool valid_name(const char *s)
{
	size_t n;

	if (!s || !isalnum((unsigned char)s[0]))
		return false;
	for (n = 1; s[n]; n++) {
		unsigned char ch = (unsigned char)s[n];
		if (!isalnum(ch) && ch != '_' && ch != '.' && ch != '-')
			return false;
		if (n >= 63)
			return false;
	}
	return true;
}

int gen_id(char out[BRIG_ID_LEN + 1], struct brig_err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[BRIG_ID_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return brig_errno(e, "getrandom");
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[BRIG_ID_LEN] = '\0';
	return 0;
}

int safe_join(const char *root, const char *name, char *out, size_t outlen, struct brig_err *e)
{
	size_t rlen, len, depth = 0;
	const char *p = name;

	if (!root || !name || outlen == 0)
		return brig_errf(e, EINVAL, "safe_join: bad arguments");
	rlen = strlen(root);
	/* Drop trailing slashes of root, but keep "/" itself as "" + "/". */
	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	if (rlen + 1 >= outlen)
		return brig_errf(e, ENAMETOOLONG, "path '%s': too long", root);
	memcpy(out, root, rlen);
	len = rlen;
	out[len] = '\0';

	/* Walk components; an absolute name is read relative to root, "." and
	 * empty components vanish, ".." pops one we added and never one of
	 * root's own: popping past root is an escape. */
	while (*p) {
		const char *c;
		size_t clen;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		clen = (size_t)(p - c);
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (depth == 0)
				return brig_errf(e, EINVAL, "path '%s': escapes %s", name, root);
			while (len > rlen && out[len - 1] != '/')
				len--;
			len--; /* the '/' */
			out[len] = '\0';
			depth--;
			continue;
		}
		if (len + 1 + clen >= outlen)
			return brig_errf(e, ENAMETOOLONG, "path '%s': too long", name);
		out[len++] = '/';
		memcpy(out + len, c, clen);
		len += clen;
		out[len] = '\0';
		depth++;
	}
	if (len == 0) {
		/* root was "/" (or empty) and name named root itself. */
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

const char *human_size(int64_t bytes, char *buf, size_t len)
{
	/* Decimal units, as docker prints image sizes. */
	static const char *const suffix[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	size_t i = 0;

	if (bytes < 0) {
		snprintf(buf, len, "?");
		return buf;
	}
	while (v >= 1000.0 && i + 1 < ARRAY_SIZE(suffix)) {
		v /= 1000.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%" PRId64 "B", bytes);
	else if (v < 10.0)
		snprintf(buf, len, "%.2f%s", v, suffix[i]);
	else if (v < 100.0)
		snprintf(buf, len, "%.1f%s", v, suffix[i]);
	else
		snprintf(buf, len, "%.0f%s", v, suffix[i]);
	return buf;
}

const char *human_duration(int64_t when, char *buf, size_t len)
{
	static const struct {
		int64_t secs;
		const char *one, *many;
	} steps[] = {
		{ 365 * 86400, "About a year", "years" },
		{ 30 * 86400, "About a month", "months" },
		{ 7 * 86400, "About a week", "weeks" },
		{ 86400, "About a day", "days" },
		{ 3600, "About an hour", "hours" },
		{ 60, "About a minute", "minutes" },
	};
	int64_t d = now_ns() / 1000000000 - when;

	if (d < 1) {
		snprintf(buf, len, "Less than a second");
		return buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		if (d >= steps[i].secs) {
			int64_t n = d / steps[i].secs;
			if (n == 1)
				snprintf(buf, len, "%s", steps[i].one);
			else
				snprintf(buf, len, "%" PRId64 " %s", n, steps[i].many);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRId64 " second%s", d, d == 1 ? "" : "s");
	return buf;
}

const char *human_ago(int64_t when, char *buf, size_t len)
{
	size_t n;

	human_duration(when, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, " ago");
	return buf;
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *rfc3339(int64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	struct tm tm;
	char date[32];

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	if (!gmtime_r(&secs, &tm) || strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "1970-01-01T00:00:00Z");
		return buf;
	}
	snprintf(buf, len, "%s.%09ldZ", date, frac);
	return buf;
}

int64_t parse_rfc3339(const char *s)
{
	struct tm tm;
	const char *p;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	/* Fraction and "Z" are accepted; offsets other than Z/+00:00 are rare
	 * in what brig writes (always UTC) and read as UTC. */
	return (int64_t)timegm(&tm);
}

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* ---- --since / --until ------------------------------------------------- */

#define NS_PER_S INT64_C(1000000000)

/* Exactly n digits at *p into *v; false when they are not there. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

/* ".123" (1 to 9 digits) into ns; none is 0. */
static bool fraction(const char **p, int64_t *ns)
{
	int64_t scale = NS_PER_S / 10;

	*ns = 0;
	if (**p != '.')
		return true;
	(*p)++;
	if (**p < '0' || **p > '9')
		return false;
	for (; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
		*ns += (**p - '0') * scale; /* digits past the 9th add 0 */
	return true;
}

/* The zone of an RFC 3339 time: "Z", "+HH:MM", "-HH:MM" into seconds east;
 * *local when there is none. */
static bool zone(const char **p, int *off, bool *local)
{
	int h, m, sign = **p == '-' ? -1 : 1;

	*off = 0;
	*local = **p == '\0';
	if (*local)
		return true;
	if (**p == 'Z' || **p == 'z')
		return (*p)++, true;
	if (**p != '+' && **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &h) || *(*p)++ != ':' || !digits(p, 2, &m) || h > 23 || m > 59)
		return false;
	*off = sign * (h * 3600 + m * 60);
	return true;
}

/* YYYY-MM-DD[THH:MM[:SS[.frac]]][zone] */
static bool rfc3339_arg(const char *s, int64_t *out)
{
	struct tm tm = { .tm_isdst = -1 };
	int y, mo, d, h = 0, mi = 0, sec = 0, off;
	int64_t frac = 0, t;
	bool local;

	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
	    !digits(&s, 2, &d))
		return false;
	if (*s == 'T' || *s == 't') {
		s++;
		if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
			return false;
		if (*s == ':' && (s++, !digits(&s, 2, &sec) || !fraction(&s, &frac)))
			return false;
	}
	if (!zone(&s, &off, &local) || *s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return false;
	tm = (struct tm){ .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			  .tm_min = mi, .tm_sec = sec, .tm_isdst = -1 };
	t = local ? (int64_t)mktime(&tm) : (int64_t)timegm(&tm) - off;
	return !__builtin_mul_overflow(t, NS_PER_S, out) && !__builtin_add_overflow(*out, frac, out);
}

/* Unix seconds, an optional fraction. */
static bool unix_arg(const char *s, int64_t *out)
{
	int64_t secs = 0, frac;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		secs = secs * 10 + (*s - '0');
		if (secs > INT64_MAX / NS_PER_S - 1)
			return false;
	}
	if (!fraction(&s, &frac) || *s)
		return false;
	*out = secs * NS_PER_S + frac;
	return true;
}

static const struct {
	const char *name;
	int64_t ns;
} go_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "ms", 1000000 },
	{ "s", NS_PER_S }, { "m", 60 * NS_PER_S }, { "h", 3600 * NS_PER_S },
};

/* One unit's scale at *p (the longest name that matches). */
static int64_t go_unit(const char **p)
{
	size_t best = 0;
	int64_t ns = 0;

	for (size_t i = 0; i < ARRAY_SIZE(go_units); i++) {
		size_t n = strlen(go_units[i].name);
		if (n > best && strncmp(*p, go_units[i].name, n) == 0) {
			best = n;
			ns = go_units[i].ns;
		}
	}
	*p += best;
	return ns;
}

/* Go's time.ParseDuration: [+-] then (number[.frac] unit)+, or "0". */
static bool go_duration(const char *s, int64_t *out)
{
	int sign = *s == '-' ? -1 : 1;
	int64_t total = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (strcmp(s, "0") == 0)
		return *out = 0, true;
	if (!*s)
		return false;
	while (*s) {
		int64_t whole = 0, frac, unit, v;
		const char *start = s;
		for (; *s >= '0' && *s <= '9'; s++)
			if (__builtin_mul_overflow(whole, 10, &whole) ||
			    __builtin_add_overflow(whole, *s - '0', &whole))
				return false;
		if (!fraction(&s, &frac) || s == start || !(unit = go_unit(&s)))
			return false;
		/* frac is in ns of a second: scale it to the unit */
		if (__builtin_mul_overflow(whole, unit, &v) ||
		    __builtin_add_overflow(v, (int64_t)((__int128)frac * unit / NS_PER_S), &v) ||
		    __builtin_add_overflow(total, v, &total))
			return false;
	}
	*out = sign * total;
	return true;
}

int parse_time_arg(const char *s, int64_t now, int64_t *out, struct brig_err *e)
{
	int64_t d;

	if (!s || !*s)
		return brig_errf(e, EINVAL, "empty time");
	if (go_duration(s, &d) && strcmp(s, "0") != 0) {
		if (__builtin_sub_overflow(now, d, out))
			return brig_errf(e, EINVAL, "invalid time '%s': out of range", s);
		return 0;
	}
	if (rfc3339_arg(s, out) || unix_arg(s, out))
		return 0;
	return brig_errf(e, EINVAL,
			 "invalid time '%s': not RFC 3339, unix seconds or a duration (10m)", s);
}
