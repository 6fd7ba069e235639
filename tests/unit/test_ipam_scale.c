/* test_ipam_scale.c - net/ipam.c at scale (issue 18): an allocation checks
 * a bounded number of owners, yet an address held by a dead owner is free
 * at once when asked for or met, a full network is swept before it is
 * called full, gc checks all, and the file stays sorted and parseable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "ipam.h"
#include "parse.h"
#include "proc.h"

#include "ipam_fixture.h"

static int setup(void **state)
{
	return ipam_fx_make(state, "ipams");
}

/* 10.0.0.0/16, gateway 10.0.0.1. */
static struct net_network net16(void)
{
	struct net_network n = { .name = "t", .bridge = "brt", .subnet = 0x0a000000,
				 .prefix = 16, .gateway = 0x0a000001 };
	return n;
}

/* A lease file of count leases from 10.0.0.2 up, owned by owner/st, the
 * last allocation being the highest. */
static void fill(const struct fx *f, size_t count, pid_t owner, unsigned long long st)
{
	FILE *fp = fopen(f->path, "w");
	char a[16];

	assert_non_null(fp);
	for (size_t i = 0; i < count; i++)
		fprintf(fp, "%s c%zu %d %llu\n", net_ip_str(0x0a000002 + (uint32_t)i, a), i,
			(int)owner, st);
	fprintf(fp, "last %s\n", net_ip_str(0x0a000001 + (uint32_t)count, a));
	fclose(fp);
}

/* Parse the file: leases kept, and no corrupt line. */
static size_t parse_file(const struct fx *f, struct ipam_file *pf)
{
	FILE *fp = fopen(f->path, "r");
	static char buf[1 << 20];
	struct ipam_warn w = { 0 };
	struct brig_err e = { 0 };
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	memset(pf, 0, sizeof(*pf));
	assert_true(ipam_parse(buf, n, pf, &w, &e) >= 0);
	assert_int_equal(w.bad_lines, 0);
	return pf->n;
}

static size_t count_owned(const struct ipam_file *pf, pid_t owner)
{
	size_t k = 0;

	for (size_t i = 0; i < pf->n; i++)
		k += pf->v[i].owner == owner;
	return k;
}

