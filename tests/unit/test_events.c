/* test_events.c - events: the filter parsers (KEY=VALUE and Docker's query
 * JSON), the matcher, the time parser, stored lines, the event's shape, and
 * the file itself (append, rotation, replay, corrupt lines) under a
 * throwaway runroot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "events.h"
#include "tmp_root.h"
#include "util.h"

#define S 1000000000LL

/* An event as stored, with attributes from "k=v,k=v". */
static json_t *ev(const char *type, const char *action, const char *id, const char *attrs,
		  int64_t ns)
{
	json_t *a = json_object();
	char *copy = strdup(attrs), *save = NULL;
	json_t *e;

	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		*eq = '\0';
		json_object_set_new(a, kv, json_string(eq + 1));
	}
	e = events_make(type, action, id, a, ns);
	json_decref(a);
	free(copy);
	assert_non_null(e);
	return e;
}

static bool match_kv(const char *const *filters, json_t *e)
{
	struct events_filter f = { 0 };
	struct brig_err err;
	bool m;

	for (; *filters; filters++)
		if (events_filter_add(&f, *filters, &err) < 0)
			fail_msg("%s: %s", *filters, err.msg);
	m = events_match(&f, e);
	events_filter_free(&f);
	return m;
}

#define MATCH(e, ...) match_kv((const char *const[]){ __VA_ARGS__, NULL }, e)

static void test_filter_add(void **state)
{
	struct events_filter f = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(events_filter_add(&f, "type=container", &e), 0);
	assert_int_equal(events_filter_add(&f, "label=a=b", &e), 0);
	assert_int_equal(events_filter_add(&f, "event=", &e), 0);
	assert_string_equal(f.values[EVK_TYPE][0], "container");
	assert_string_equal(f.values[EVK_LABEL][0], "a=b");
	assert_string_equal(f.values[EVK_EVENT][0], "");
	assert_null(f.values[EVK_LABEL][1]);
	assert_int_equal(events_filter_add(&f, "nope=1", &e), -EINVAL);
	assert_string_equal(e.msg, "invalid filter 'nope'");
	assert_int_equal(events_filter_add(&f, "event", &e), -EINVAL);
	assert_string_equal(e.msg, "bad format of filter (expected name=value)");
	assert_int_equal(events_filter_add(&f, "ty\npe=x", &e), -EINVAL);
	assert_string_equal(e.msg, "invalid filter 'ty?pe'");
	for (int i = 1; i < EVENTS_VALUES_MAX; i++)
		assert_int_equal(events_filter_add(&f, "type=x", &e), 0);
	assert_int_equal(events_filter_add(&f, "type=x", &e), -EINVAL);
	events_filter_free(&f);
	assert_int_equal(f.n[EVK_TYPE], 0);
}

static void test_filter_json(void **state)
{
	static const char *const bad[] = { "[]", "{\"type\":\"container\"}", "{\"type\":[1]}",
					   "{\"x\":[\"a\"]}", "{", "{\"type\":[],\"type\":[]}" };
	const char *q = "{\"type\":[\"container\",\"network\"],\"event\":{\"die\":true,\"x\":false}}";
	struct events_filter f = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(events_filter_from_json(&f, q, strlen(q), &e), 0);
	assert_int_equal(f.n[EVK_TYPE], 2);
	assert_string_equal(f.values[EVK_TYPE][1], "network");
	assert_int_equal(f.n[EVK_EVENT], 1);
	assert_string_equal(f.values[EVK_EVENT][0], "die");
	events_filter_free(&f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (events_filter_from_json(&f, bad[i], strlen(bad[i]), &e) != -EINVAL)
			fail_msg("accepted %s", bad[i]);
		events_filter_free(&f);
	}
}

