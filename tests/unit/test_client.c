/* test_client.c - the pure parts of brig's client of brig serve: -H values,
 * stdcopy frames, HTTP answer heads, escapes, which commands are served
 * (src/cli/client_proto.c, client.c), the ps/network rows as JSON
 * (src/engine/summary_json.c) and a `brig run` spec across the wire. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "client_proto.h"
#include "run_opts.h"
#include "spec_parse.h"
#include "summary_json.h"

static void host(void **state)
{
	char path[CLIENT_PATH_MAX];
	char long_url[300];
	struct brig_err e;

	(void)state;
	assert_int_equal(client_parse_host("unix:///run/brig/brig.sock", path, &e), 0);
	assert_string_equal(path, "/run/brig/brig.sock");
	assert_true(client_parse_host("tcp://1.2.3.4:2375", path, &e) < 0);
	assert_int_equal(e.code, EINVAL);
	assert_non_null(strstr(e.msg, "tcp://1.2.3.4:2375"));
	assert_true(client_parse_host("unix://relative.sock", path, &e) < 0);
	assert_true(client_parse_host("/run/brig/brig.sock", path, &e) < 0);
	assert_true(client_parse_host("unix://", path, &e) < 0);
	snprintf(long_url, sizeof(long_url), "unix:///%0200d", 0);
	assert_true(client_parse_host(long_url, path, &e) < 0);
}

struct got {
	char out[256], err[256];
	size_t n_out, n_err;
	int refuse_after; /* refuse the call after this many (0: never) */
	int calls;
};

static int collect(void *arg, int stream, const char *buf, size_t len)
{
	struct got *g = arg;

	if (g->refuse_after && ++g->calls > g->refuse_after)
		return -1;
	if (stream == 2) {
		memcpy(g->err + g->n_err, buf, len);
		g->n_err += len;
	} else {
		memcpy(g->out + g->n_out, buf, len);
		g->n_out += len;
	}
	return 0;
}

/* Two frames, "hi\n" on stdout and "oops" on stderr, and an empty one. */
static const unsigned char frames[] = {
	1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n', 2, 0, 0, 0, 0, 0, 0, 4,
	'o', 'o', 'p', 's', 1, 0, 0, 0, 0, 0, 0, 0,
};

static void stdcopy_slices(void **state)
{
	(void)state;
	/* every split of the stream into two slices reads the same */
	for (size_t cut = 0; cut <= sizeof(frames); cut++) {
		struct stdcopy_reader r = { 0 };
		struct got g = { 0 };
		assert_int_equal(stdcopy_feed(&r, (const char *)frames, cut, collect, &g), 0);
		assert_int_equal(stdcopy_feed(&r, (const char *)frames + cut, sizeof(frames) - cut,
					      collect, &g),
				 0);
		assert_int_equal(g.n_out, 3);
		assert_memory_equal(g.out, "hi\n", 3);
		assert_int_equal(g.n_err, 4);
		assert_memory_equal(g.err, "oops", 4);
		assert_true(stdcopy_at_boundary(&r));
	}
}

static void stdcopy_byte_by_byte(void **state)
{
	struct stdcopy_reader r = { 0 };
	struct got g = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(frames); i++) {
		assert_int_equal(stdcopy_feed(&r, (const char *)frames + i, 1, collect, &g), 0);
		assert_true(stdcopy_at_boundary(&r) == (i == 10 || i == 22 || i == sizeof(frames) - 1));
	}
	assert_int_equal(g.n_out, 3);
	assert_int_equal(g.n_err, 4);
}

