/* test_stream.c - stdcopy frames (stream.c), the relay, the log's index
 * records and writer (logidx.c), the log reader on fds (logread.c), and
 * --since/--until times (parse_time_arg, util.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "logidx.h"
#include "logread.h"
#include "stream.h"
#include "util.h"

#define NS INT64_C(1000000000)

static void test_frame_header(void **state)
{
	unsigned char h[STREAM_FRAME_HDR];
	uint32_t len;
	int stream;

	(void)state;
	stream_frame_header(h, 2, 0x01020304);
	assert_memory_equal(h, ((unsigned char[]){ 2, 0, 0, 0, 1, 2, 3, 4 }), 8);
	assert_int_equal(stream_frame_parse(h, &stream, &len), 0);
	assert_int_equal(stream, 2);
	assert_int_equal(len, 0x01020304);
	h[0] = 3;
	assert_int_equal(stream_frame_parse(h, &stream, &len), -1);
	h[0] = 1;
	h[2] = 1;
	assert_int_equal(stream_frame_parse(h, &stream, &len), -1);
}

/* Everything readable on fd until EOF, NUL-terminated, into buf. */
static size_t slurp(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return got;
}

static void test_frame_write_demux(void **state)
{
	int sp[2], out[2], err[2];
	char buf[64];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	assert_int_equal(stream_frame_write(sp[0], 1, "hello\n", 6), 0);
	assert_int_equal(stream_frame_write(sp[0], 2, "oops\n", 5), 0);
	assert_int_equal(stream_frame_write(sp[0], 1, "bye\n", 4), 0);
	close(sp[0]);
	assert_int_equal(stream_demux(sp[1], out[1], err[1]), 0);
	close(out[1]);
	close(err[1]);
	slurp(out[0], buf, sizeof(buf));
	assert_string_equal(buf, "hello\nbye\n");
	slurp(err[0], buf, sizeof(buf));
	assert_string_equal(buf, "oops\n");
	close(sp[1]);
	close(out[0]);
	close(err[0]);
}

/* The relay: the client's input to in (closed at its end: stdin once),
 * out and err to the client framed, return at their EOF. */
static void test_relay(void **state)
{
	int sp[2], in[2], out[2], err[2];
	char buf[256];
	size_t n;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	assert_int_equal(write(sp[0], "typed", 5), 5);
	shutdown(sp[0], SHUT_WR);
	assert_int_equal(write(out[1], "o1", 2), 2);
	assert_int_equal(write(err[1], "e1", 2), 2);
	close(out[1]);
	close(err[1]);
	assert_int_equal(stream_relay(sp[1], in[1], out[0], err[0], true, true), 0);
	slurp(in[0], buf, sizeof(buf)); /* EOF: the relay closed in[1] */
	assert_string_equal(buf, "typed");
	close(sp[1]);
	n = slurp(sp[0], buf, sizeof(buf));
	assert_int_equal(n, 20);
	assert_memory_equal(buf, "\1\0\0\0\0\0\0\2o1", 10);
	assert_memory_equal(buf + 10, "\2\0\0\0\0\0\0\2e1", 10);
	close(sp[0]);
	close(in[0]);
	close(out[0]);
	close(err[0]);
}

static void test_logidx_codec(void **state)
{
	struct logidx_rec r = { .time_ns = INT64_C(1714564800123456789), .len = 0x10203, .stream = 2 };
	struct logidx_rec back;
	unsigned char rec[LOGIDX_REC];

	(void)state;
	logidx_encode(rec, &r);
	assert_int_equal(rec[0], 0x15); /* little-endian */
	assert_int_equal(rec[8], 0x03);
	assert_int_equal(rec[10], 0x01);
	assert_int_equal(rec[12], 2);
	assert_int_equal(logidx_decode(rec, &back), 0);
	assert_true(back.time_ns == r.time_ns);
	assert_int_equal(back.len, r.len);
	assert_int_equal(back.stream, 2);
	rec[12] = 3;
	assert_int_equal(logidx_decode(rec, &back), -1);
	rec[12] = 1;
	rec[15] = 1;
	assert_int_equal(logidx_decode(rec, &back), -1);
}

