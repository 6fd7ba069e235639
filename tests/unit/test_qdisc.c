/* test_qdisc.c - the kernel engine of impairments (net/qdisc.c).
 *
 * This kernel has no sch_netem, so netem's half is tested by building the
 * requests brig would send and parsing them back through libnl's own
 * qdisc parser (the same one that reads the kernel's dump); tbf, which
 * the kernel has, is applied for real on a veth in a fresh network
 * namespace.  netem_kernel_available() must answer what the kernel has
 * and leave nothing behind. */
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <netlink/msg.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>

#include "cleanup.h"
#include "link.h"
#include "netem.h"
#include "nl.h"
#include "qdisc_msg.h"
#include "netns_child.h"

/* ---- requests built and parsed back ---- */

static void take(struct nl_object *o, void *arg)
{
	nl_object_get(o);
	*(struct nl_object **)arg = o;
}

/* The add request for q (as rtnl_qdisc_add sends it), its header
 * checked, parsed back into a new qdisc object (the caller's). */
static struct rtnl_qdisc *round_trip(struct rtnl_qdisc *q)
{
	struct nl_msg *m = NULL;
	struct nl_object *back = NULL;
	struct nlmsghdr *h;

	assert_int_equal(rtnl_qdisc_build_add_request(q, NLM_F_CREATE | NLM_F_REPLACE, &m), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWQDISC);
	assert_true(h->nlmsg_flags & NLM_F_CREATE);
	assert_true(h->nlmsg_flags & NLM_F_REPLACE);
	nlmsg_set_proto(m, NETLINK_ROUTE);
	assert_int_equal(nl_msg_parse(m, take, &back), 0);
	nlmsg_free(m);
	assert_non_null(back);
	return (struct rtnl_qdisc *)back;
}

static void assert_pct(double got, double want)
{
	/* netem keeps a percentage in 1/2^32 steps */
	if (got < want - 1e-7 || got > want + 1e-7)
		fail_msg("%.10f%%, not %.10f%%", got, want);
}

static void netem_request(void **state)
{
	const struct netem_params p = { .delay_us = 50000, .jitter_us = 5000, .loss = 1,
					.corrupt = 0.1, .duplicate = 75, .reorder = 25,
					.rate_bps = 10000000 };
	struct rtnl_qdisc *q = NULL, *back;
	struct netem_params r;
	struct brig_err e;

	(void)state;
	assert_int_equal(qdisc_netem_build(7, &p, &q, &e), 0);
	back = round_trip(q);
	assert_string_equal(rtnl_tc_get_kind(TC_CAST(back)), "netem");
	assert_int_equal(rtnl_tc_get_ifindex(TC_CAST(back)), 7);
	assert_int_equal(rtnl_tc_get_parent(TC_CAST(back)), TC_H_ROOT);
	assert_int_equal(rtnl_tc_get_handle(TC_CAST(back)), QDISC_NETEM_HANDLE);
	assert_int_equal(rtnl_netem_get_limit(back), QDISC_NETEM_LIMIT);
	assert_int_equal(rtnl_netem_get_gap(back), 1); /* tc's reorder */
	qdisc_netem_read(back, &r);
	assert_int_equal(r.delay_us, 50000);
	assert_int_equal(r.jitter_us, 5000);
	assert_pct(r.loss, 1);
	assert_pct(r.corrupt, 0.1);
	assert_pct(r.duplicate, 75); /* above 2^31: libnl's int is negative */
	assert_pct(r.reorder, 25);
	assert_int_equal(r.rate_bps, 0); /* the tbf's */
	rtnl_qdisc_put(back);
	rtnl_qdisc_put(q);
}

/* Only what is set goes in: a delay alone has no loss, no reorder. */
static void netem_request_minimal(void **state)
{
	const struct netem_params p = { .delay_us = 1, .loss = 100 };
	struct rtnl_qdisc *q = NULL, *back;
	struct netem_params r;
	struct brig_err e;

	(void)state;
	assert_int_equal(qdisc_netem_build(1, &p, &q, &e), 0);
	back = round_trip(q);
	qdisc_netem_read(back, &r);
	assert_true(r.delay_us <= 1); /* to the kernel's tick (64 ns) */
	assert_pct(r.loss, 100);
	assert_true(r.jitter_us == 0 && r.corrupt == 0 && r.duplicate == 0 && r.reorder == 0);
	assert_int_equal(rtnl_netem_get_reorder_probability(back), -NLE_NOATTR);
	assert_int_equal(rtnl_netem_get_corruption_probability(back), -NLE_NOATTR);
	rtnl_qdisc_put(back);
	rtnl_qdisc_put(q);
}

