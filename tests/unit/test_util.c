/* test_util.c - parse_size, valid_name, gen_id, safe_join, atomic files,
 * remove_tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "proc.h"
#include "util.h"


static void test_parse_size_good(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ "512", 512 },
		{ "1", 1 },
		{ "10b", 10 },
		{ "10B", 10 },
		{ "64k", 64 << 10 },
		{ "64K", 64 << 10 },
		{ "64kb", 64 << 10 },
		{ "64KB", 64 << 10 },
		{ "32m", INT64_C(32) << 20 },
		{ "32Mb", INT64_C(32) << 20 },
		{ "1g", INT64_C(1) << 30 },
		{ "1GB", INT64_C(1) << 30 },
		{ "1.5g", INT64_C(3) << 29 },
		{ "0.5k", 512 },
		{ "2.25m", (INT64_C(9) << 20) / 4 },
		{ "4294967296g", INT64_C(1) << 62 },
		{ "4611686018427387904", INT64_C(1) << 62 },
	};
	struct brig_err e;
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = -1;
		if (parse_size(cases[i].in, &v, &e) != 0)
			fail_msg("parse_size(%s) failed: %s", cases[i].in, e.msg);
		if (v != cases[i].want)
			fail_msg("parse_size(%s) = %lld, want %lld", cases[i].in, (long long)v,
				 (long long)cases[i].want);
	}
}

static void test_parse_size_bad(void **state)
{
	static const char *const bad[] = {
		"", "0", "0k", "0.0g", "-1", "-5m", "12x", "abc", "k", "1.", ".5", "1..5k",
		"1kk", "1 k", " 1", "1k ", "4294967297g", "4611686018427387905",
		"99999999999999999999999", "1t", "0.1b", "1e3", "0x10", "+1",
	};
	struct brig_err e;
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (parse_size(bad[i], &v, &e) >= 0)
			fail_msg("parse_size(\"%s\") accepted as %lld", bad[i], (long long)v);
		assert_true(e.code != 0);
		assert_non_null(strstr(e.msg, "invalid size '"));
	}
	assert_true(parse_size("12x", &v, &e) < 0);
	assert_non_null(strstr(e.msg, "invalid size '12x': "));
}

static void test_parse_uint(void **state)
{
	struct brig_err e;
	uint64_t v;

	(void)state;
	assert_int_equal(parse_uint("0", 10, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("10", 10, &v, &e), 0);
	assert_int_equal(v, 10);
	assert_true(parse_uint("11", 10, &v, &e) < 0);
	assert_true(parse_uint("", 10, &v, &e) < 0);
	assert_true(parse_uint("-1", 10, &v, &e) < 0);
	assert_true(parse_uint("1a", 10, &v, &e) < 0);
	assert_true(parse_uint("99999999999999999999999", UINT64_MAX, &v, &e) < 0);
}

static void test_valid_name(void **state)
{
	char long63[64], long64[65];

	(void)state;
	memset(long63, 'a', 63);
	long63[63] = '\0';
	memset(long64, 'a', 64);
	long64[64] = '\0';
	assert_true(valid_name("busybox"));
	assert_true(valid_name("a"));
	assert_true(valid_name("web-1.test_x"));
	assert_true(valid_name("9lives"));
	assert_true(valid_name(long63));
	assert_false(valid_name(long64));
	assert_false(valid_name(""));
	assert_false(valid_name(NULL));
	assert_false(valid_name("-x"));
	assert_false(valid_name(".x"));
	assert_false(valid_name("_x"));
	assert_false(valid_name("a/b"));
	assert_false(valid_name(".."));
	assert_false(valid_name("a b"));
	assert_false(valid_name("a:b"));
	assert_false(valid_name("é"));
}

static void test_gen_id(void **state)
{
	char a[BRIG_ID_LEN + 1], b[BRIG_ID_LEN + 1];
	struct brig_err e;

	(void)state;
	assert_int_equal(gen_id(a, &e), 0);
	assert_int_equal(gen_id(b, &e), 0);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
}

static void test_safe_join(void **state)
{
	static const struct {
		const char *root, *name, *want; /* want NULL: must be refused */
	} cases[] = {
		{ "/r", "a/b", "/r/a/b" },
		{ "/r", "a/./b", "/r/a/b" },
		{ "/r/", "./a//b/", "/r/a/b" },
		{ "/r", "/abs", "/r/abs" },
		{ "/r", "/etc/passwd", "/r/etc/passwd" },
		{ "/r", "a/../b", "/r/b" },
		{ "/r", ".", "/r" },
		{ "/r", "", "/r" },
		{ "/r", "a/..", "/r" },
		{ "/", "x", "/x" },
		{ "/r", "..", NULL },
		{ "/r", "../escape", NULL },
		{ "/r", "a/../../x", NULL },
		{ "/r", "/../x", NULL },
		{ "/r", "a/b/../../../x", NULL },
	};
	char out[PATH_MAX];
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = safe_join(cases[i].root, cases[i].name, out, sizeof(out), &e);
		if (!cases[i].want) {
			if (r >= 0)
				fail_msg("safe_join(%s, %s) accepted: %s", cases[i].root,
					 cases[i].name, out);
			assert_int_equal(r, -EINVAL);
			continue;
		}
		if (r < 0)
			fail_msg("safe_join(%s, %s): %s", cases[i].root, cases[i].name, e.msg);
		assert_string_equal(out, cases[i].want);
	}
	/* Too small a buffer is an error, not a truncated path. */
	assert_true(safe_join("/root", "abcdef", out, 8, &e) < 0);
}

