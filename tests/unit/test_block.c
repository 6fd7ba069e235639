/* test_block.c - net_link_block for real, inside network namespaces this
 * test creates (the host network is never touched): a veth pair between
 * two fresh namespaces, UDP datagrams across it before, during and after
 * a block, and the addresses, routes and a user's own clsact filter
 * still there after the unblock.  Skipped, with the reason, when not
 * root or namespaces are unavailable. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <netlink/route/addr.h>
#include <netlink/route/classifier.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/route.h>

#include "block.h"
#include "link.h"
#include "nl.h"
#include "netns_child.h"


#define A_ADDR 0x0a090001 /* 10.9.0.1, va, this test's first namespace */
#define B_ADDR 0x0a090002 /* 10.9.0.2, vb, its second */

/* A UDP socket bound to addr:port in namespace ns (sockets keep theirs). */
static int udp_in(int ns, int home, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	int s;

	if (setns(ns, CLONE_NEWNET) < 0)
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s);
		s = -1;
	}
	if (setns(home, CLONE_NEWNET) < 0)
		return -1;
	return s;
}

/* Whether a datagram sent from s to addr:port reaches r within ms
 * (earlier datagrams waiting in r, say ones an ARP queue held through a
 * block, are skipped by their payload). */
static bool crosses(int s, int r, uint32_t addr, uint16_t port, int ms)
{
	static unsigned seq;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	struct pollfd p = { .fd = r, .events = POLLIN };
	char want[32], got[32];
	ssize_t n;

	snprintf(want, sizeof(want), "brig %u", ++seq);
	if (sendto(s, want, strlen(want), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return false;
	while (poll(&p, 1, ms) == 1) {
		n = recv(r, got, sizeof(got) - 1, 0);
		if (n < 0)
			return false;
		got[n] = '\0';
		if (strcmp(got, want) == 0)
			return true;
	}
	return false;
}

/* ip route add 10.77.0.0/24 via 10.9.0.2 (a route through va). */
static int route_add(struct nlctx *c, int ifindex)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = NULL, *gw = NULL;
	int err = -NLE_NOMEM;

	if (!r || !nh || nl_addr_parse("10.77.0.0/24", AF_INET, &dst) < 0 ||
	    nl_addr_parse("10.9.0.2", AF_INET, &gw) < 0)
		goto out;
	rtnl_route_set_family(r, AF_INET);
	rtnl_route_set_dst(r, dst);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL;
	err = rtnl_route_add(c->sk, r, NLM_F_CREATE | NLM_F_EXCL);
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (r)
		rtnl_route_put(r);
	nl_addr_put(dst);
	nl_addr_put(gw);
	return err;
}

/* How many objects of cache match filter. */
static int count_in(struct nl_cache *cache, struct nl_object *filter)
{
	int n = 0;

	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o))
		n += nl_object_match_filter(o, filter);
	return n;
}

/* 1 when va still has 10.9.0.1/24 and the route to 10.77.0.0/24. */
static int addr_and_route_there(struct nlctx *c, int ifindex)
{
	struct nl_cache *addrs = NULL, *routes = NULL;
	struct rtnl_addr *fa = rtnl_addr_alloc();
	struct rtnl_route *fr = rtnl_route_alloc();
	struct nl_addr *a = NULL, *d = NULL;
	int ok = 0;

	if (fa && fr && nl_addr_parse("10.9.0.1/24", AF_INET, &a) == 0 &&
	    nl_addr_parse("10.77.0.0/24", AF_INET, &d) == 0 &&
	    rtnl_addr_alloc_cache(c->sk, &addrs) == 0 &&
	    rtnl_route_alloc_cache(c->sk, AF_INET, 0, &routes) == 0) {
		rtnl_addr_set_ifindex(fa, ifindex);
		rtnl_addr_set_local(fa, a);
		rtnl_route_set_dst(fr, d);
		ok = count_in(addrs, (struct nl_object *)fa) == 1 &&
		     count_in(routes, (struct nl_object *)fr) == 1;
	}
	nl_cache_free(addrs);
	nl_cache_free(routes);
	nl_addr_put(a);
	nl_addr_put(d);
	rtnl_addr_put(fa);
	rtnl_route_put(fr);
	return ok;
}