static void tbf_request(void **state)
{
	static const uint64_t rates[] = { 1000, 500000, 10000000, 1000000000, 34000000000ULL };
	struct rtnl_qdisc *q = NULL, *back;
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		assert_int_equal(qdisc_tbf_build(3, QDISC_TBF_PARENT, QDISC_TBF_HANDLE, rates[i],
						 &q, &e),
				 0);
		back = round_trip(q);
		assert_string_equal(rtnl_tc_get_kind(TC_CAST(back)), "tbf");
		assert_int_equal(rtnl_tc_get_parent(TC_CAST(back)), QDISC_TBF_PARENT);
		assert_int_equal(rtnl_tc_get_handle(TC_CAST(back)), QDISC_TBF_HANDLE);
		assert_int_equal(qdisc_tbf_rate(back), rates[i]);
		assert_true(rtnl_qdisc_tbf_get_limit(back) > 0);
		rtnl_qdisc_put(back);
		rtnl_qdisc_put(q);
	}
	assert_int_equal(qdisc_tbf_build(3, TC_H_ROOT, 0, 999, &q, &e), -ERANGE);
	assert_string_equal(e.msg, "rate below 1kbit: the kernel's tbf cannot shape it");
	assert_int_equal(qdisc_tbf_build(3, TC_H_ROOT, 0, 35000000000ULL, &q, &e), -ERANGE);
	assert_string_equal(e.msg, "rate above 34gbit: the kernel's tbf cannot shape it");
}

/* ---- against this kernel ---- */