/* What a reader hands its sink, as "S@T:bytes|" pieces. */
struct seen {
	char text[1024];
};

static int collect(void *arg, int stream, int64_t t, const char *buf, size_t len)
{
	struct seen *s = arg;
	size_t at = strlen(s->text);

	snprintf(s->text + at, sizeof(s->text) - at, "%d@%lld:%.*s|", stream, (long long)(t / NS),
		 (int)len, buf);
	return 0;
}

static int open_at(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDONLY);
}

static struct seen read_log(const char *dir, const struct logs_opts *o)
{
	struct seen s = { "" };
	int idx = open_at(dir, "container.log.idx");

	assert_int_equal(logs_read_fds(open_at(dir, "container.log"), idx, o, collect, &s), 0);
	return s;
}

/* A log of an older brig (no index) is covered by a catch-up record at
 * time 0; then chunks keep their stream and time; lines and a tail. */
static void test_log_writer_reader(void **state)
{
	char dir[] = "/tmp/brig-test-logXXXXXX", path[PATH_MAX];
	struct log_writer w = { .fd = -1, .idx = -1 };
	struct logs_opts all = { .tail = -1 };
	struct logs_opts lines = { .tail = -1, .timestamps = true };
	struct logs_opts tail = { .tail = 2 };
	struct logs_opts since = { .tail = -1, .since = 15 * NS, .no_stderr = true };
	struct brig_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/container.log", dir);
	assert_int_equal(write_atomic(path, "old\n", 4, &e), 0);
	assert_int_equal(log_writer_open(&w, path), 0);
	log_writer_append(&w, 1, 10 * NS, "a1\na", 4);
	log_writer_append(&w, 2, 20 * NS, "e1\n", 3);
	log_writer_append(&w, 1, 30 * NS, "2\nb3\n", 5);
	log_writer_close(&w);
	assert_string_equal(read_log(dir, &all).text, "1@0:old\n|1@10:a1\na|2@20:e1\n|1@30:2\nb3\n|");
	assert_string_equal(read_log(dir, &lines).text,
			    "1@0:old\n|1@10:a1\n|2@20:e1\n|1@10:a2\n|1@30:b3\n|");
	assert_string_equal(read_log(dir, &tail).text, "1@10:a2\n|1@30:b3\n|");
	assert_string_equal(read_log(dir, &since).text, "1@30:2\nb3\n|");
	/* reopened: the index already covers the log, nothing is added */
	assert_int_equal(log_writer_open(&w, path), 0);
	assert_int_equal(w.idx_size, 4 * LOGIDX_REC);
	log_writer_close(&w);
	assert_int_equal(remove_tree(dir, &e), 0);
}

static void test_time_arg(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} good[] = {
		{ "10m", 1000 * NS - 600 * NS },
		{ "1h30m", 1000 * NS - 5400 * NS },
		{ "1.5s", 1000 * NS - 1500000000 },
		{ "-5s", 1005 * NS },
		{ "300ms", 1000 * NS - 300000000 },
		{ "2000-01-02T03:04:05Z", 946782245 * NS },
		{ "2000-01-02T03:04:05.25Z", 946782245 * NS + 250000000 },
		{ "2000-01-02T04:04:05+01:00", 946782245 * NS },
		{ "2000-01-02T03:04Z", 946782240 * NS },
		{ "946782245", 946782245 * NS },
		{ "946782245.000000001", 946782245 * NS + 1 },
		{ "0", 0 },
	};
	static const char *bad[] = { "", "yesterday", "10x", "2000-13-01", "2000-01-02T25:00Z",
				     "2000-01-02T03:04:05+1", "1.", "-", "9999999999999999999",
				     "99999999999h", "2000-01-02 03:04" };
	struct brig_err e;
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_time_arg(good[i].in, 1000 * NS, &t, &e), 0);
		if (t != good[i].want)
			fail_msg("%s: %lld, want %lld", good[i].in, (long long)t, (long long)good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_time_arg(bad[i], 1000 * NS, &t, &e) == 0)
			fail_msg("%s: accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_header),
		cmocka_unit_test(test_frame_write_demux),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_logidx_codec),
		cmocka_unit_test(test_log_writer_reader),
		cmocka_unit_test(test_time_arg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