static void test_match(void **state)
{
	json_t *start = ev("container", "start", "abcdef0123", "name=web,image=busybox:1.36,tier=front", 5 * S);
	json_t *conn = ev("network", "connect", "lab", "name=lab,container=abcdef0123,type=bridge", 5 * S);
	json_t *exec = ev("container", "exec_create: sh -c x", "abcdef0123", "name=web", 5 * S);
	json_t *img = ev("image", "tag", "sha256:99", "name=docker.io/library/alpine:3", 5 * S);

	(void)state;
	assert_true(MATCH(start, "type=container"));
	assert_false(MATCH(start, "type=network"));
	assert_true(MATCH(start, "type=network", "type=container")); /* one key: OR */
	assert_false(MATCH(start, "type=container", "event=die"));    /* keys: AND */
	assert_true(MATCH(start, "event=die", "event=start"));
	assert_true(MATCH(exec, "event=exec_create"));
	assert_true(MATCH(start, "container=web"));
	assert_true(MATCH(start, "container=abcd"));  /* an id prefix */
	assert_true(MATCH(start, "container=we"));    /* Docker's: a name's prefix too */
	assert_false(MATCH(start, "container=eb"));
	assert_false(MATCH(conn, "container=abcdef0123")); /* Docker's: by type */
	assert_true(MATCH(conn, "network=lab"));
	assert_false(MATCH(start, "network=lab"));
	assert_true(MATCH(start, "image=busybox"));
	assert_true(MATCH(start, "image=busybox:1.36"));
	assert_false(MATCH(start, "image=busybox:2"));
	assert_true(MATCH(img, "image=alpine"));
	assert_true(MATCH(img, "image=sha256:99"));
	assert_true(MATCH(start, "label=tier"));
	assert_true(MATCH(start, "label=tier=front"));
	assert_false(MATCH(start, "label=tier=back"));
	assert_false(MATCH(start, "label=tier", "label=zone")); /* labels: every one */
	assert_true(MATCH(start, "scope=local"));
	assert_false(MATCH(conn, "volume=lab"));
	json_decref(start);
	json_decref(conn);
	json_decref(exec);
	json_decref(img);
}

static void test_match_times(void **state)
{
	json_t *e = ev("volume", "create", "v", "driver=local", 100 * S);
	struct events_filter f = { 0 };
	struct brig_err err;

	(void)state;
	assert_int_equal(events_filter_times(&f, "100", "100", 0, &err), 0);
	assert_true(events_match(&f, e)); /* both ends included */
	f.since = 100 * S + 1;
	assert_false(events_match(&f, e));
	f.since = 0;
	f.until = 100 * S - 1;
	assert_false(events_match(&f, e));
	assert_int_equal(events_filter_times(&f, "200", "100", 0, &err), -EINVAL);
	assert_int_equal(events_filter_times(&f, "x", NULL, 0, &err), -EINVAL);
	assert_string_equal(err.msg, "since: invalid time 'x': expected unix seconds, RFC 3339 "
				     "or a duration such as 10m");
	json_decref(e);
}

static int64_t t(const char *s)
{
	struct brig_err e;
	int64_t ns = -1;

	if (events_parse_time(s, 3600 * S, &ns, &e) < 0)
		return -1;
	return ns;
}