/* Whether this kernel should have netem: built in, or a module on disk. */
static bool kernel_has_netem(void)
{
	struct utsname u;
	char path[512], line[512];
	FILE *f;
	bool found = access("/sys/module/sch_netem", F_OK) == 0;

	if (found || uname(&u) < 0)
		return found;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
	if ((f = fopen(path, "re"))) {
		while (!found && fgets(line, sizeof(line), f))
			found = strstr(line, "/sch_netem.ko") != NULL;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	if (!found && (f = fopen(path, "re"))) {
		while (!found && fgets(line, sizeof(line), f))
			found = strstr(line, "/sch_netem.ko") != NULL;
		fclose(f);
	}
	return found;
}

static void available(void **state)
{
	struct stat before, after;
	bool has;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: the probe needs root\n");
		skip();
	}
	assert_int_equal(stat("/proc/self/ns/net", &before), 0);
	has = netem_kernel_available();
	print_message("netem in this kernel: %s\n", has ? "yes" : "no");
	assert_int_equal(has, kernel_has_netem());
	assert_int_equal(netem_kernel_available(), has); /* remembered */
	/* nothing left: our namespace is the same, the probe's child reaped */
	assert_int_equal(stat("/proc/self/ns/net", &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* A veth pair va/vb in the current namespace. */
static void make_veth(struct brig_err *e)
{
	struct net_end a = { .netns = -1, .ifname = "va" };
	struct net_end b = { .netns = -1, .ifname = "vb" };

	CHECK(net_wire_create(&a, &b, 0, e) == 0, e);
}

/* What is at parent on va: its kind, or "" when nothing. */
static const char *kind_at(struct nlctx *c, uint32_t parent, char *buf, size_t len,
			   struct brig_err *e)
{
	cleanup_qdisc struct rtnl_qdisc *q = NULL;

	buf[0] = '\0';
	CHECK(qdisc_at(c, (int)if_nametoindex("va"), parent, &q, e) == 0, e);
	if (q)
		snprintf(buf, len, "%s", rtnl_tc_get_kind(TC_CAST(q)));
	return buf;
}

/* tbf, the rate's half, for real: applied, read back, replaced in place,
 * left alone by the netem engine, deleted. */
static void do_tbf(void)
{
	struct brig_err e = { 0 };
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_qdisc struct rtnl_qdisc *q = NULL, *q2 = NULL, *back = NULL;
	struct netem_counters n;
	char kind[32];
	int va;

	make_veth(&e);
	va = (int)if_nametoindex("va");
	CHECK(nlctx_open(&c, &e) == 0, &e);
	CHECK(qdisc_tbf_build(va, TC_H_ROOT, QDISC_TBF_HANDLE, 10000000, &q, &e) == 0, &e);
	CHECK(qdisc_put(&c, "va", q, NLM_F_CREATE | NLM_F_REPLACE, &e) == 0, &e);
	CHECK(qdisc_at(&c, va, TC_H_ROOT, &back, &e) == 0 && back, &e);
	CHECK(strcmp(rtnl_tc_get_kind(TC_CAST(back)), "tbf") == 0, &e);
	CHECK(qdisc_tbf_rate(back) == 10000000, &e);
	qdisc_counters(back, &n);
	CHECK(n.dropped == 0, &e);
	rtnl_qdisc_put(steal_ptr(back));
	/* replaced in place */
	CHECK(qdisc_tbf_build(va, TC_H_ROOT, QDISC_TBF_HANDLE, 1500000000, &q2, &e) == 0, &e);
	CHECK(qdisc_put(&c, "va", q2, NLM_F_CREATE | NLM_F_REPLACE, &e) == 0, &e);
	CHECK(qdisc_at(&c, va, TC_H_ROOT, &back, &e) == 0 && back, &e);
	CHECK(qdisc_tbf_rate(back) == 1500000000, &e);
	/* not netem's: the kernel engine neither reads nor clears it */
	struct netem_params p = { .loss = 1 };
	CHECK(netem_kernel_get("va", &p, &n, &e) == 0, &e);
	CHECK(netem_kernel_set("va", &(struct netem_params){ 0 }, &e) == 0, &e);
	CHECK(strcmp(kind_at(&c, TC_H_ROOT, kind, sizeof(kind), &e), "tbf") == 0, &e);
	CHECK(qdisc_del(&c, "va", va, TC_H_ROOT, &e) == 0, &e);
	CHECK(strcmp(kind_at(&c, TC_H_ROOT, kind, sizeof(kind), &e), "tbf") != 0, &e);
	CHECK(qdisc_del(&c, "va", va, TC_H_ROOT, &e) == 0, &e); /* none: no error */
	CHECK(qdisc_del(&c, "va", va, QDISC_TBF_PARENT, &e) == 0, &e);
}

static void tbf_for_real(void **state)
{
	(void)state;
	in_netns(do_tbf);
}

/* netem_kernel_set/get on this kernel: clearing is always fine; setting
 * fails without sch_netem, saying so, and changes nothing. */
static void do_engine(void)
{
	struct brig_err e = { 0 };
	cleanup_nlctx struct nlctx c = { 0 };
	struct netem_params p = { .delay_us = 50000, .rate_bps = 10000000 }, got;
	struct netem_counters n;
	char kind[32], before[32];
	int r;

	make_veth(&e);
	CHECK(nlctx_open(&c, &e) == 0, &e);
	kind_at(&c, TC_H_ROOT, before, sizeof(before), &e);
	CHECK(netem_kernel_set("va", &(struct netem_params){ 0 }, &e) == 0, &e);
	CHECK(netem_kernel_get("va", &got, &n, &e) == 0, &e);
	CHECK(netem_kernel_set("nosuch0", &p, &e) == -ENODEV, &e);
	CHECK(strcmp(e.msg, "no interface nosuch0") == 0, &e);
	/* refused before any request */
	CHECK(netem_kernel_set("va", &(struct netem_params){ .reorder = 5 }, &e) == -EINVAL, &e);
	CHECK(netem_kernel_set("va", &(struct netem_params){ .rate_bps = 10 }, &e) == -ERANGE,
	      &e);
	r = netem_kernel_set("va", &p, &e);
	if (netem_kernel_available()) {
		CHECK(r == 0, &e);
		CHECK(netem_kernel_get("va", &got, &n, &e) == 1, &e);
		CHECK(got.delay_us == 50000 && got.rate_bps == 10000000, &e);
		CHECK(netem_kernel_set("va", &(struct netem_params){ .loss = 5 }, &e) == 0, &e);
		CHECK(strcmp(kind_at(&c, QDISC_TBF_PARENT, kind, sizeof(kind), &e), "") == 0, &e);
		CHECK(netem_kernel_set("va", &(struct netem_params){ 0 }, &e) == 0, &e);
	} else {
		CHECK(r < 0 && strstr(e.msg, "va: add netem qdisc: ") == e.msg, &e);
		print_message("without sch_netem: %s\n", e.msg);
	}
	CHECK(netem_kernel_get("va", &got, &n, &e) == 0, &e);
	CHECK(strcmp(kind_at(&c, TC_H_ROOT, kind, sizeof(kind), &e), before) == 0, &e);
}

static void engine_here(void **state)
{
	(void)state;
	in_netns(do_engine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netem_request), cmocka_unit_test(netem_request_minimal),
		cmocka_unit_test(tbf_request),	 cmocka_unit_test(available),
		cmocka_unit_test(tbf_for_real),	 cmocka_unit_test(engine_here),
	};

	if (netns_child_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
