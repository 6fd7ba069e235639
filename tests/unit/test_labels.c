/* test_labels.c - labels of containers and volumes: the check, the JSON
 * object both ways, lookup, and the merge with an image's labels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "spec_parse.h"
#include "util.h"

static void assert_json_is(json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, 0, NULL);

	assert_non_null(want);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS);
		print_error("got  %s\nwant %s\n", g, want_text);
		free(g);
		fail();
	}
	json_decref(want);
}

static void test_check(void **state)
{
	static const char *const good[] = { "a=b", "flag", "com.example.lab=ospf", "k=", "k==",
					    "k=line\nbreak", "ключ=значение" };
	static const char *const bad[] = { "", "=x", "a\nb=1", "tab\tkey", "del\x7f", "\xff=x" };
	char long_key[300];
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (labels_check(good[i], &e) < 0)
			fail_msg("%s: %s", good[i], e.msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(labels_check(bad[i], &e), -EINVAL);
		assert_null(strchr(e.msg, '\n')); /* one line */
	}
	memset(long_key, 'k', 255);
	long_key[255] = '\0';
	assert_int_equal(labels_check(long_key, &e), 0);
	memcpy(long_key + 255, "k=v", 4);
	assert_int_equal(labels_check(long_key, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "1..255"));
}

static void test_json_both_ways(void **state)
{
	char *in[] = { (char *)"a=1", (char *)"flag", (char *)"a=2=3" };
	json_t *o = labels_json(in, 3);
	char **out;
	size_t n;

	(void)state;
	/* a later KEY replaces an earlier one, as Docker's map */
	assert_json_is(o, "{\"a\": \"2=3\", \"flag\": \"\"}");
	assert_int_equal(labels_from_json(o, &out, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], "a=2=3");
	assert_string_equal(out[1], "flag=");
	assert_null(out[2]);
	strv_free(out);
	json_decref(o);
	/* none: no array at all */
	o = json_object();
	assert_int_equal(labels_from_json(o, &out, &n), 0);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(labels_from_json(NULL, &out, &n), 0);
	assert_null(out);
	json_decref(o);
}

static void test_get(void **state)
{
	char *in[] = { (char *)"lab=one", (char *)"flag", (char *)"labx=no", (char *)"lab=two" };

	(void)state;
	assert_string_equal(labels_get(in, 4, "lab"), "two"); /* the last given */
	assert_string_equal(labels_get(in, 4, "flag"), "");
	assert_null(labels_get(in, 4, "la"));
	assert_null(labels_get(in, 4, "missing"));
	assert_null(labels_get(NULL, 0, "lab"));
}

/* The image's labels under the container's, which win. */
static void test_merge(void **state)
{
	char *in[] = { (char *)"maintainer=me", (char *)"lab=ospf" };
	json_t *image = json_pack("{s:s,s:s,s:i}", "maintainer", "them", "version", "1.2", "bad", 3);
	char **out;
	size_t n;

	(void)state;
	assert_int_equal(labels_merge(image, in, 2, &out, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(labels_get(out, n, "maintainer"), "me");
	assert_string_equal(labels_get(out, n, "lab"), "ospf");
	assert_string_equal(labels_get(out, n, "version"), "1.2");
	assert_null(labels_get(out, n, "bad"));
	strv_free(out);
	json_decref(image);
	/* no image labels, no container labels: none */
	assert_int_equal(labels_merge(NULL, NULL, 0, &out, &n), 0);
	assert_null(out);
	assert_int_equal(n, 0);
}

/* --label's setter: checked, then kept (borrowed) in order. */
static void test_spec_add_label(void **state)
{
	struct container_spec s = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(spec_add_label(&s, "a=b", &e), 0);
	assert_int_equal(spec_add_label(&s, "c", &e), 0);
	assert_int_equal(spec_add_label(&s, "=x", &e), -EINVAL);
	assert_string_equal(e.msg, "invalid label '=x': KEY=VALUE with a key of 1..255 characters");
	assert_int_equal(s.n_labels, 2);
	assert_string_equal(s.labels[0], "a=b");
	assert_string_equal(s.labels[1], "c");
	assert_null(s.labels[2]);
	spec_lists_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_json_both_ways),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_spec_add_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