/* 1000 dead leases: one allocation checks a bounded number of them. */
static void bounded_sweep(void **state)
{
	struct fx *f = *state;
	struct net_network n = net16();
	struct brig_err e = { 0 };
	struct ipam_file pf;
	uint32_t a;

	fill(f, 1000, f->dead, 7);
	assert_int_equal(ipam_lease(f->path, &n, "new", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000002 + 1000); /* rotation: after the last */
	parse_file(f, &pf);
	assert_true(count_owned(&pf, f->dead) >= 1000 - 32);
	assert_true(count_owned(&pf, f->dead) < 1000); /* but some went */
	ipam_file_free(&pf);
}

/* Asked for (--ip, a restart's previous address): a dead owner's address
 * is free at once, however large the file. */
static void requested_dead_taken(void **state)
{
	struct fx *f = *state;
	struct net_network n = net16();
	struct brig_err e = { 0 };
	struct ipam_file pf;
	uint32_t a;

	fill(f, 500, f->me, f->st);
	/* one dead owner among the live ones, in the middle */
	assert_int_equal(ipam_release(f->path, "c250", &e), 0);
	assert_int_equal(ipam_lease(f->path, &n, "ghost", f->dead, 9, 0x0a000002 + 250, &a, NULL, &e),
			 0);
	assert_int_equal(ipam_lease(f->path, &n, "mine", f->me, f->st, 0x0a000002 + 250, &a, NULL, &e),
			 0);
	assert_int_equal(a, 0x0a000002 + 250);
	parse_file(f, &pf);
	assert_int_equal(pf.n, 500);
	assert_int_equal(count_owned(&pf, f->dead), 0);
	ipam_file_free(&pf);
	/* a live owner's address stays refused */
	assert_int_equal(ipam_lease(f->path, &n, "other", f->me, f->st, 0x0a000002 + 10, &a, NULL, &e),
			 -EADDRINUSE);
}

/* A full network: the addresses the walk meets are taken when their
 * owner is dead; past RECLAIM_SWEEP live ones, the whole file is swept
 * before the network is called full. */
static void full_of_dead_swept(void **state)
{
	struct fx *f = *state;
	struct net_network n = { .name = "t", .bridge = "brt", .subnet = 0x0a000000, .prefix = 25,
				 .gateway = 0x0a000001 };
	struct brig_err e = { 0 };
	struct ipam_file pf;
	uint32_t a;

	fill(f, 125, f->dead, 3); /* .2 .. .126: every host address but the gateway */
	assert_int_equal(ipam_lease(f->path, &n, "new", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000002); /* wrapped to the first, a dead one's */
	/* 60 live leases first, then 65 dead ones: the walk gives up checking
	 * among the live, the random sweep or the whole one finds the dead */
	fill(f, 125, f->dead, 3);
	for (int i = 0; i < 60; i++) {
		char cid[16];
		snprintf(cid, sizeof(cid), "c%d", i);
		assert_int_equal(ipam_reown(f->path, cid, f->me, f->st, &e), 1);
	}
	assert_int_equal(ipam_lease(f->path, &n, "new", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_true(a >= 0x0a000002 + 60);
	parse_file(f, &pf);
	assert_int_equal(count_owned(&pf, f->me), 61); /* the live ones kept */
	ipam_file_free(&pf);
	/* full of live ones: refused */
	fill(f, 125, f->me, f->st);
	assert_int_equal(ipam_lease(f->path, &n, "new", f->me, f->st, 0, &a, NULL, &e), -ENOSPC);
}

/* gc checks every owner; a retry whose owner died gets a new address. */
static void gc_all_and_retry(void **state)
{
	struct fx *f = *state;
	struct net_network n = net16();
	struct brig_err e = { 0 };
	struct ipam_file pf;
	uint32_t a;
	int freed;

	fill(f, 300, f->dead, 7);
	assert_int_equal(ipam_gc(f->path, &freed, NULL, &e), 0);
	assert_int_equal(freed, 300);
	assert_int_equal(parse_file(f, &pf), 0);
	ipam_file_free(&pf);
	assert_int_equal(ipam_lease(f->path, &n, "r", f->dead, 7, 0, &a, NULL, &e), 0);
	assert_int_equal(ipam_lease(f->path, &n, "r", f->me, f->st, 0, &a, NULL, &e), 0);
	parse_file(f, &pf);
	assert_int_equal(pf.n, 1);
	assert_int_equal(pf.v[0].owner, f->me);
	ipam_file_free(&pf);
}

/* Leases asked for out of order, v6 among them: the file stays sorted
 * (IPv4 first, by address) and readable by the parser without a warning. */
static void stays_sorted(void **state)
{
	struct fx *f = *state;
	struct net_network n = net16();
	struct brig_err e = { 0 };
	const uint32_t want[] = { 0x0a000909, 0x0a000005, 0x0a00ff00, 0x0a000100, 0x0a000006 };
	struct in6_addr a6;
	struct ipam_file pf;
	uint32_t a;
	char cid[32];

	n.ipv6 = true;
	n.prefix6 = 64;
	assert_int_equal(net_parse_ip6("fd00::", &n.subnet6, NULL), 0);
	assert_int_equal(net_parse_ip6("fd00::1", &n.gateway6, NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		snprintf(cid, sizeof(cid), "s%zu", i);
		assert_int_equal(ipam_lease(f->path, &n, cid, f->me, f->st, want[i], &a, NULL, &e), 0);
		assert_int_equal(ipam_lease6(f->path, &n, cid, f->me, f->st, NULL, &a6, NULL, &e), 0);
	}
	assert_int_equal(ipam_lease(f->path, &n, "any", f->me, f->st, 0, &a, NULL, &e), 0);
	assert_int_equal(a, 0x0a000007); /* after the last v4 allocation, .6 */
	assert_int_equal(parse_file(f, &pf), 11);
	for (size_t i = 1; i < pf.n; i++) {
		const struct ipam_entry *x = &pf.v[i - 1], *y = &pf.v[i];
		assert_true(x->v6 <= y->v6);
		if (x->v6 == y->v6)
			assert_true(x->v6 ? memcmp(&x->addr6, &y->addr6, 16) < 0 : x->addr < y->addr);
		/* the parser sorted nothing: file lines are in order */
		assert_true(x->line < y->line);
	}
	ipam_file_free(&pf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, ipam_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bounded_sweep),      T(requested_dead_taken), T(full_of_dead_swept),
		T(gc_all_and_retry),   T(stays_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
