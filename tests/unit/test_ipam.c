/* test_ipam.c - net/ipam.c: allocation, edge subnets, rotation, reclaim of
 * dead owners, requested addresses, corrupt files, the pure parser. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipam.h"
#include "parse.h"
#include "warn.h"
#include "proc.h"

#include "ipam_fixture.h"

static int setup(void **state)
{
	capture_warnings();
	return ipam_fx_make(state, "ipam");
}

static int lease(struct fx *f, const struct net_network *n, const char *cid, uint32_t req,
		 uint32_t *out, struct brig_err *e)
{
	return ipam_lease(f->path, n, cid, f->me, f->st, req, out, NULL, e);
}

static void starttime(void **state)
{
	struct fx *f = *state;

	assert_true(f->st > 0);
	assert_int_equal(proc_starttime(dead_pid()), 0);
	assert_int_equal(proc_starttime(-1), 0);
}

static void first_lease_skips_gateway(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a580000, 16, 0x0a580001);
	struct brig_err e = { 0 };
	uint32_t a;

	assert_int_equal(lease(f, &n, "c1", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a580002);
	assert_int_equal(lease(f, &n, "c2", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a580003);
	/* same container again: same address (retry is idempotent) */
	assert_int_equal(lease(f, &n, "c1", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a580002);
	assert_non_null(strstr(file_text(f->path), "10.88.0.2 c1 "));
}

static void full_subnet(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0xc0a80000, 29, 0); /* 6 hosts, gw .1 */
	struct brig_err e = { 0 };
	char cid[16];
	uint32_t a;

	for (int i = 0; i < 5; i++) {
		snprintf(cid, sizeof(cid), "c%d", i);
		assert_int_equal(lease(f, &n, cid, 0, &a, &e), 0);
		assert_int_equal(a, 0xc0a80002 + (uint32_t)i);
	}
	assert_int_equal(lease(f, &n, "full", 0, &a, &e), -ENOSPC);
	assert_non_null(strstr(e.msg, "no free address"));
	assert_non_null(strstr(e.msg, "192.168.0.0/29"));
}

static void slash30(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 30, 0x0a000001);
	struct brig_err e = { 0 };
	uint32_t a;

	assert_int_equal(lease(f, &n, "a", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000002);
	assert_int_equal(lease(f, &n, "b", 0, &a, &e), -ENOSPC);
	assert_int_equal(ipam_release(f->path, "a", &e), 0);
	assert_int_equal(lease(f, &n, "b", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000002);
}

static void slash31(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 31, 0x0a000000);
	struct brig_err e = { 0 };
	uint32_t a;

	assert_int_equal(lease(f, &n, "a", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000001); /* both usable (RFC 3021), gw skipped */
	assert_int_equal(lease(f, &n, "b", 0, &a, &e), -ENOSPC);
	assert_int_equal(lease(f, &n, "b", 0x0a000000, &a, &e), -EADDRINUSE);
}

static void slash32(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000005, 32, 0);
	struct brig_err e = { 0 };
	uint32_t a;

	assert_int_equal(lease(f, &n, "a", 0, &a, &e), -ENOSPC);
	assert_int_equal(lease(f, &n, "a", 0x0a000006, &a, &e), -EINVAL);
}