/* A user's own filter: cls_bpf at priority 100 on va's ingress that lets
 * everything through (TC_ACT_OK), as `tc filter add dev va ingress prio
 * 100 bpf da ...` would. */
static int user_filter(struct nlctx *c, int ifindex, int type, int flags)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = TC_ACT_OK },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_handle = 1,
			   .tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
			   .tcm_info = TC_H_MAKE(100U << 16, htons(ETH_P_ALL)) };
	union bpf_attr a;
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);
	struct nlattr *o;
	int fd = -1, err;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"GPL";
	if (type == RTM_NEWTFILTER)
		fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (!m || (type == RTM_NEWTFILTER && fd < 0))
		return -1;
	nlmsg_append(m, &t, sizeof(t), NLMSG_ALIGNTO);
	nla_put_string(m, TCA_KIND, "bpf");
	if (fd >= 0) {
		o = nla_nest_start(m, TCA_OPTIONS);
		nla_put_u32(m, TCA_BPF_FD, (uint32_t)fd);
		nla_put_u32(m, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
		nla_nest_end(m, o);
	}
	err = nl_send_sync(c->sk, m);
	if (fd >= 0)
		close(fd);
	return err;
}

/* Filters on va's ingress hook. */
static int ingress_filters(struct nlctx *c, int ifindex)
{
	struct nl_cache *cache = NULL;
	int n;

	if (rtnl_cls_alloc_cache(c->sk, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
				 &cache) < 0)
		return -1;
	n = 0; /* filters, not the priorities' heads (handle 0) */
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o))
		n += rtnl_tc_get_handle(TC_CAST(o)) != 0;
	nl_cache_free(cache);
	return n;
}

struct pair {
	int home, other; /* netns fds: va's (the current one), vb's */
	int sa, sb;	 /* UDP sockets on 10.9.0.1:5001 and 10.9.0.2:5002 */
	int ifindex;	 /* va's */
};

static void make_pair(struct pair *p, struct brig_err *e)
{
	struct net_end a = { .netns = -1, .ifname = "va", .addr = A_ADDR, .prefix = 24 };
	struct net_end b = { .netns = -1, .ifname = "vb", .addr = B_ADDR, .prefix = 24 };

	p->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(p->home >= 0, e);
	CHECK(unshare(CLONE_NEWNET) == 0, e);
	p->other = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(p->other >= 0 && setns(p->home, CLONE_NEWNET) == 0, e);
	b.netns = p->other;
	CHECK(net_wire_create(&a, &b, 0, e) == 0, e);
	p->ifindex = (int)if_nametoindex("va");
	CHECK(p->ifindex > 0, e);
	p->sa = udp_in(p->home, p->home, A_ADDR, 5001);
	p->sb = udp_in(p->other, p->home, B_ADDR, 5002);
	CHECK(p->sa >= 0 && p->sb >= 0, e);
}

static bool both_ways(const struct pair *p, int ms)
{
	return crosses(p->sa, p->sb, B_ADDR, 5002, ms) && crosses(p->sb, p->sa, A_ADDR, 5001, ms);
}

static bool neither_way(const struct pair *p, int ms)
{
	return !crosses(p->sa, p->sb, B_ADDR, 5002, ms) && !crosses(p->sb, p->sa, A_ADDR, 5001, ms);
}

