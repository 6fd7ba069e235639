/* test_api_http.c - brig serve's router (patterns, {x} and {x*}, the
 * /vN.NN prefix) and its request reader: queries decoded once, headers,
 * bodies, malformed input answered, pipelined requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "conn.h"

static void free_params(char *p[API_MAX_PARAMS])
{
	for (size_t i = 0; i < API_MAX_PARAMS; i++)
		free(p[i]);
}

static void test_routes(void **state)
{
	char *p[API_MAX_PARAMS] = { 0 };
	const struct api_route *r;

	(void)state;
	r = api_route_find("POST", "/containers/abc/start", p);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/containers/{id}/start");
	assert_string_equal(p[0], "abc");
	free_params(p);
	memset(p, 0, sizeof(p));
	r = api_route_find("GET", "/images/localhost:5000/a/b:1/json", p);
	assert_non_null(r);
	assert_string_equal(p[0], "localhost:5000/a/b:1");
	free_params(p);
	memset(p, 0, sizeof(p));
	assert_null(api_route_find("GET", "/containers/abc/start", p)); /* wrong method */
	assert_null(api_route_find("GET", "/nothing/here", p));
}

/* A connection whose client sent in and hung up. */
static void serve_bytes(const char *in, struct api_conn **out_k, int *sv)
{
	static const struct brig_ctx c = { .root = "/tmp", .runroot = "/tmp" };
	struct api_conn *k = calloc(1, sizeof(*k));

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], in, strlen(in)), (ssize_t)strlen(in));
	shutdown(sv[0], SHUT_WR);
	k->fd = sv[1];
	k->c = &c;
	k->rq.body_fd = -1;
	*out_k = k;
}

static char *answers(int fd)
{
	static char buf[65536];
	ssize_t n, len = 0;

	while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	buf[len] = '\0';
	return buf;
}

static void test_query_and_pipeline(void **state)
{
	struct api_conn *k;
	int sv[2], n = 0;

	(void)state;
	serve_bytes("GET /v1.41/_ping?tail=all&follow=1&name=a%20b+c HTTP/1.1\r\nHost: x\r\n"
		    "X-Thing: yes\r\n\r\nGET /version HTTP/1.1\r\n\r\n",
		    &k, sv);
	while (conn_next_request(k) == 1) {
		struct api_req r = { .conn = k };
		if (n++ == 0) {
			assert_string_equal(k->rq.path, "/_ping");
			const char *tail = api_query(&r, "tail");
			assert_true(api_query_bool(&r, "follow"));
			assert_string_equal(api_query(&r, "name"), "a b c");
			assert_string_equal(tail, "all"); /* still valid after other lookups */
			assert_null(api_query(&r, "since"));
			assert_string_equal(api_header(&r, "x-thing"), "yes");
		} else {
			assert_string_equal(k->rq.path, "/version");
		}
		conn_dispatch(k);
		conn_request_done(k);
	}
	assert_int_equal(n, 2);
	close(sv[1]);
	assert_non_null(strstr(answers(sv[0]), "HTTP/1.1 200 OK"));
	close(sv[0]);
	conn_request_done(k);
	free(k);
}

static void test_malformed(void **state)
{
	struct api_conn *k;
	int sv[2];

	(void)state;
	serve_bytes("GARBAGE\r\n\r\n", &k, sv);
	assert_int_equal(conn_next_request(k), 0);
	close(sv[1]);
	assert_non_null(strstr(answers(sv[0]), "HTTP/1.1 400"));
	close(sv[0]);
	conn_request_done(k);
	free(k);
}

static void test_unknown_is_501(void **state)
{
	struct api_conn *k;
	int sv[2];
	char *a;

	(void)state;
	serve_bytes("DELETE /swarm/leave HTTP/1.1\r\n\r\n", &k, sv);
	assert_int_equal(conn_next_request(k), 1);
	conn_dispatch(k);
	conn_request_done(k);
	close(sv[1]);
	a = answers(sv[0]);
	assert_non_null(strstr(a, "HTTP/1.1 501"));
	assert_non_null(strstr(a, "brig does not implement DELETE /swarm/leave"));
	close(sv[0]);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_query_and_pipeline),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unknown_is_501),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
