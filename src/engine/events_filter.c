/* events_filter.c - the pure half of events: Docker's filters (from the
 * CLI's KEY=VALUE and from the API's query JSON), the matcher, the
 * --since/--until time parser and the reader of one stored line.  No I/O:
 * unit-tested (tests/unit/test_events.c) and fuzzed (tests/fuzz/fuzz_events.c).
 *
 * The matcher is Docker's daemon/events/filter.go: values of one key OR,
 * different keys AND, an absent key matches everything; container, network
 * and volume match the actor's ID (or a prefix of it) or its "name"; image
 * matches a container's "image" or an image's "name"/ID, with or without
 * its tag; every label must be among the attributes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"

#define VALUE_MAX 1024

static const char *const key_names[EVK_N] = {
	[EVK_TYPE] = "type",	       [EVK_EVENT] = "event", [EVK_CONTAINER] = "container",
	[EVK_IMAGE] = "image",	       [EVK_NETWORK] = "network", [EVK_VOLUME] = "volume",
	[EVK_LABEL] = "label",	       [EVK_SCOPE] = "scope",
};

/* s as a message may show it: at most 64 bytes, control bytes as '?'. */
static const char *shown(const char *s, size_t len, char out[68])
{
	size_t n = len < 64 ? len : 64;

	for (size_t i = 0; i < n; i++)
		out[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	out[n] = '\0';
	if (len > 64)
		strcpy(out + 64, "...");
	return out;
}

static int key_of(const char *name, size_t len)
{
	for (int k = 0; k < EVK_N; k++)
		if (strlen(key_names[k]) == len && !memcmp(key_names[k], name, len))
			return k;
	return -1;
}

static int add_value(struct events_filter *f, int k, const char *v, size_t len,
		     struct brig_err *e)
{
	char buf[68];
	char **grown;

	if (len > VALUE_MAX || memchr(v, '\0', len))
		return brig_errf(e, EINVAL, "invalid filter value '%s'", shown(v, len, buf));
	if (f->n[k] >= EVENTS_VALUES_MAX)
		return brig_errf(e, EINVAL, "too many '%s' filters (at most %d)", key_names[k],
				 EVENTS_VALUES_MAX);
	grown = realloc(f->values[k], (f->n[k] + 2) * sizeof(*grown));
	if (!grown)
		return brig_errf(e, ENOMEM, "filter: out of memory");
	f->values[k] = grown;
	if (!(grown[f->n[k]] = strndup(v, len)))
		return brig_errf(e, ENOMEM, "filter: out of memory");
	grown[++f->n[k]] = NULL;
	return 0;
}

static int bad_key(const char *name, size_t len, struct brig_err *e)
{
	char buf[68];

	return brig_errf(e, EINVAL, "invalid filter '%s'", shown(name, len, buf));
}

int events_filter_add(struct events_filter *f, const char *kv, struct brig_err *e)
{
	const char *eq = strchr(kv, '=');
	int k;

	if (!eq)
		return brig_errf(e, EINVAL, "bad format of filter (expected name=value)");
	if ((k = key_of(kv, (size_t)(eq - kv))) < 0)
		return bad_key(kv, (size_t)(eq - kv), e);
	return add_value(f, k, eq + 1, strlen(eq + 1), e);
}

/* One key's values: ["a","b"] or the older {"a":true,"b":true}. */
static int add_json_values(struct events_filter *f, int k, json_t *v, struct brig_err *e)
{
	size_t i;
	json_t *x;
	const char *name;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				return brig_errf(e, EINVAL, "filter '%s': values must be strings",
						 key_names[k]);
			if (add_value(f, k, json_string_value(x), json_string_length(x), e) < 0)
				return -e->code;
		}
		return 0;
	}
	if (!json_is_object(v))
		return brig_errf(e, EINVAL, "filter '%s': expected a list of values", key_names[k]);
	json_object_foreach(v, name, x)
		if (json_is_true(x) && add_value(f, k, name, strlen(name), e) < 0)
			return -e->code;
	return 0;
}

int events_filter_from_json(struct events_filter *f, const char *text, size_t len,
			    struct brig_err *e)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *v;
	const char *name;
	int r = 0;

	if (!json_is_object(doc)) {
		json_decref(doc);
		return brig_errf(e, EINVAL, "invalid filters: expected a JSON object");
	}
	json_object_foreach(doc, name, v) {
		int k = key_of(name, strlen(name));
		if ((r = k < 0 ? bad_key(name, strlen(name), e) : add_json_values(f, k, v, e)) < 0)
			break;
	}
	json_decref(doc);
	return r;
}

