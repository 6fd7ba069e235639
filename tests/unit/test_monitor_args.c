/* test_monitor_args.c - brig-monitor's command line (monitor_args.c):
 * format and parse back, the refusals, CLOEXEC on every fd, and the
 * relay's setup from it (monitor_args_io). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "monitor_args.h"
#include "stream.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void sample(struct monitor_args *a)
{
	monitor_args_init(a);
	memcpy(a->id, ID, sizeof(a->id));
	a->root = "/var/lib/brig";
	a->runroot = "/run/brig";
	a->log = "/var/lib/brig/containers/" ID "/container.log";
	a->brig = 9;
	a->pid = 4242;
	a->out = 5;
	a->err = 6;
	a->in = 7;
	a->raw = 10;
	a->slirp_pid = 77;
	a->slirp_fd = 11;
	a->n_clients = 2;
	a->client_fd[0] = 12;
	a->client_flags[0] = ATTACH_STDOUT | ATTACH_MUX;
	a->client_fd[1] = 13;
	a->client_flags[1] = ATTACH_STDIN | ATTACH_STDIN_ONCE;
}

static int argc_of(char **argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

static void test_round_trip(void **state)
{
	struct monitor_args a, b;
	struct brig_err e;
	char buf[4096], *argv[MONITOR_ARGV_MAX] = { (char *)"brig-monitor" };

	(void)state;
	sample(&a);
	assert_int_equal(monitor_args_format(&a, buf, sizeof(buf), argv, &e), 0);
	assert_string_equal(argv[1], "id=" ID);
	assert_int_equal(monitor_args_parse(argc_of(argv), argv, &b, &e), 0);
	assert_string_equal(b.id, ID);
	assert_string_equal(b.root, a.root);
	assert_string_equal(b.runroot, a.runroot);
	assert_string_equal(b.log, a.log);
	assert_int_equal(b.brig, 9);
	assert_int_equal(b.pid, 4242);
	assert_false(b.tty);
	assert_int_equal(b.out, 5);
	assert_int_equal(b.err, 6);
	assert_int_equal(b.in, 7);
	assert_int_equal(b.raw, 10);
	assert_int_equal(b.hand, -1); /* absent stays -1 */
	assert_int_equal(b.slirp_pid, 77);
	assert_int_equal(b.slirp_fd, 11);
	assert_int_equal(b.n_clients, 2);
	assert_int_equal(b.client_fd[1], 13);
	assert_int_equal(b.client_flags[1], ATTACH_STDIN | ATTACH_STDIN_ONCE);
	/* too small a buffer is refused, never cut */
	assert_int_equal(monitor_args_format(&a, buf, 40, argv, &e), -ENAMETOOLONG);
}

static void test_refusals(void **state)
{
	static const char *const bad[][3] = {
		{ "pid=1", NULL },			/* id, root... missing */
		{ "id=" ID, "id=" ID, NULL },		/* repeated */
		{ "nope=1", NULL },			/* unknown */
		{ "id", NULL },				/* no value */
		{ "id=0123", NULL },			/* short id */
		{ "id=" ID, "pid=0", NULL },		/* pid 0 */
		{ "id=" ID, "out=-1", NULL },		/* negative fd */
		{ "id=" ID, "out=3x", NULL },		/* not a number */
		{ "id=" ID, "client=3", NULL },		/* no flags */
		{ "id=" ID, "slirp=0:4", NULL },	/* slirp pid 0 */
		{ "id=" ID, "tty=yes", NULL },
	};
	struct monitor_args a;
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[4] = { (char *)"brig-monitor" };
		int argc = 1;
		for (size_t j = 0; j < 3 && bad[i][j]; j++)
			argv[argc++] = (char *)bad[i][j];
		e.msg[0] = '\0';
		if (monitor_args_parse(argc, argv, &a, &e) == 0)
			fail_msg("%s: accepted", bad[i][0]);
		assert_true(e.msg[0] != '\0');
	}
}

static void test_too_many_clients(void **state)
{
	char *argv[MON_CLIENTS + 3] = { (char *)"brig-monitor" };
	struct monitor_args a;
	struct brig_err e;

	(void)state;
	for (int i = 1; i <= MON_CLIENTS + 1; i++)
		argv[i] = (char *)"client=3:2";
	assert_int_equal(monitor_args_parse(MON_CLIENTS + 2, argv, &a, &e), -E2BIG);
}

static bool cloexec(int fd)
{
	return fcntl(fd, F_GETFD) & FD_CLOEXEC;
}

static void test_cloexec_and_io(void **state)
{
	struct monitor_args a;
	struct mon_io m;
	int p[2], q[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(q, O_CLOEXEC), 0);
	monitor_args_init(&a);
	a.out = p[0];
	a.in = p[1];
	a.n_clients = 1;
	a.client_fd[0] = q[0];
	a.client_flags[0] = ATTACH_STDOUT;
	monitor_args_cloexec(&a, false);
	assert_false(cloexec(p[0]));
	assert_false(cloexec(p[1]));
	assert_false(cloexec(q[0]));
	assert_true(cloexec(q[1])); /* not a's */
	mon_io_init(&m);
	monitor_args_io(&a, &m);
	assert_int_equal(m.out, p[0]);
	assert_int_equal(m.in, p[1]);
	assert_int_equal(m.err, -1);
	assert_int_equal(m.cl[0].kind, MON_HANDED);
	assert_int_equal(m.cl[0].flags, ATTACH_STDOUT);
	assert_true(cloexec(q[0])); /* a client is served CLOEXEC */
	monitor_args_cloexec(&a, true);
	assert_true(cloexec(p[0]));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_too_many_clients),
		cmocka_unit_test(test_cloexec_and_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
