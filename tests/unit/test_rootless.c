/* test_rootless.c - rootless brig's parsers: /proc/PID/uid_map text
 * (src/base/rootless.c), and slirp4netns's side (src/runtime/slirp.c):
 * rootless -p values, the add_hostfwd request, the API's replies. */
/* clang-format off: cmocka needs these before it */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <string.h>

#include "rootless.h"
#include "slirp.h"

static int parse(const char *text, struct rootless_range *r, size_t max)
{
	return rootless_map_parse(text, strlen(text), r, max);
}

static void test_map_parse(void **state)
{
	struct rootless_range r[4];

	(void)state;
	assert_int_equal(parse("         0          0 4294967295\n", r, 4), 1);
	assert_true(rootless_map_is_identity(r, 1));
	assert_int_equal(parse("0 1001 1\n1 100000 65536\n", r, 4), 2);
	assert_false(rootless_map_is_identity(r, 2));
	assert_int_equal(r[1].inside, 1);
	assert_int_equal(r[1].outside, 100000);
	assert_int_equal(r[1].count, 65536);
	assert_true(rootless_map_covers(r, 2, 0));
	assert_true(rootless_map_covers(r, 2, 65536));
	assert_false(rootless_map_covers(r, 2, 65537));
	/* blank lines and a missing final newline are fine */
	assert_int_equal(parse("\n0 0 1", r, 4), 1);
	assert_int_equal(parse("", r, 4), 0);
}

static void test_map_parse_bad(void **state)
{
	struct rootless_range r[2];
	static const char *const bad[] = {
	    "0 0\n",
	    "0 0 0\n",
	    "a 0 1\n",
	    "0 0 1 5\n",
	    "0 0 4294967296\n",
	    "0 0 99999999999\n",
	    "-1 0 1\n",
	    "0 0 1\n1 1 1\n2 2 1\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], r, 2), -1);
}

static void test_port_parse(void **state)
{
	struct slirp_port p;
	struct brig_err e;

	(void)state;
	assert_int_equal(slirp_port_parse("8082:80", &p, &e), 0);
	assert_int_equal(p.host_port, 8082);
	assert_int_equal(p.guest_port, 80);
	assert_false(p.udp);
	assert_string_equal(p.host_addr, "");
	assert_int_equal(slirp_port_parse("127.0.0.1:5353:53/udp", &p, &e), 0);
	assert_true(p.udp);
	assert_string_equal(p.host_addr, "127.0.0.1");
	assert_int_equal(p.host_port, 5353);
	assert_int_equal(slirp_port_parse("1:65535/tcp", &p, &e), 0);
}

static void test_port_parse_bad(void **state)
{
	static const char *const bad[] = {
	    "80",      "abc", "70000:80", "8085:0",	 "8085:80/bogus", "0:80",
	    "a.b:1:2", ":80", "8080:",	  "1.2.3.4::80", "8080:80/"};
	struct slirp_port p;
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(slirp_port_parse(bad[i], &p, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "invalid -p"));
	}
}

static void test_request(void **state)
{
	struct slirp_port p = {.udp = true, .host_port = 5353, .guest_port = 53};
	char buf[256], tiny[16];

	(void)state;
	assert_true(slirp_hostfwd_request(&p, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": "
				 "\"udp\", \"host_addr\": \"0.0.0.0\", \"host_port\": 5353, "
				 "\"guest_port\": 53}}");
	assert_int_equal(slirp_hostfwd_request(&p, tiny, sizeof(tiny)), -1);
}

static int reply(const char *text, struct brig_err *e)
{
	return slirp_reply_parse(text, strlen(text), e);
}

static void test_reply(void **state)
{
	struct brig_err e;

	(void)state;
	assert_int_equal(reply("{\"return\": {\"id\": 1}}", &e), 0);
	assert_int_equal(reply("{\"return\": {}}\n", &e), 0);
	assert_int_equal(reply("{\"error\": {\"desc\": \"bad request: add_hostfwd: "
			       "slirp_add_hostfwd failed\"}}",
			       &e),
			 -EADDRINUSE);
	assert_non_null(strstr(e.msg, "slirp_add_hostfwd failed"));
	assert_int_equal(reply("", &e), -EPROTO);
	assert_int_equal(reply("[]", &e), -EPROTO);
	assert_int_equal(reply("{}", &e), -EPROTO);
	assert_int_equal(reply("{\"error\": 5}", &e), -EPROTO);
	assert_int_equal(reply("{\"return\": 1", &e), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_map_parse),  cmocka_unit_test(test_map_parse_bad),
	    cmocka_unit_test(test_port_parse), cmocka_unit_test(test_port_parse_bad),
	    cmocka_unit_test(test_request),    cmocka_unit_test(test_reply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