void events_filter_free(struct events_filter *f)
{
	for (int k = 0; k < EVK_N; k++) {
		for (size_t i = 0; i < f->n[k]; i++)
			free(f->values[k][i]);
		free(f->values[k]);
		f->values[k] = NULL;
		f->n[k] = 0;
	}
}

/* ---- times ---- */

/* Up to 9 digits of a fraction as nanoseconds; further digits ignored. */
static const char *fraction(const char *p, int64_t *ns)
{
	int64_t scale = 100000000;

	*ns = 0;
	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++, scale /= 10)
		*ns += (*p - '0') * scale;
	return p;
}

#define NS 1000000000LL
#define MAX_SECONDS 253402300799LL /* 9999-12-31T23:59:59Z */

static int unix_time(const char *s, int64_t *ns)
{
	int64_t sec = 0, frac = 0;
	const char *p = s;

	for (; isdigit((unsigned char)*p); p++)
		if ((sec = sec * 10 + (*p - '0')) > MAX_SECONDS)
			return -1;
	if (p == s || (*p == '.' && !(p = fraction(p + 1, &frac))) || *p)
		return -1;
	*ns = sec * NS + frac;
	return 0;
}

/* n digits exactly, into *v. */
static const char *digits(const char *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, p++) {
		if (!isdigit((unsigned char)*p))
			return NULL;
		*v = *v * 10 + (*p - '0');
	}
	return p;
}

/* [:MM[:SS[.frac]]] after the hour. */
static const char *clock_rest(const char *p, struct tm *tm, int64_t *frac)
{
	if (*p != ':')
		return p;
	if (!(p = digits(p + 1, 2, &tm->tm_min)) || *p != ':')
		return p;
	if (!(p = digits(p + 1, 2, &tm->tm_sec)) || *p != '.')
		return p;
	return fraction(p + 1, frac);
}

/* Z, or +HH:MM / -HH:MM / +HHMM, as seconds east of UTC. */
static const char *zone(const char *p, int64_t *off)
{
	int h, m, sign;

	*off = 0;
	if (*p == 'Z' || *p == 'z')
		return p + 1;
	if (*p != '+' && *p != '-')
		return p;
	sign = *p == '-' ? -1 : 1;
	if (!(p = digits(p + 1, 2, &h)))
		return NULL;
	if (*p == ':')
		p++;
	if (!(p = digits(p, 2, &m)) || h > 23 || m > 59)
		return NULL;
	*off = sign * (h * 3600 + m * 60);
	return p;
}

static bool tm_valid(const struct tm *tm, time_t t)
{
	struct tm back;

	return tm->tm_hour < 24 && tm->tm_min < 60 && tm->tm_sec <= 60 && gmtime_r(&t, &back) &&
	       back.tm_mday == tm->tm_mday && back.tm_mon == tm->tm_mon;
}

static int rfc3339_time(const char *s, int64_t *ns)
{
	struct tm tm = { 0 }, asked;
	int64_t frac = 0, off = 0;
	const char *p;
	time_t t;

	if (!(p = digits(s, 4, &tm.tm_year)) || *p != '-' || !(p = digits(p + 1, 2, &tm.tm_mon)) ||
	    *p != '-' || !(p = digits(p + 1, 2, &tm.tm_mday)))
		return -1;
	if ((*p == 'T' || *p == 't' || *p == ' ') &&
	    (!(p = digits(p + 1, 2, &tm.tm_hour)) || !(p = clock_rest(p, &tm, &frac))))
		return -1;
	if (!(p = zone(p, &off)) || *p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_year < 1970)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	asked = tm; /* timegm normalises its argument: Feb 30 would become Mar 1 */
	t = timegm(&tm);
	if (t == (time_t)-1 || !tm_valid(&asked, t) || t - off < 0)
		return -1;
	*ns = ((int64_t)t - off) * NS + frac;
	return 0;
}

static const struct {
	const char *unit;
	long double ns;
} units[] = {
	{ "ns", 1 },	  { "us", 1e3 },      { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
	{ "s", 1e9 },	  { "m", 60e9 },      { "h", 3600e9 },
};

/* Digits, a point and digits (either side may be empty, not both). */
static const char *decimal(const char *p, long double *v)
{
	long double scale = 0.1L;
	bool any = false;

	*v = 0;
	for (; isdigit((unsigned char)*p) && *v < 1e30L; p++, any = true)
		*v = *v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10, any = true)
			*v += (*p - '0') * scale;
	return any ? p : NULL;
}

