/* test_ipam6.c - net/ipam.c, IPv6: leases beside IPv4 in one file, order,
 * rotation, requested addresses, reclaim, corrupt lines, old files. */
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
	return ipam_fx_make(state, "ipam6");
}

/* 10.0.0.0/24 and fd00:1::/PREFIX6, default gateways (.1 and ::1). */
static struct net_network dual(int prefix6)
{
	struct net_network n = mknet(0x0a000000, 24, 0x0a000001);

	n.ipv6 = true;
	assert_int_equal(net_parse_cidr6("fd00:1::", &n.subnet6, &n.prefix6, NULL), -EINVAL);
	net_parse_ip6("fd00:1::", &n.subnet6, NULL);
	n.prefix6 = prefix6;
	assert_int_equal(net_network_validate6(&n, NULL), 0);
	return n;
}

static const char *lease6(struct fx *f, const struct net_network *n, const char *cid,
			  const char *req, int want)
{
	static char buf[NET_IP6_STRLEN];
	static struct brig_err e;
	struct in6_addr r, out;

	if (req)
		assert_int_equal(net_parse_ip6(req, &r, NULL), 0);
	assert_int_equal(ipam_lease6(f->path, n, cid, f->me, f->st, req ? &r : NULL, &out, NULL, &e),
			 want);
	return want == 0 ? net_ip6_str(&out, buf) : e.msg;
}

static void sequential(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(64);

	assert_string_equal(lease6(f, &n, "a", NULL, 0), "fd00:1::2"); /* ::0 anycast, ::1 gw */
	assert_string_equal(lease6(f, &n, "b", NULL, 0), "fd00:1::3");
	assert_string_equal(lease6(f, &n, "a", NULL, 0), "fd00:1::2"); /* a retry: the same */
	assert_int_equal(ipam_release(f->path, "a", NULL), 0);
	/* rotation: the freed address is not handed out at once */
	assert_string_equal(lease6(f, &n, "c", NULL, 0), "fd00:1::4");
}