static void rotation(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 29, 0); /* .2 .. .6 */
	struct brig_err e = { 0 };
	uint32_t a;

	assert_int_equal(lease(f, &n, "a", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000002);
	assert_int_equal(lease(f, &n, "b", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000003);
	assert_int_equal(ipam_release(f->path, "a", &e), 0);
	/* .2 was just freed: next is .4, not .2 */
	assert_int_equal(lease(f, &n, "c", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000004);
	assert_int_equal(lease(f, &n, "d", 0, &a, &e), 0);
	assert_int_equal(lease(f, &n, "e", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000006);
	/* wraps around, skipping the gateway .1 */
	assert_int_equal(lease(f, &n, "g", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000002);
}

static void reclaim_dead(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 30, 0);
	struct brig_err e = { 0 };
	warnings = 0;
	pid_t dead = dead_pid();
	uint32_t a;
	int freed;

	assert_int_equal(ipam_lease(f->path, &n, "ghost", dead, 12345, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000002);
	/* the only address is held by a dead owner: reclaimed */
	assert_int_equal(lease(f, &n, "live", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000002);
	assert_null(strstr(file_text(f->path), "ghost"));
	/* live pid but wrong start time (pid reuse) is dead too */
	assert_int_equal(ipam_release(f->path, "live", &e), 0);
	assert_int_equal(ipam_lease(f->path, &n, "reused", f->me, f->st + 1, 0, &a, NULL, &e), 0);
	assert_int_equal(ipam_gc(f->path, &freed, NULL, &e), 0);
	assert_int_equal(freed, 1);
	assert_int_equal(warnings, 0);
	assert_int_equal(ipam_gc(f->path, &freed, NULL, &e), 0);
	assert_int_equal(freed, 0);
}

static void requested(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a580000, 24, 0x0a580001);
	struct brig_err e = { 0 };
	uint32_t a;

	assert_int_equal(lease(f, &n, "a", 0x0a580032, &a, &e), 0);
	assert_int_equal(a, 0x0a580032);
	assert_int_equal(lease(f, &n, "b", 0x0a580032, &a, &e), -EADDRINUSE);
	assert_non_null(strstr(e.msg, "in use by container a"));
	assert_int_equal(lease(f, &n, "b", 0x0a590032, &a, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a host address"));
	assert_int_equal(lease(f, &n, "b", 0x0a580000, &a, &e), -EINVAL); /* network */
	assert_int_equal(lease(f, &n, "b", 0x0a5800ff, &a, &e), -EINVAL); /* broadcast */
	assert_int_equal(lease(f, &n, "b", 0x0a580001, &a, &e), -EADDRINUSE); /* gateway */
	/* rotation continues after the requested one */
	assert_int_equal(lease(f, &n, "c", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a580033);
}

static void corrupt_file(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 24, 0);
	struct brig_err e = { 0 };
	warnings = 0;
	char good[128], text[1024];
	uint32_t a;

	snprintf(good, sizeof(good), "10.0.0.5 keep %d %llu\n", (int)f->me, f->st);
	snprintf(text, sizeof(text),
		 "garbage\n"
		 "10.0.0.300 x %d %llu\n"
		 "%s"
		 "10.0.0.5 dup %d %llu\n"
		 "10.0.0.6 bad/id 1 1\n"
		 "10.0.0.7 c -5 1\n"
		 "10.0.0.8 c 1 1 extra\n"
		 "10.0.0.9  c 1 1\n"
		 "last 10.0.0.5\n"
		 "10.0.0.10 trunc %d",
		 (int)f->me, f->st, good, (int)f->me, f->st, (int)f->me);
	write_file(f->path, text);
	assert_int_equal(ipam_lease(f->path, &n, "new", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000006);
	assert_int_equal(warnings, 1); /* one line for the whole file */
	assert_non_null(strstr(last_warning, "skipped 8 corrupt line(s)"));
	assert_non_null(strstr(last_warning, ": line 1"));
	/* rewrite dropped every bad line and kept the good one */
	snprintf(text, sizeof(text), "%s10.0.0.6 new %d %llu\nlast 10.0.0.6\n", good, (int)f->me,
		 f->st);
	assert_string_equal(file_text(f->path), text);
}

static void binary_and_long_lines(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 24, 0);
	struct brig_err e = { 0 };
	warnings = 0;
	char big[2048];
	int fd, freed;
	uint32_t a;

	memset(big, 'A', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(write(fd, "10.0.0.2 a\0b 1 1\n", 17), 17);
	close(fd);
	assert_int_equal(ipam_gc(f->path, &freed, NULL, &e), 0);
	assert_int_equal(warnings, 1); /* one line for the whole file */
	assert_non_null(strstr(last_warning, "skipped 2 corrupt line(s)"));
	/* dropped on rewrite; a whole file always ends with its "last" line */
	assert_string_equal(file_text(f->path), "last 0.0.0.0\n");
	assert_int_equal(ipam_lease(f->path, &n, "x", f->me, f->st, 0, &a, NULL, &e), 0);
}

/* A recover callback standing in for the records: one live container. */
static int recover_one(void *arg, struct ipam_file *file, struct brig_err *e)
{
	struct ipam_entry ent = { .addr = 0x0a000002, .owner = getpid() };

	(void)e;
	ent.starttime = *(unsigned long long *)arg;
	snprintf(ent.cid, sizeof(ent.cid), "live");
	return ipam_file_add(file, &ent);
}

/* A lost, emptied or garbled file is rebuilt from the truth before an
 * address is handed out: the live container's address is never reused. */
static void damaged_file_rebuilt(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 24, 0x0a000001);
	struct brig_err e;
	struct ipam_recover rec = { recover_one, &f->st };
	static const char *const damage[] = { NULL, "", "10.0.0", "\x01\x02garbage" };
	uint32_t a;
	int freed;

	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		unlink(f->path);
		if (damage[i])
			write_file(f->path, damage[i]);
		assert_int_equal(ipam_lease(f->path, &n, "new", f->me, f->st, 0, &a, &rec, &e), 0);
		assert_int_not_equal(a, 0x0a000002);
		assert_true(strstr(file_text(f->path), "10.0.0.2 live ") != NULL);
		ipam_release(f->path, "new", &e);
	}
	unlink(f->path);
	assert_int_equal(ipam_gc(f->path, &freed, &rec, &e), 0);
	assert_true(strstr(file_text(f->path), "10.0.0.2 live ") != NULL);
}

static void many_lines(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 18, 0); /* 16381 usable */
	struct brig_err e = { 0 };
	warnings = 0;
	FILE *fp = fopen(f->path, "w");
	char ip[16];
	uint32_t a;

	/* every host but .0.100 leased by live owners, written directly */
	assert_non_null(fp);
	for (uint32_t x = 0x0a000002; x < 0x0a003fff; x++)
		if (x != 0x0a000064)
			fprintf(fp, "%s c%u %d %llu\n", net_ip_str(x, ip), x, (int)f->me, f->st);
	fclose(fp);
	assert_int_equal(ipam_lease(f->path, &n, "one", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000064);
	assert_int_equal(warnings, 0);
	assert_int_equal(lease(f, &n, "over", 0, &a, &e), -ENOSPC);
	assert_int_equal(ipam_release(f->path, "c167772516", &e), 0); /* c<addr>: 10.0.1.100 */
	assert_int_equal(lease(f, &n, "over", 0, &a, &e), 0);
	assert_int_equal(a, 0x0a000164);
	/* and a few hundred through the API, each a full read-modify-write */
	n = mknet(0x0a010000, 24, 0);
	unlink(f->path);
	for (int i = 0; i < 253; i++) {
		char cid[16];

		snprintf(cid, sizeof(cid), "k%d", i);
		assert_int_equal(lease(f, &n, cid, 0, &a, &e), 0);
		assert_int_equal(a, 0x0a010002 + (uint32_t)i);
	}
	assert_int_equal(lease(f, &n, "full", 0, &a, &e), -ENOSPC);
}

static void release_reown(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 24, 0);
	struct brig_err e = { 0 };
	pid_t dead = dead_pid();
	uint32_t a;
	char want[128];

	assert_int_equal(ipam_release("/nonexistent/leases", "x", &e), 0);
	assert_int_equal(ipam_release(f->path, "x", &e), 0);
	assert_int_equal(ipam_lease(f->path, &n, "c", dead, 7, 0, &a, NULL, &e), 0);
	assert_int_equal(ipam_reown(f->path, "c", f->me, f->st, &e), 1);
	snprintf(want, sizeof(want), "10.0.0.2 c %d %llu\nlast 10.0.0.2\n", (int)f->me, f->st);
	assert_string_equal(file_text(f->path), want);
	assert_int_equal(ipam_reown(f->path, "nobody", f->me, f->st, &e), -ENOENT);
	assert_int_equal(lease(f, &n, "bad id!", 0, &a, &e), -EINVAL);
}

/* Eight processes leasing at once never hand out one address twice: the
 * flock on <path>.lock serializes them across the atomic renames. */
static void concurrent(void **state)
{
	struct fx *f = *state;
	struct net_network n = mknet(0x0a000000, 24, 0);
	struct ipam_file pf = { 0 };
	struct brig_err e = { 0 };
	pid_t kids[8];
	char *text;
	int status;

	for (int k = 0; k < 8; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			char cid[32];
			uint32_t a;

			for (int i = 0; i < 10; i++) {
				snprintf(cid, sizeof(cid), "k%dn%d", k, i);
				if (ipam_lease(f->path, &n, cid, f->me, f->st, 0, &a, NULL, &e) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < 8; k++) {
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	text = file_text(f->path);
	assert_int_equal(ipam_parse(text, strlen(text), &pf, NULL, &e), 80); /* 80 distinct */
	ipam_file_free(&pf);
}

static void parse_pure(void **state)
{
	static const char text[] = "10.0.0.2 a 1 2\nlast 10.0.0.2\nlast 10.0.0.3\n";
	struct ipam_file pf = { 0 };
	struct ipam_warn w = { 0 };
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(ipam_parse(text, sizeof(text) - 1, &pf, &w, &e), 1);
	assert_int_equal(pf.v[0].addr, 0x0a000002);
	assert_string_equal(pf.v[0].cid, "a");
	assert_int_equal(pf.v[0].owner, 1);
	assert_int_equal(pf.v[0].starttime, 2);
	assert_true(pf.has_last);
	assert_int_equal(pf.last, 0x0a000002);
	assert_int_equal(w.bad_lines, 1);
	ipam_file_free(&pf);
	assert_int_equal(ipam_parse("", 0, &pf, NULL, &e), 0);
	ipam_file_free(&pf);
	assert_int_equal(ipam_parse("10.0.0.2 a 99999999999 1\n", 25, &pf, &w, &e), 0);
	ipam_file_free(&pf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, ipam_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(starttime),	   T(first_lease_skips_gateway), T(full_subnet),
		T(slash30),	   T(slash31),			 T(slash32),
		T(rotation),	   T(reclaim_dead),		 T(requested),
		T(corrupt_file),   T(binary_and_long_lines),	 T(many_lines),
		T(release_reown),  T(concurrent), T(damaged_file_rebuilt), cmocka_unit_test(parse_pure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