static char *mkdtemp_or_fail(void)
{
	char tmpl[] = "/tmp/brig-test-util-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static void test_write_read(void **state)
{
	char *dir = mkdtemp_or_fail(), path[PATH_MAX];
	struct brig_err e;
	char *text = NULL;
	size_t len = 0;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/f.json", dir);
	assert_int_equal(write_atomic(path, "hello", 5, &e), 0);
	assert_int_equal(read_file(path, &text, &len, &e), 0);
	assert_int_equal(len, 5);
	assert_string_equal(text, "hello");
	free(text);
	assert_int_equal(write_atomic(path, "bye", 3, &e), 0);
	assert_int_equal(read_file(path, &text, &len, &e), 0);
	assert_string_equal(text, "bye");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* Empty content round-trips too. */
	assert_int_equal(write_atomic(path, "", 0, &e), 0);
	assert_int_equal(read_file(path, &text, &len, &e), 0);
	assert_int_equal(len, 0);
	free(text);
	/* Missing dir and missing file fail with an errno. */
	snprintf(path, sizeof(path), "%s/nope/f", dir);
	assert_true(write_atomic(path, "x", 1, &e) < 0);
	assert_int_equal(e.code, ENOENT);
	assert_true(read_file(path, &text, &len, &e) < 0);
	assert_int_equal(remove_tree(dir, &e), 0);
	free(dir);
}

static void touch(const char *dir, const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "12345", 5), 5);
	close(fd);
}

static void test_remove_tree(void **state)
{
	char *dir = mkdtemp_or_fail(), *outside = mkdtemp_or_fail();
	char p[PATH_MAX], q[PATH_MAX];
	struct brig_err e;
	struct stat st;

	(void)state;
	touch(outside, "keep");
	snprintf(p, sizeof(p), "%s/a/b/c", dir);
	assert_int_equal(mkdir_p(p, 0755, &e), 0);
	touch(p, "f");
	snprintf(p, sizeof(p), "%s/a/b", dir);
	touch(p, "g");
	assert_int_equal(tree_size(dir), 10);
	/* A symlink to a directory outside: removed, never followed. */
	snprintf(p, sizeof(p), "%s/a/link", dir);
	assert_int_equal(symlink(outside, p), 0);
	/* A read-only directory is still removed (root or owner). */
	snprintf(p, sizeof(p), "%s/a/b/c", dir);
	chmod(p, 0500);
	assert_int_equal(remove_tree(dir, &e), 0);
	assert_true(lstat(dir, &st) < 0 && errno == ENOENT);
	snprintf(q, sizeof(q), "%s/keep", outside);
	assert_int_equal(stat(q, &st), 0);
	/* Absent is success; a plain file is removed. */
	assert_int_equal(remove_tree(dir, &e), 0);
	assert_int_equal(remove_tree(q, &e), 0);
	assert_true(stat(q, &st) < 0);
	assert_int_equal(remove_tree(outside, &e), 0);
	free(dir);
	free(outside);
}

static void test_human(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(human_size(0, buf, sizeof(buf)), "0B");
	assert_string_equal(human_size(999, buf, sizeof(buf)), "999B");
	assert_string_equal(human_size(1234567, buf, sizeof(buf)), "1.23MB");
	assert_string_equal(human_ago(now_ns() / 1000000000 - 300, buf, sizeof(buf)),
			    "5 minutes ago");
	assert_string_equal(human_ago(now_ns() / 1000000000 - 3 * 86400, buf, sizeof(buf)),
			    "3 days ago");
	rfc3339(INT64_C(1700000000123456789), buf, sizeof(buf));
	assert_string_equal(buf, "2023-11-14T22:13:20.123456789Z");
	assert_int_equal(parse_rfc3339(buf), 1700000000);
	assert_int_equal(parse_rfc3339("garbage"), -1);
}

/* The one wait-status mapping: exit code, 128+signal, 125 when it never ran. */
static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(proc_exit_status(W_EXITCODE(0, 0)), 0);
	assert_int_equal(proc_exit_status(W_EXITCODE(42, 0)), 42);
	assert_int_equal(proc_exit_status(W_EXITCODE(0, SIGKILL)), 137);
	assert_int_equal(proc_exit_status(W_EXITCODE(0, SIGTERM)), 143);
	assert_int_equal(proc_exit_status(-1), EXIT_BRIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_good), cmocka_unit_test(test_parse_size_bad),
		cmocka_unit_test(test_parse_uint),      cmocka_unit_test(test_valid_name),
		cmocka_unit_test(test_gen_id),          cmocka_unit_test(test_safe_join),
		cmocka_unit_test(test_write_read),      cmocka_unit_test(test_remove_tree),
		cmocka_unit_test(test_human),           cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