/* One number of a Go duration ("1.5") and its unit; p moves past both. */
static int duration_part(const char **p, long double *ns)
{
	const char *end;
	long double v;

	if (!(end = decimal(*p, &v)))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].unit);
		if (!strncmp(end, units[i].unit, n) && (n > 1 || end[1] != 's')) {
			*ns += v * units[i].ns;
			*p = end + n;
			return 0;
		}
	}
	return -1;
}

/* Go's time.ParseDuration: "10m", "1h30m", "1.5s"; no sign. */
static int duration(const char *s, int64_t *ns)
{
	long double total = 0;
	const char *p = s;

	if (!*p)
		return -1;
	while (*p)
		if (duration_part(&p, &total) < 0 || total > 4e18)
			return -1;
	*ns = (int64_t)total;
	return 0;
}

int events_parse_time(const char *s, int64_t now, int64_t *ns, struct brig_err *e)
{
	char buf[68];
	int64_t d;

	if (s[0] && s[1] && s[2] && s[3] && s[4] == '-') {
		if (rfc3339_time(s, ns) == 0)
			return 0;
	} else if (unix_time(s, ns) == 0) {
		return 0;
	} else if (duration(s, &d) == 0) {
		*ns = d < now ? now - d : 0;
		return 0;
	}
	return brig_errf(e, EINVAL,
			 "invalid time '%s': expected unix seconds, RFC 3339 or a duration such as 10m",
			 shown(s, strlen(s), buf));
}

int events_filter_times(struct events_filter *f, const char *since, const char *until,
			int64_t now, struct brig_err *e)
{
	if (since && *since) {
		if (events_parse_time(since, now, &f->since, e) < 0)
			return brig_err_ctx(e, "since");
		f->has_since = true;
	}
	if (until && *until) {
		if (events_parse_time(until, now, &f->until, e) < 0)
			return brig_err_ctx(e, "until");
		f->has_until = true;
	}
	if (f->has_since && f->has_until && f->since > f->until)
		return brig_errf(e, EINVAL, "since must be before until");
	return 0;
}

/* ---- matching ---- */

static bool exact(const struct events_filter *f, int k, const char *v)
{
	if (!f->n[k])
		return true;
	for (size_t i = 0; v && i < f->n[k]; i++)
		if (!strcmp(f->values[k][i], v))
			return true;
	return false;
}

/* Exact, or a filter value is a prefix of v (an id prefix). */
static bool fuzzy(const struct events_filter *f, int k, const char *v)
{
	if (!f->n[k])
		return true;
	for (size_t i = 0; v && i < f->n[k]; i++)
		if (!strncmp(f->values[k][i], v, strlen(f->values[k][i])))
			return true;
	return false;
}

static const char *attr(json_t *ev, const char *name)
{
	return json_string_value(
		json_object_get(json_object_get(json_object_get(ev, "Actor"), "Attributes"), name));
}

static const char *str(json_t *ev, const char *name)
{
	return json_string_value(json_object_get(ev, name));
}

static const char *actor_id(json_t *ev)
{
	return json_string_value(json_object_get(json_object_get(ev, "Actor"), "ID"));
}

/* Docker's: only events of that type can match the key by ID or name. */
static bool name_match(const struct events_filter *f, int k, json_t *ev)
{
	if (!f->n[k])
		return true;
	if (strcmp(str(ev, "Type"), key_names[k]))
		return false;
	return fuzzy(f, k, actor_id(ev)) || fuzzy(f, k, attr(ev, "name"));
}

/* An image reference without its tag or digest, and without Docker Hub's
 * prefixes ("docker.io/library/busybox:1" -> "busybox"). */
static void strip_tag(const char *ref, char *out, size_t len)
{
	char *at, *slash, *colon;

	if (!strncmp(ref, "docker.io/library/", 18))
		ref += 18;
	else if (!strncmp(ref, "docker.io/", 10))
		ref += 10;
	snprintf(out, len, "%s", ref);
	if ((at = strchr(out, '@')))
		*at = '\0';
	slash = strrchr(out, '/');
	colon = strrchr(out, ':');
	if (colon && (!slash || colon > slash))
		*colon = '\0';
}