static void beside_v4(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(64);
	struct brig_err e = { 0 };
	uint32_t a;
	char want[256];

	assert_int_equal(ipam_lease(f->path, &n, "a", f->me, f->st, 0, &a, NULL, &e), 0);
	snprintf(want, sizeof(want), "10.0.0.2 a %d %llu\nlast 10.0.0.2\n", f->me, f->st);
	assert_string_equal(file_text(f->path), want); /* v4 alone: the old format */
	assert_string_equal(lease6(f, &n, "a", NULL, 0), "fd00:1::2");
	snprintf(want, sizeof(want), "10.0.0.2 a %d %llu\nfd00:1::2 a %d %llu\nlast6 fd00:1::2\nlast 10.0.0.2\n",
		 f->me, f->st, f->me, f->st);
	assert_string_equal(file_text(f->path), want);
	/* a v4 retry by a finds its v4 lease, not the v6 one */
	assert_int_equal(ipam_lease(f->path, &n, "a", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000002);
	assert_int_equal(ipam_reown(f->path, "a", f->me, f->st, &e), 2);
	assert_int_equal(ipam_release(f->path, "a", &e), 0);
	snprintf(want, sizeof(want), "last6 fd00:1::2\nlast 10.0.0.2\n");
	assert_string_equal(file_text(f->path), want);
	assert_int_equal(warnings, 0);
}

static void old_file(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(64);
	struct ipam_file pf = { 0 };
	char text[256], *back;


	snprintf(text, sizeof(text), "10.0.0.9 old %d %llu\nlast 10.0.0.9\n", f->me, f->st);
	write_file(f->path, text);
	assert_string_equal(lease6(f, &n, "new", NULL, 0), "fd00:1::2");
	back = file_text(f->path);
	assert_int_equal(ipam_parse(back, strlen(back), &pf, NULL, NULL), 2);
	assert_int_equal(pf.v[0].addr, 0x0a000009);
	assert_false(pf.v[0].v6);
	assert_true(pf.v[1].v6);
	assert_true(pf.has_last && pf.has_last6);
	ipam_file_free(&pf);
	assert_int_equal(warnings, 0);
}

static void requested(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(120);

	assert_string_equal(lease6(f, &n, "a", "fd00:1::42", 0), "fd00:1::42");
	assert_non_null(strstr(lease6(f, &n, "b", "fd00:1::42", -EADDRINUSE), "already in use by container a"));
	assert_non_null(strstr(lease6(f, &n, "b", "fd00:1::1", -EADDRINUSE), "is the gateway"));
	assert_non_null(strstr(lease6(f, &n, "b", "fd00:1::", -EINVAL),
			       "fd00:1:: is not a host address of network t (fd00:1::/120)"));
	assert_non_null(strstr(lease6(f, &n, "b", "fd00:1::100", -EINVAL), "not a host address"));
	assert_non_null(strstr(lease6(f, &n, "b", "fd00:2::5", -EINVAL), "not a host address"));
	assert_string_equal(lease6(f, &n, "a", "fd00:1::42", 0), "fd00:1::42"); /* its own */
	assert_string_equal(lease6(f, &n, "b", "fd00:1::ff", 0), "fd00:1::ff"); /* no broadcast */
}

static void full_120(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(120);
	char cid[16];

	for (int i = 0; i < 254; i++) { /* 256 - anycast - gateway */
		snprintf(cid, sizeof(cid), "c%d", i);
		lease6(f, &n, cid, NULL, 0);
	}
	assert_non_null(strstr(lease6(f, &n, "x", NULL, -ENOSPC), "no free IPv6 address"));
	assert_int_equal(ipam_release(f->path, "c7", NULL), 0);
	assert_string_equal(lease6(f, &n, "x", NULL, 0), "fd00:1::9"); /* the one free */
}

static void reclaim_dead(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(64);
	char text[512];
	int freed;
	pid_t kid = fork();

	assert_true(kid >= 0);
	if (kid == 0)
		_exit(0);
	assert_int_equal(waitpid(kid, NULL, 0), kid); /* a dead owner */
	snprintf(text, sizeof(text), "10.0.0.2 dead %d 1\nfd00:1::2 dead %d 1\nfd00:1::3 live %d %llu\n"
		 "last6 fd00:1::3\nlast 10.0.0.2\n", kid, kid, f->me, f->st);
	write_file(f->path, text);
	assert_int_equal(ipam_gc(f->path, &freed, NULL, NULL), 0);
	assert_int_equal(freed, 2);
	snprintf(text, sizeof(text), "fd00:1::3 live %d %llu\nlast6 fd00:1::3\nlast 10.0.0.2\n", f->me, f->st);
	assert_string_equal(file_text(f->path), text);
	/* and a dead owner's address is leased again */
	assert_string_equal(lease6(f, &n, "x", "fd00:1::2", 0), "fd00:1::2");
}

static void corrupt_lines(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(64);
	char text[512];

	snprintf(text, sizeof(text), "fd00::zz a %d %llu\n::ffff:10.0.0.5 b %d %llu\nfd00:1::5 c %d %llu\n"
		 "last6 10.0.0.1\nlast 10.0.0.2\n", f->me, f->st, f->me, f->st, f->me, f->st);
	write_file(f->path, text);
	assert_string_equal(lease6(f, &n, "d", NULL, 0), "fd00:1::2");
	assert_int_equal(warnings, 1); /* one warning per read, naming the first line */
	assert_non_null(strstr(last_warning, "skipped 3 corrupt line(s): line 1: bad address"));
	snprintf(text, sizeof(text), "fd00:1::2 d %d %llu\nfd00:1::5 c %d %llu\nlast6 fd00:1::2\nlast 10.0.0.2\n",
		 f->me, f->st, f->me, f->st);
	assert_string_equal(file_text(f->path), text);
}

static void parse_mixed(void **state)
{
	static const char text[] = "fd00::3 b 1 2\n10.0.0.2 a 1 2\nfd00::2 c 1 2\nfd00:0::3 d 1 2\n"
				   "last6 fd00::3\nlast6 fd00::4\nlast 10.0.0.2\n";
	struct ipam_file pf = { 0 };
	struct ipam_warn w = { 0 };
	char buf[NET_IP6_STRLEN];

	(void)state;
	assert_int_equal(ipam_parse(text, sizeof(text) - 1, &pf, &w, NULL), 3);
	assert_false(pf.v[0].v6); /* IPv4 first, then by address */
	assert_string_equal(net_ip6_str(&pf.v[1].addr6, buf), "fd00::2");
	assert_string_equal(net_ip6_str(&pf.v[2].addr6, buf), "fd00::3");
	assert_string_equal(pf.v[2].cid, "b"); /* the first line of a duplicate wins */
	assert_int_equal(w.bad_lines, 2);
	assert_non_null(strstr(w.first, "second last6 line"));
	assert_string_equal(net_ip6_str(&pf.last6, buf), "fd00::3");
	ipam_file_free(&pf);
}

static void concurrent6(void **state)
{
	struct fx *f = *state;
	struct net_network n = dual(64);
	struct ipam_file pf = { 0 };
	pid_t kids[8];
	char *text;
	int status;

	for (int k = 0; k < 8; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			char cid[32];
			struct in6_addr a;
			struct brig_err e;
			uint32_t a4;

			for (int i = 0; i < 10; i++) {
				snprintf(cid, sizeof(cid), "k%dn%d", k, i);
				if (ipam_lease(f->path, &n, cid, f->me, f->st, 0, &a4, NULL, &e) < 0 ||
				    ipam_lease6(f->path, &n, cid, f->me, f->st, NULL, &a, NULL, &e) < 0)
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
	assert_int_equal(ipam_parse(text, strlen(text), &pf, NULL, NULL), 160); /* all distinct */
	ipam_file_free(&pf);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, ipam_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(sequential),	 T(beside_v4),	   T(old_file),	   T(requested),   T(full_120),
		T(reclaim_dead), T(corrupt_lines), T(concurrent6), T(parse_mixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
