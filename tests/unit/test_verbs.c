/* test_verbs.c - the engine's verbs that need no root: signal names, kill
 * and wait of a stopped container, logs through a sink, a stats sample of
 * a stopped container and the host's memory from a meminfo file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "logs.h"
#include "spec.h"
#include "state.h"
#include "stats.h"
#include "tmp_root.h"

struct fixture {
	struct tmp_root t;
	char id[BRIG_ID_LEN + 1];
};

/* A record "web" that ran and exited with 42. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct container_spec cfg = { .name = "web" }, rec;
	struct container_state st = { .status = CONTAINER_EXITED, .has_exit = true, .exit_code = 42 };
	struct brig_err e;
	int lock;

	tmp_root_make(&f->t, "verbs");
	lock = state_lock(&f->t.c, &e);
	assert_true(lock >= 0);
	assert_int_equal(state_create(&f->t.c, &cfg, NULL, &rec, &e), 0);
	state_unlock(lock);
	snprintf(f->id, sizeof(f->id), "%s", rec.id);
	spec_free(&rec);
	assert_int_equal(state_save(&f->t.c, f->id, &st, &e), 0);
	*state = f;
	return 0;
}

static void put(const struct fixture *f, const char *file, const char *text)
{
	char path[PATH_MAX];
	struct brig_err e;

	assert_int_equal(state_path(&f->t.c, f->id, file, path, sizeof(path), &e), 0);
	assert_int_equal(write_atomic(path, text, strlen(text), &e), 0);
}

static void test_parse_signal(void **state)
{
	(void)state;
	assert_int_equal(container_parse_signal("TERM"), SIGTERM);
	assert_int_equal(container_parse_signal("sigkill"), SIGKILL);
	assert_int_equal(container_parse_signal("SIGWINCH"), SIGWINCH);
	assert_int_equal(container_parse_signal("9"), 9);
	assert_int_equal(container_parse_signal("64"), 64);
	assert_int_equal(container_parse_signal("0"), -1);
	assert_int_equal(container_parse_signal("65"), -1);
	assert_int_equal(container_parse_signal("NOSUCHSIG"), -1);
	assert_int_equal(container_parse_signal("SIG"), -1);
	assert_int_equal(container_parse_signal(""), -1);
}

static void test_kill_and_wait_stopped(void **state)
{
	struct fixture *f = *state;
	struct brig_err e;
	int code = -1;

	assert_int_equal(container_kill(&f->t.c, "web", SIGTERM, &e), -ESRCH);
	assert_string_equal(e.msg, "container web is not running");
	assert_int_equal(container_kill(&f->t.c, "nosuch", SIGTERM, &e), -ENOENT);
	assert_int_equal(container_wait_exit(&f->t.c, "web", &code, &e), 0);
	assert_int_equal(code, 42);
	assert_true(container_wait_exit(&f->t.c, "nosuch", &code, &e) < 0);
}

struct buf {
	char data[256];
	size_t len;
	int calls, refuse_after;
};

static int collect(void *arg, int stream, int64_t time_ns, const char *data, size_t len)
{
	struct buf *b = arg;

	(void)stream;
	(void)time_ns;

	if (b->refuse_after && b->calls == b->refuse_after)
		return -1;
	b->calls++;
	assert_true(b->len + len < sizeof(b->data));
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

static void test_logs(void **state)
{
	struct fixture *f = *state;
	struct logs_opts once = { .tail = -1 }, follow = { .follow = true, .tail = -1 };
	struct buf b = { 0 };
	struct brig_err e;

	/* nothing logged yet */
	assert_int_equal(container_logs(&f->t.c, "web", &once, collect, &b, &e), 0);
	assert_int_equal(b.len, 0);
	put(f, "container.log.1", "old\n");
	put(f, "container.log", "new\n");
	assert_int_equal(container_logs(&f->t.c, "web", &once, collect, &b, &e), 0);
	assert_string_equal(b.data, "old\nnew\n");
	/* follow ends once the container has exited and the log is drained */
	b = (struct buf){ 0 };
	assert_int_equal(container_logs(&f->t.c, "web", &follow, collect, &b, &e), 0);
	assert_string_equal(b.data, "old\nnew\n");
	/* a sink that refuses stops the reading */
	b = (struct buf){ .refuse_after = 1 };
	assert_int_equal(container_logs(&f->t.c, "web", &follow, collect, &b, &e), 0);
	assert_string_equal(b.data, "old\n");
	assert_int_equal(container_logs(&f->t.c, "nosuch", &once, collect, &b, &e), -ENOENT);
}

static void test_stats_stopped(void **state)
{
	struct fixture *f = *state;
	struct container_stats s;
	struct brig_err e;

	assert_int_equal(container_stats_sample(&f->t.c, f->id, &s, &e), 0);
	assert_string_equal(s.id, f->id);
	assert_string_equal(s.name, "web");
	assert_false(s.running);
	assert_int_equal(s.cpu_ns + s.mem + s.mem_limit + s.pids + s.net_rx + s.net_tx, 0);
	assert_true(s.at_ns > 0);
}

static void test_host_memory(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX];
	struct brig_err e;
	const char *meminfo = "MemFree:          123 kB\nMemTotal:        2048 kB\n";

	snprintf(path, sizeof(path), "%s/meminfo", f->t.dir);
	assert_int_equal(write_atomic(path, meminfo, strlen(meminfo), &e), 0);
	assert_int_equal(stats_host_memory(path), 2048 * 1024);
	snprintf(path, sizeof(path), "%s/absent", f->t.dir);
	assert_int_equal(stats_host_memory(path), 0);
	assert_true(stats_host_memory(NULL) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_signal),
		cmocka_unit_test_setup_teardown(test_kill_and_wait_stopped, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_logs, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_stats_stopped, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_host_memory, setup, tmp_root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