static void do_block(void)
{
	struct brig_err e = { 0 };
	cleanup_nlctx struct nlctx c = { 0 };
	cleanup_link struct rtnl_link *l = NULL;
	struct pair p;
	uint64_t dropped = 0;

	make_pair(&p, &e);
	CHECK(nlctx_open(&c, &e) == 0, &e);
	CHECK(route_add(&c, p.ifindex) == 0, &e);
	CHECK(both_ways(&p, 5000), &e);
	CHECK(net_link_blocked("va", &e) == 0, &e);
	CHECK(net_link_block("va", false, &e) == 0, &e); /* up when not down */
	CHECK(net_link_block("va", true, &e) == 0, &e);
	CHECK(net_link_block("va", true, &e) == 0, &e); /* down twice */
	CHECK(net_link_blocked("va", &e) == 1, &e);
	CHECK(ingress_filters(&c, p.ifindex) == 1, &e);
	CHECK(neither_way(&p, 300), &e);
	CHECK(net_link_block_dropped("va", &dropped, &e) == 0 && dropped > 0, &e);
	CHECK(net_link_block("va", false, &e) == 0, &e);
	CHECK(net_link_block("va", false, &e) == 0, &e);
	CHECK(net_link_blocked("va", &e) == 0, &e);
	CHECK(both_ways(&p, 5000), &e);
	/* what an admin-down would have lost is all there */
	CHECK(addr_and_route_there(&c, p.ifindex), &e);
	CHECK(nl_link_get(&c, "va", &l, &e) == 1 && (rtnl_link_get_flags(l) & IFF_UP), &e);
	/* brig's clsact went with its filters */
	CHECK(net_link_block_dropped("va", &dropped, &e) == 0 && dropped == 0, &e);
	CHECK(ingress_filters(&c, p.ifindex) == 0, &e);
}

static void block_both_ways(void **state)
{
	(void)state;
	in_netns(do_block);
}

/* A user's clsact filter is neither removed nor bypassed. */
static void do_user_filter(void)
{
	struct brig_err e = { 0 };
	cleanup_nlctx struct nlctx c = { 0 };
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	struct pair p;

	make_pair(&p, &e);
	CHECK(nlctx_open(&c, &e) == 0 && q, &e);
	rtnl_tc_set_ifindex(TC_CAST(q), p.ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_CLSACT);
	rtnl_tc_set_handle(TC_CAST(q), TC_H_MAKE(TC_H_CLSACT, 0));
	rtnl_tc_set_kind(TC_CAST(q), "clsact");
	CHECK(rtnl_qdisc_add(c.sk, q, NLM_F_CREATE | NLM_F_EXCL) == 0, &e);
	rtnl_qdisc_put(q);
	CHECK(user_filter(&c, p.ifindex, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL) == 0, &e);
	CHECK(both_ways(&p, 5000), &e);
	CHECK(net_link_block("va", true, &e) == 0, &e);
	CHECK(ingress_filters(&c, p.ifindex) == 2, &e);
	CHECK(neither_way(&p, 300), &e);
	CHECK(net_link_block("va", false, &e) == 0, &e);
	CHECK(net_link_blocked("va", &e) == 0, &e);
	CHECK(ingress_filters(&c, p.ifindex) == 1, &e); /* the user's, and its qdisc */
	CHECK(both_ways(&p, 5000), &e);
	CHECK(user_filter(&c, p.ifindex, RTM_DELTFILTER, 0) == 0, &e);
	CHECK(ingress_filters(&c, p.ifindex) == 0, &e);
}

static void user_filter_kept(void **state)
{
	(void)state;
	in_netns(do_user_filter);
}

static void do_missing(void)
{
	struct brig_err e = { 0 };

	CHECK(net_link_block("nosuch0", true, &e) == -ENODEV, &e);
	CHECK(strcmp(e.msg, "no interface nosuch0") == 0, &e);
	CHECK(net_link_blocked("nosuch0", &e) == -ENODEV, &e);
}

static void missing_interface(void **state)
{
	(void)state;
	in_netns(do_missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_both_ways),
		cmocka_unit_test(user_filter_kept),
		cmocka_unit_test(missing_interface),
	};

	if (netns_child_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