static void stdcopy_refusals(void **state)
{
	static const unsigned char bad_stream[] = { 3, 0, 0, 0, 0, 0, 0, 1, 'x' };
	static const unsigned char bad_pad[] = { 1, 0, 1, 0, 0, 0, 0, 1, 'x' };
	struct stdcopy_reader r = { 0 };
	struct got g = { 0 };

	(void)state;
	errno = 0;
	assert_int_equal(stdcopy_feed(&r, (const char *)bad_stream, sizeof(bad_stream), collect, &g),
			 -1);
	assert_int_equal(errno, EPROTO);
	memset(&r, 0, sizeof(r));
	assert_int_equal(stdcopy_feed(&r, (const char *)bad_pad, sizeof(bad_pad), collect, &g), -1);
	/* the sink's refusal stops the reader */
	memset(&r, 0, sizeof(r));
	g.refuse_after = 1;
	assert_int_equal(stdcopy_feed(&r, (const char *)frames, sizeof(frames), collect, &g), -1);
	assert_int_equal(g.n_out, 3);
	assert_int_equal(g.n_err, 0);
	/* a cut frame is not at a boundary: the stream was broken */
	memset(&r, 0, sizeof(r));
	assert_int_equal(stdcopy_feed(&r, (const char *)frames, 9, collect, &(struct got){ 0 }), 0);
	assert_false(stdcopy_at_boundary(&r));
}

static void answers(void **state)
{
	static const char up[] = "HTTP/1.1 101 UPGRADED\r\nContent-Type: "
				 "application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\n"
				 "Upgrade: tcp\r\n\r\nhello";
	static const char err[] = "HTTP/1.1 404 Not Found\r\ncontent-length: 27\r\n"
				  "Content-Type: application/json\r\n\r\n{\"message\":\"no such thing\"}";
	struct http_answer a;

	(void)state;
	assert_int_equal(http_answer_parse(up, strlen(up), &a), strlen(up) - 5);
	assert_int_equal(a.status, 101);
	assert_true(a.upgraded);
	assert_string_equal(a.ctype, "application/vnd.docker.raw-stream");
	assert_int_equal(a.length, -1);
	assert_int_equal(http_answer_parse(err, strlen(err), &a), strlen(err) - 27);
	assert_int_equal(a.status, 404);
	assert_int_equal(a.length, 27);
	assert_false(a.upgraded);
	/* incomplete heads want more, at every cut */
	for (size_t cut = 0; cut < strlen(up) - 5; cut++)
		assert_int_equal(http_answer_parse(up, cut, &a), 0);
	assert_int_equal(http_answer_parse("SSH-2.0-x\r\n\r\n", 13, &a), -1);
	assert_int_equal(http_answer_parse("HTTP/1.1 2x0 OK\r\n\r\n", 19, &a), -1);
	assert_int_equal(http_answer_parse("HTTP/1.1 200\r\n\r\n", 16, &a), 16);
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				      "Content-Length: -5\r\n\r\n";
	assert_int_equal(http_answer_parse(chunked, strlen(chunked), &a), strlen(chunked));
	assert_true(a.chunked);
	assert_int_equal(a.length, -1);
}

static void answer_too_long(void **state)
{
	char *big = malloc(HTTP_HEAD_MAX + 10);

	(void)state;
	assert_non_null(big);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', HTTP_HEAD_MAX - 10);
	memcpy(big + HTTP_HEAD_MAX + 10 - 4, "\r\n\r\n", 4);
	struct http_answer a;
	assert_int_equal(http_answer_parse(big, HTTP_HEAD_MAX + 10, &a), -1);
	free(big);
}

static void escapes(void **state)
{
	char out[64];

	(void)state;
	client_escape("web-1_a.b~", out, sizeof(out));
	assert_string_equal(out, "web-1_a.b~");
	client_escape("a/b?c=d&e f%", out, sizeof(out));
	assert_string_equal(out, "a%2Fb%3Fc%3Dd%26e%20f%25");
	client_escape("abc/def", out, 6); /* cut at a whole escape */
	assert_string_equal(out, "abc");
}

static void served(void **state)
{
	(void)state;
	assert_true(client_serves("", "run"));
	assert_true(client_serves("", "ps"));
	assert_true(client_serves("", "image")); /* a group with served commands */
	assert_true(client_serves("image", "ls"));
	assert_true(client_serves("network", "create"));
	assert_false(client_serves("image", "rm"));
	assert_false(client_serves("network", "connect"));
	assert_false(client_serves("", "system"));
	assert_false(client_serves("", "ima"));
	assert_false(client_serves("", "start"));
}