static void test_parse_time(void **state)
{
	static const char *const bad[] = { "",	   "-1",	 "1.",		"1e3",
					   "x",	   "10s0",	 "2024-13-01",	"2024-02-30",
					   "1969-12-31", "2024-05-01T25:00", "2024-05-01T12:00:00+2",
					   "10x",  "1h-2m",	 "1..5s",	"99999999999999999999" };

	(void)state;
	assert_int_equal(t("0"), 0);
	assert_int_equal(t("1700000000"), 1700000000 * S);
	assert_int_equal(t("1700000000.5"), 1700000000 * S + 500000000);
	assert_int_equal(t("1.0000000019"), S + 1);
	assert_int_equal(t("2024-05-01"), 1714521600 * S);
	assert_int_equal(t("2024-05-01T12:00:00Z"), 1714564800 * S);
	assert_int_equal(t("2024-05-01T12:00"), 1714564800 * S);
	assert_int_equal(t("2024-05-01T12"), 1714564800 * S);
	assert_int_equal(t("2024-05-01T14:00:00.25+02:00"), 1714564800 * S + 250000000);
	assert_int_equal(t("2024-05-01T10:00:00-0200"), 1714564800 * S);
	assert_int_equal(t("10m"), 3000 * S);
	assert_int_equal(t("1h"), 0);
	assert_int_equal(t("2h"), 0); /* before the epoch: the start */
	assert_int_equal(t("1.5s"), 3600 * S - 1500000000);
	assert_int_equal(t("30m30s"), 1770 * S);
	assert_int_equal(t("500ms"), 3600 * S - 500000000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (t(bad[i]) != -1)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_make_and_parse_line(void **state)
{
	json_t *e = ev("container", "die", "abc", "name=x,image=busybox,exitCode=3", 1234567890123456789LL);
	char *text = json_dumps(e, JSON_COMPACT);
	json_t *back;

	(void)state;
	assert_string_equal(text, "{\"status\":\"die\",\"id\":\"abc\",\"from\":\"busybox\",\"Type\":"
				  "\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\","
				  "\"Attributes\":{\"name\":\"x\",\"image\":\"busybox\",\"exitCode\":"
				  "\"3\"}},\"scope\":\"local\",\"time\":1234567890,\"timeNano\":"
				  "1234567890123456789}");
	back = events_parse_line(text, strlen(text));
	assert_non_null(back);
	assert_true(json_equal(back, e));
	json_decref(back);
	assert_null(events_parse_line(text, strlen(text) - 1)); /* torn */
	assert_null(events_parse_line("", 0));
	assert_null(events_parse_line("{\"Type\":\"x\"}", 12));
	assert_null(events_parse_line("{}{}", 4));
	free(text);
	json_decref(e);
	e = ev("network", "connect", "lab", "name=lab", 1);
	assert_null(json_object_get(e, "status")); /* Docker's: containers and images only */
	json_decref(e);
}

/* The replay's skip reads a stored line's time from its end, unparsed;
 * what does not end as events_emit writes is left to the parser. */
static void test_line_time(void **state)
{
	json_t *e = ev("container", "start", "abc", "name=x,timeNano=5", 1234567890123456789LL);
	char *text = json_dumps(e, JSON_COMPACT);
	static const char *const untimed[] = {
		"", "}", "{\"timeNano\":}", "{\"timeNano\":12", "{\"timeNano\": 12}",
		"{\"timeNano\":\"12\"}", "{\"timeNano\":-12}", "\"timeNano\":12}",
		"{\"timeNano\":12345678901234567890}", "{\"time\":12}",
	};
	int64_t t = 0;

	(void)state;
	assert_true(events_line_time(text, strlen(text), &t));
	assert_int_equal(t, 1234567890123456789LL);
	assert_true(events_line_time("{\"timeNano\":0}", 14, &t));
	assert_int_equal(t, 0);
	for (size_t i = 0; i < sizeof(untimed) / sizeof(*untimed); i++)
		if (events_line_time(untimed[i], strlen(untimed[i]), &t))
			fail_msg("read a time from '%s'", untimed[i]);
	free(text);
	json_decref(e);
}

static int join_line(void *arg, const char *line, size_t len)
{
	char *out = arg;

	strncat(out, line, len);
	strcat(out, "|");
	return 0;
}

/* Lines across reads, a partial last one kept, one too long dropped. */
static void test_lines(void **state)
{
	const char *in = "ab\ncd\n0123456789abcdef-too-long\nef\ng";
	char buf[8], out[128] = "";
	struct events_lines l = { .buf = buf, .cap = sizeof(buf) };
	size_t off = 0, len = strlen(in);

	(void)state;
	while (off < len) {
		size_t room, n;
		char *at = events_lines_room(&l, &room);
		n = room < 3 ? room : 3;
		n = n < len - off ? n : len - off;
		memcpy(at, in + off, n);
		off += n;
		assert_int_equal(events_lines_feed(&l, n, join_line, out), 0);
	}
	assert_string_equal(out, "ab|cd|ef|");
	assert_int_equal(l.len, 1); /* "g", waiting for its end */
}

struct seen {
	int n;
	char last[64];
};

static int collect(void *arg, json_t *e)
{
	struct seen *s = arg;

	if (!e)
		return 0;
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s",
		 json_string_value(json_object_get(json_object_get(e, "Actor"), "ID")));
	return 0;
}

static int read_all(const struct brig_ctx *c, const char *filter, struct seen *s)
{
	struct events_filter f = { .has_since = true };
	struct brig_err e;
	int r;

	memset(s, 0, sizeof(*s));
	if (filter)
		assert_int_equal(events_filter_add(&f, filter, &e), 0);
	r = events_read(c, &f, false, collect, s, &e);
	events_filter_free(&f);
	return r;
}

static void test_file(void **state)
{
	struct tmp_root *tr = *state;
	char path[PATH_MAX + 32];
	struct seen s;
	struct stat st;
	FILE *f;
	int n = 0;

	events_volume(&tr->c, "create", "a");
	events_network(&tr->c, "connect", "lab", "abc");
	assert_int_equal(read_all(&tr->c, NULL, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(read_all(&tr->c, "type=volume", &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.last, "a");
	/* corrupt lines are skipped */
	snprintf(path, sizeof(path), "%s/events/events.jsonl", tr->runroot);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"torn\":\ngarbage\n", f);
	/* fill past the bound: the next event rotates the file */
	while (ftell(f) <= EVENTS_MAX_BYTES) {
		fprintf(f, "{\"Type\":\"volume\",\"Action\":\"create\",\"Actor\":{\"ID\":\"f%d\","
			   "\"Attributes\":{}},\"timeNano\":%d}\n", n, n + 1);
		n++;
	}
	fclose(f);
	events_volume(&tr->c, "create", "b");
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 4096);
	assert_int_equal(read_all(&tr->c, "type=volume", &s), 0);
	assert_int_equal(s.n, n + 2);
	assert_string_equal(s.last, "b");
}

static int setup(void **state)
{
	return tmp_root_setup(state, "events");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_add),
		cmocka_unit_test(test_filter_json),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_times),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_make_and_parse_line),
		cmocka_unit_test(test_line_time),
		cmocka_unit_test(test_lines),
		cmocka_unit_test_setup_teardown(test_file, setup, tmp_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