static bool image_match(const struct events_filter *f, json_t *ev)
{
	const char *id = actor_id(ev), *type = str(ev, "Type");
	const char *name = attr(ev, !strcmp(type, "image") ? "name" : "image");
	char a[512], b[512];

	if (!f->n[EVK_IMAGE])
		return true;
	strip_tag(id ? id : "", a, sizeof(a));
	strip_tag(name ? name : "", b, sizeof(b));
	return exact(f, EVK_IMAGE, id) || exact(f, EVK_IMAGE, name) || exact(f, EVK_IMAGE, a) ||
	       exact(f, EVK_IMAGE, b);
}

static bool labels_match(const struct events_filter *f, json_t *ev)
{
	for (size_t i = 0; i < f->n[EVK_LABEL]; i++) {
		const char *want = f->values[EVK_LABEL][i], *eq = strchr(want, '=');
		char key[VALUE_MAX + 1];
		const char *have;
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - want) : (int)strlen(want), want);
		have = attr(ev, key);
		if (!have || (eq && strcmp(have, eq + 1)))
			return false;
	}
	return true;
}

static bool time_match(const struct events_filter *f, json_t *ev)
{
	int64_t t = json_integer_value(json_object_get(ev, "timeNano"));

	return (!f->has_since || t >= f->since) && (!f->has_until || t <= f->until);
}

/* "exec_create: sh -c x" also matches the filter event=exec_create. */
static bool action_match(const struct events_filter *f, const char *action)
{
	const char *colon = strchr(action, ':');
	char prefix[128];

	if (exact(f, EVK_EVENT, action))
		return true;
	if (!colon || colon - action >= (long)sizeof(prefix))
		return false;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - action), action);
	return exact(f, EVK_EVENT, prefix);
}

bool events_match(const struct events_filter *f, json_t *ev)
{
	const char *type = str(ev, "Type"), *action = str(ev, "Action");

	if (!type || !action || !time_match(f, ev))
		return false;
	return action_match(f, action) && exact(f, EVK_TYPE, type) &&
	       exact(f, EVK_SCOPE, str(ev, "scope")) && name_match(f, EVK_CONTAINER, ev) &&
	       name_match(f, EVK_NETWORK, ev) && name_match(f, EVK_VOLUME, ev) &&
	       image_match(f, ev) && labels_match(f, ev);
}

/* ---- stored lines ---- */

char *events_lines_room(struct events_lines *l, size_t *room)
{
	if (l->len == l->cap) { /* no newline in a whole buffer: drop it to the next */
		l->len = 0;
		l->skipping = true;
	}
	*room = l->cap - l->len;
	return l->buf + l->len;
}

int events_lines_feed(struct events_lines *l, size_t n,
		      int (*fn)(void *arg, const char *line, size_t len), void *arg)
{
	char *start = l->buf, *end = l->buf + l->len + n, *nl;
	int rc = 0;

	while (rc >= 0 && (nl = memchr(start, '\n', (size_t)(end - start)))) {
		if (!l->skipping)
			rc = fn(arg, start, (size_t)(nl - start));
		l->skipping = false;
		start = nl + 1;
	}
	l->len = (size_t)(end - start);
	memmove(l->buf, start, l->len);
	return rc;
}

bool events_line_time(const char *line, size_t len, int64_t *ns)
{
	static const char key[] = "\"timeNano\":";
	size_t end, k = sizeof(key) - 1;
	int64_t v = 0;

	if (len < k + 3 || line[len - 1] != '}')
		return false;
	end = len - 1;
	while (end > 0 && line[end - 1] >= '0' && line[end - 1] <= '9')
		end--;
	/* 1..19 digits: an int64 that cannot overflow */
	if (end == len - 1 || len - 1 - end > 19 || end < k + 1 ||
	    memcmp(line + end - k, key, k) != 0)
		return false;
	for (size_t i = end; i < len - 1; i++)
		v = v * 10 + (line[i] - '0');
	*ns = v;
	return true;
}

json_t *events_parse_line(const char *line, size_t len)
{
	json_t *ev, *actor, *attrs, *t;

	if (len == 0 || len > EVENTS_LINE_MAX)
		return NULL;
	ev = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	actor = json_object_get(ev, "Actor");
	attrs = json_object_get(actor, "Attributes");
	t = json_object_get(ev, "timeNano");
	if (json_is_object(ev) && str(ev, "Type") && str(ev, "Action") && actor_id(ev) &&
	    json_is_object(attrs) && json_is_integer(t) && json_integer_value(t) >= 0)
		return ev;
	json_decref(ev);
	return NULL;
}