static void container_rows(void **state)
{
	struct container_summary s = {
		.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.name = "web", .image = "busybox", .command = "httpd -f", .created = 1700000000,
		.status = CONTAINER_EXITED, .has_exit = true, .exit_code = 137, .oom_killed = true,
		.started = 1700000001, .finished = 1700000002, .n_addresses = 2,
		.addresses = { "10.88.0.2", "" }, .ports = "0.0.0.0:8080->80/tcp",
	};
	struct container_summary *v;
	struct brig_err e;
	json_t *a = json_array();
	size_t n;

	(void)state;
	json_array_append_new(a, container_summary_to_json(&s));
	s.status = CONTAINER_RUNNING;
	s.has_exit = false;
	s.exit_code = 0;
	json_array_append_new(a, container_summary_to_json(&s));
	assert_int_equal(container_summaries_from_json(a, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(&v[1], &s, sizeof(s));
	s.status = CONTAINER_EXITED;
	s.has_exit = true;
	s.exit_code = 137;
	assert_memory_equal(&v[0], &s, sizeof(s));
	free(v);
	json_array_append_new(a, json_string("no row"));
	assert_true(container_summaries_from_json(a, &v, &n, &e) < 0);
	assert_null(v);
	json_decref(a);
	assert_true(container_summaries_from_json(json_object(), &v, &n, &e) < 0);
}

static void network_rows(void **state)
{
	struct network_summary s = { .name = "lab", .bridge = "br-lab", .subnet = "10.9.0.0/24",
				     .gateway = "10.9.0.1", .mtu = 1400, .internal = true };
	struct network_summary *v;
	struct brig_err e;
	json_t *a = json_array();
	size_t n;

	(void)state;
	json_array_append_new(a, network_summary_to_json(&s));
	assert_int_equal(network_summaries_from_json(a, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(&v[0], &s, sizeof(s));
	free(v);
	json_decref(a);
}

/* What `brig run` parsed crosses to the daemon as config.json's JSON and
 * reads back the same. */
static void run_spec_wire(void **state)
{
	static const char *const words[] = {
		"run", "-d", "--rm", "-i", "-t", "--name", "w", "--hostname", "h", "-e", "A=1", "-w",
		"/tmp", "-u", "1:2", "--entrypoint", "/bin/sh", "--dns", "1.1.1.1", "--add-host",
		"x:1.2.3.4", "--sysctl", "net.ipv4.ip_forward=1", "-v", "/srv:/srv:ro", "--tmpfs",
		"/run", "--read-only", "-m", "64m", "--pids-limit", "50", "--cap-add", "NET_ADMIN",
		"--label", "a=b", "-p", "8080:80", "--security-opt", "no-new-privileges", "busybox",
		"-c", "echo hi",
	};
	char *argv[sizeof(words) / sizeof(words[0]) + 1];
	struct container_spec o = { 0 }, back;
	struct brig_err e;
	json_t *j1, *j2;
	char *s1, *s2;

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		argv[i] = strdup(words[i]);
	argv[sizeof(words) / sizeof(words[0])] = NULL;
	assert_int_equal(run_parse((int)(sizeof(words) / sizeof(words[0])), argv, &o, &e), 1);
	j1 = spec_to_json(&o);
	assert_non_null(j1);
	assert_int_equal(spec_from_json(j1, &back, &e), 0);
	j2 = spec_to_json(&back);
	s1 = json_dumps(j1, JSON_SORT_KEYS);
	s2 = json_dumps(j2, JSON_SORT_KEYS);
	assert_string_equal(s1, s2);
	assert_true(back.detach && back.rm && back.interactive && back.tty);
	assert_string_equal(back.entrypoint, "/bin/sh");
	free(s1);
	free(s2);
	json_decref(j1);
	json_decref(j2);
	spec_free(&back);
	spec_lists_free(&o);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		free(argv[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host),           cmocka_unit_test(stdcopy_slices),
		cmocka_unit_test(stdcopy_byte_by_byte), cmocka_unit_test(stdcopy_refusals),
		cmocka_unit_test(answers),        cmocka_unit_test(answer_too_long),
		cmocka_unit_test(escapes),        cmocka_unit_test(served),
		cmocka_unit_test(container_rows), cmocka_unit_test(network_rows),
		cmocka_unit_test(run_spec_wire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
