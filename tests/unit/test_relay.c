/* test_relay.c - the user engine's relay against a real kernel, only in
 * network namespaces this test creates (as test_netlink.c does): a child
 * unshares netns A and B joined by a veth pair A:x 10.9.0.1 <-> B:y
 * 10.9.0.2 (plus 10.9.1.2/24, fd00::2/64, a route 10.10.0.0/24 and the
 * default route via 10.9.0.1 on y), then forks the relay, which unshares its own netns,
 * splices itself into B's end and runs.  UDP and ICMP cross it; a 50 ms
 * delay each way gives an RTT of at least 100 ms; 100% loss blocks and is
 * counted; unsplicing gives back a plain pair with B's addresses and
 * routes; killing the relay takes the link away and nothing else.
 * Skipped, with the reason, when not root. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "link.h"
#include "nl.h"
#include "relay.h"
#include "netns_child.h"

static int ns_a = -1, ns_b = -1;
static char shm_path[64];

static void enter(int ns)
{
	struct brig_err e = { .msg = "setns" };

	CHECK(setns(ns, CLONE_NEWNET) == 0, &e);
}

static int new_netns(void)
{
	struct brig_err e = { .msg = "unshare" };

	CHECK(unshare(CLONE_NEWNET) == 0, &e);
	CHECK(net_lo_up(&e) == 0, &e);
	return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

/* ---- B's extra configuration, and checking it ---- */

static void add_addr(struct nlctx *c, int ifindex, const char *cidr)
{
	struct brig_err e = { 0 };
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;

	snprintf(e.msg, sizeof(e.msg), "add %s", cidr);
	CHECK(a && nl_addr_parse(cidr, AF_UNSPEC, &local) == 0, &e);
	rtnl_addr_set_ifindex(a, ifindex);
	CHECK(rtnl_addr_set_local(a, local) == 0, &e);
	rtnl_addr_set_flags(a, IFA_F_NODAD);
	CHECK(rtnl_addr_add(c->sk, a, 0) == 0, &e);
	nl_addr_put(local);
	rtnl_addr_put(a);
}

static void add_route(struct nlctx *c, int ifindex, const char *dst, const char *via)
{
	struct brig_err e = { 0 };
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = NULL, *g = NULL;

	snprintf(e.msg, sizeof(e.msg), "route %s via %s", dst, via);
	CHECK(r && nh && nl_addr_parse(dst, AF_INET, &d) == 0, &e);
	CHECK(nl_addr_parse(via, AF_INET, &g) == 0, &e);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(r, nh);
	rtnl_route_set_dst(r, d);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	CHECK(rtnl_route_add(c->sk, r, NLM_F_EXCL) == 0, &e);
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(r);
}

/* What y in B looks like: its MAC, addresses and routes as one string. */
static void describe_y(char *out, size_t len)
{
	struct brig_err e = { .msg = "describe y" };
	struct nlctx c = { 0 };
	struct rtnl_link *l = NULL;
	struct nl_cache *cache = NULL;
	char buf[128];
	int ifindex;
	size_t n = 0;

	enter(ns_b);
	CHECK(nlctx_open(&c, &e) == 0 && nl_link_get(&c, "y", &l, &e) == 1, &e);
	ifindex = rtnl_link_get_ifindex(l);
	n += (size_t)snprintf(out + n, len - n, "mac %s up %d master %d alias %s mtu %u;",
			      nl_addr2str(rtnl_link_get_addr(l), buf, sizeof(buf)),
			      !!(rtnl_link_get_flags(l) & IFF_UP), rtnl_link_get_master(l),
			      rtnl_link_get_ifalias(l) ? rtnl_link_get_ifalias(l) : "-",
			      rtnl_link_get_mtu(l));
	CHECK(rtnl_addr_alloc_cache(c.sk, &cache) == 0, &e);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) == ifindex && rtnl_addr_get_scope(a) != RT_SCOPE_LINK)
			n += (size_t)snprintf(out + n, len - n, " %s",
					      nl_addr2str(rtnl_addr_get_local(a), buf, sizeof(buf)));
	}
	nl_cache_free(cache);
	CHECK(rtnl_route_alloc_cache(c.sk, AF_INET, 0, &cache) == 0, &e);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);

		if (nh && rtnl_route_nh_get_ifindex(nh) == ifindex &&
		    rtnl_route_get_table(r) == RT_TABLE_MAIN)
			n += (size_t)snprintf(out + n, len - n, " route %s",
					      nl_addr2str(rtnl_route_get_dst(r), buf, sizeof(buf)));
	}
	nl_cache_free(cache);
	rtnl_link_put(l);
	nlctx_close(&c);
}

/* A and B joined by x/y, B's side with more addresses and a route. */
static void build_pair(void)
{
	struct net_end a = { .netns = -1, .ifname = "x", .addr = 0x0a090001, .prefix = 24 };
	struct net_end b = { .netns = -1, .ifname = "y", .addr = 0x0a090002, .prefix = 24 };
	struct brig_err e = { 0 };
	struct nlctx c = { 0 };
	struct rtnl_link *l = NULL;

	ns_a = new_netns();
	ns_b = new_netns();
	a.netns = ns_a;
	b.netns = ns_b;
	CHECK(net_wire_create(&a, &b, 0, &e) == 0, &e);
	enter(ns_b);
	CHECK(nlctx_open(&c, &e) == 0 && nl_link_get(&c, "y", &l, &e) == 1, &e);
	add_addr(&c, rtnl_link_get_ifindex(l), "10.9.1.2/24");
	add_addr(&c, rtnl_link_get_ifindex(l), "fd00::2/64");
	add_route(&c, rtnl_link_get_ifindex(l), "10.10.0.0/24", "10.9.0.1");
	add_route(&c, rtnl_link_get_ifindex(l), "0.0.0.0/0", "10.9.0.1"); /* libnl: "none" */
	rtnl_link_put(l);
	nlctx_close(&c);
}

/* ---- traffic ---- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A UDP socket of namespace ns on addr:port, receiving with a timeout. */
static int udp_socket(int ns, const char *addr, int port, int timeout_ms)
{
	struct brig_err e = { .msg = "udp socket" };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000 };
	int fd;

	enter(ns);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, &e);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, &e);
	return fd;
}

/* A to B and back: the round trip in ms, or -1 when a datagram is lost. */
static long udp_rtt(int timeout_ms)
{
	int fa = udp_socket(ns_a, "10.9.0.1", 5000, timeout_ms);
	int fb = udp_socket(ns_b, "10.9.0.2", 5001, timeout_ms);
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint64_t t0 = mono_ms();
	char buf[64];
	long rtt = -1;

	to.sin_port = htons(5001);
	inet_pton(AF_INET, "10.9.0.2", &to.sin_addr);
	sendto(fa, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to));
	if (recv(fb, buf, sizeof(buf), 0) == 4) {
		to.sin_port = htons(5000);
		inet_pton(AF_INET, "10.9.0.1", &to.sin_addr);
		sendto(fb, "pong", 4, 0, (struct sockaddr *)&to, sizeof(to));
		if (recv(fa, buf, sizeof(buf), 0) == 4)
			rtt = (long)(mono_ms() - t0);
	}
	close(fa);
	close(fb);
	return rtt;
}

static uint16_t icmp_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* An ICMP echo from A to B: true when the reply came. */
static bool ping_b(void)
{
	struct brig_err e = { .msg = "icmp socket" };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	struct icmphdr req = { .type = ICMP_ECHO, .un.echo = { .id = htons(77), .sequence = htons(1) } };
	uint8_t buf[256];
	int fd;

	enter(ns_a);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	CHECK(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, &e);
	req.checksum = icmp_sum(&req, sizeof(req));
	inet_pton(AF_INET, "10.9.0.2", &to.sin_addr);
	CHECK(sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) > 0, &e);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct iphdr *ip = (struct iphdr *)buf;
		struct icmphdr *rep;

		if (n <= 0)
			break;
		rep = (struct icmphdr *)(buf + ip->ihl * 4);
		if (rep->type == ICMP_ECHOREPLY && rep->un.echo.id == htons(77)) {
			close(fd);
			return true;
		}
	}
	close(fd);
	return false;
}

/* ---- the relay ---- */

/* The relay process: its own netns, spliced into B's y; runs until the
 * stop pipe has a byte ('u': then unsplice). */
static void relay_main(int ready, int stop)
{
	struct brig_err e = { 0 };
	struct relay_shm m = { .fd = -1 };
	int fa, fb;
	char c = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(2);
	new_netns();
	CHECK(net_relay_splice(ns_b, "y", "ra", "rb", &e) == 0, &e);
	/* the sides add no packet of their own (IPv6 DAD, MLD, RS) to the link */
	for (int i = 0; i < 2; i++) {
		char path[64], v[4] = "";
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
			 i ? "rb" : "ra");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(e.msg, sizeof(e.msg), "%s", path);
		CHECK(fd < 0 || (read(fd, v, 1) == 1 && v[0] == '1'), &e);
		if (fd >= 0)
			close(fd);
	}
	CHECK((fa = relay_socket("ra", &e)) >= 0, &e);
	CHECK((fb = relay_socket("rb", &e)) >= 0, &e);
	CHECK(relay_shared_open(shm_path, false, &m, &e) == 0, &e);
	CHECK(write(ready, "r", 1) == 1, &e);
	CHECK(relay_run(fa, fb, &m, stop, &e) == 0, &e);
	CHECK(read(stop, &c, 1) >= 0, &e); /* 0: closed, no unsplice */
	close(fa);
	close(fb);
	if (c == 'u')
		CHECK(net_relay_unsplice(ns_b, "y", "ra", "rb", &e) == 0, &e);
	_exit(0);
}

/* Fork the relay; *stop_w: the pipe end that stops it. */
static pid_t relay_start(struct relay_shm *m, int *stop_w)
{
	struct brig_err e = { 0 };
	int ready[2], stop[2];
	pid_t pid;
	char c;

	snprintf(shm_path, sizeof(shm_path), "/tmp/test_relay.%d", getpid());
	CHECK(relay_shared_open(shm_path, true, m, &e) == 0, &e);
	CHECK(pipe2(ready, O_CLOEXEC) == 0 && pipe2(stop, O_CLOEXEC) == 0, &e);
	pid = fork();
	CHECK(pid >= 0, &e);
	if (pid == 0) {
		close(ready[0]);
		close(stop[1]); /* so that closing it in the test is EOF here */
		relay_main(ready[1], stop[0]);
	}
	close(ready[1]);
	close(stop[0]);
	snprintf(e.msg, sizeof(e.msg), "relay did not start: %s", report);
	CHECK(read(ready[0], &c, 1) == 1, &e);
	close(ready[0]);
	*stop_w = stop[1];
	return pid;
}

static void relay_wait(pid_t pid)
{
	struct brig_err e = { 0 };
	int status;

	snprintf(e.msg, sizeof(e.msg), "relay failed: %s", report);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      &e);
}

static void do_relay_impairs(void)
{
	struct netem_params delay = { .delay_us = 50000 }, loss = { .loss = 100 }, none = { 0 };
	struct netem_params p[2];
	struct netem_counters c[2];
	struct brig_err e = { 0 };
	struct relay_shm m;
	char before[400], spliced[400], after[400];
	int stop;
	long rtt;
	pid_t pid;

	build_pair();
	describe_y(before, sizeof(before));
	snprintf(e.msg, sizeof(e.msg), "before: %s", before);
	CHECK(strstr(before, "10.9.1.2/24") && strstr(before, "fd00::2/64") &&
	      strstr(before, "route 10.10.0.0/24") && strstr(before, "route none"), &e);
	pid = relay_start(&m, &stop);
	describe_y(spliced, sizeof(spliced));
	snprintf(e.msg, sizeof(e.msg), "before: %s; spliced: %s", before, spliced);
	CHECK(strcmp(before, spliced) == 0, &e);
	/* "ready" comes just before relay_run, which says RUNNING */
	for (int i = 0; i < 500 && __atomic_load_n(&m.sh->state, __ATOMIC_ACQUIRE) != RELAY_RUNNING;
	     i++)
		usleep(10000);
	CHECK(m.sh->state == RELAY_RUNNING && m.sh->pid == pid, &e);

	/* no impairment: UDP and ICMP cross, counted both ways */
	CHECK(udp_rtt(2000) >= 0, &e);
	CHECK(ping_b(), &e);
	relay_shared_read(&m, p, c);
	CHECK(c[RELAY_AB].packets >= 2 && c[RELAY_BA].packets >= 2 && c[RELAY_AB].bytes > 0, &e);

	/* 50 ms each way */
	CHECK(relay_shared_set(&m, RELAY_AB, &delay, &e) == 0, &e);
	CHECK(relay_shared_set(&m, RELAY_BA, &delay, &e) == 0, &e);
	rtt = udp_rtt(2000);
	snprintf(e.msg, sizeof(e.msg), "rtt %ld ms", rtt);
	CHECK(rtt >= 100, &e);
	if (getenv("TEST_RELAY_VERBOSE"))
		fprintf(stderr, "rtt %ld ms; y before: %s\n", rtt, before);
	relay_shared_read(&m, p, c);
	CHECK(p[RELAY_BA].delay_us == 50000, &e);

	/* 100% loss one way blocks, and is counted */
	CHECK(relay_shared_set(&m, RELAY_AB, &loss, &e) == 0, &e);
	CHECK(udp_rtt(300) < 0, &e);
	CHECK(!ping_b(), &e);
	relay_shared_read(&m, p, c);
	CHECK(c[RELAY_AB].dropped >= 2, &e);

	/* cleared: through again */
	CHECK(relay_shared_set(&m, RELAY_AB, &none, &e) == 0, &e);
	CHECK(relay_shared_set(&m, RELAY_BA, &none, &e) == 0, &e);
	CHECK(udp_rtt(2000) >= 0, &e);

	/* stop and unsplice: a plain pair with the same configuration */
	CHECK(write(stop, "u", 1) == 1, &e);
	relay_wait(pid);
	CHECK(m.sh->state == RELAY_STOPPED, &e);
	describe_y(after, sizeof(after));
	snprintf(e.msg, sizeof(e.msg), "before: %s; after: %s", before, after);
	CHECK(strcmp(before, after) == 0, &e);
	CHECK(udp_rtt(2000) >= 0, &e);
	CHECK(ping_b(), &e);
	relay_shared_close(&m);
	unlink(shm_path);
}

static void relay_impairs(void **state)
{
	(void)state;
	in_netns(do_relay_impairs);
}

/* Link count of namespace ns with name present or not. */
static int has_link(int ns, const char *name)
{
	struct brig_err e = { 0 };

	enter(ns);
	return net_link_probe(name, NULL, &e);
}

static void do_relay_killed(void)
{
	struct brig_err e = { 0 };
	struct relay_shm m;
	int stop, tries;
	pid_t pid;

	build_pair();
	pid = relay_start(&m, &stop);
	CHECK(udp_rtt(2000) >= 0, &e);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, NULL, 0) == pid, &e);
	/* the relay's netns dies with it, and both veth pairs with that; the
	 * kernel does it a little later (cleanup_net) */
	for (tries = 0; tries < 500 && (has_link(ns_a, "x") || has_link(ns_b, "y")); tries++)
		usleep(10000);
	snprintf(e.msg, sizeof(e.msg), "x or y still there");
	CHECK(has_link(ns_a, "x") == 0 && has_link(ns_b, "y") == 0, &e);
	CHECK(has_link(ns_a, "lo") == 1 && has_link(ns_b, "lo") == 1, &e);
	relay_shared_close(&m);
	unlink(shm_path);
}

static void relay_killed(void **state)
{
	(void)state;
	in_netns(do_relay_killed);
}

/* The container end goes away (A:x deleted, its peer side_a with it):
 * relay_run returns 0 by itself, and the relay's exit takes B:y along. */
static void do_relay_iface_gone(void)
{
	struct brig_err e = { 0 };
	struct relay_shm m;
	int stop, tries;
	pid_t pid;

	build_pair();
	pid = relay_start(&m, &stop);
	CHECK(udp_rtt(2000) >= 0, &e);
	enter(ns_a);
	CHECK(net_link_delete("x", &e) == 0, &e);
	for (tries = 0; tries < 500 && __atomic_load_n(&m.sh->state, __ATOMIC_ACQUIRE) !=
					       RELAY_STOPPED; tries++)
		usleep(10000);
	snprintf(e.msg, sizeof(e.msg), "relay still running after x went");
	CHECK(m.sh->state == RELAY_STOPPED, &e);
	close(stop); /* it then exits without unsplicing */
	relay_wait(pid);
	for (tries = 0; tries < 500 && has_link(ns_b, "y"); tries++)
		usleep(10000);
	snprintf(e.msg, sizeof(e.msg), "y still there");
	CHECK(has_link(ns_b, "y") == 0, &e);
	relay_shared_close(&m);
	unlink(shm_path);
}

static void relay_iface_gone(void **state)
{
	(void)state;
	in_netns(do_relay_iface_gone);
}

/* A bad shared file is refused; splicing a missing interface says which;
 * a splice that fails half-way is undone. */
static void do_relay_errors(void)
{
	struct net_end rb = { .netns = -1, .ifname = "rb" }, rbx = { .netns = -1, .ifname = "rbx" };
	char before[400], after[400];
	struct brig_err e = { 0 };
	struct relay_shm m;
	char path[] = "/tmp/test_relay_bad.XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, "not a relay file, just some bytes long enough to map.", 53) == 53,
	      &e);
	CHECK(ftruncate(fd, sizeof(struct relay_shared)) == 0, &e);
	close(fd);
	CHECK(relay_shared_open(path, false, &m, &e) == -EINVAL, &e);
	CHECK(strstr(e.msg, "not a brig relay file") != NULL, &e);
	unlink(path);
	CHECK(relay_shared_open("/nonexistent/relay", false, &m, &e) == -ENOENT, &e);
	build_pair();
	describe_y(before, sizeof(before));
	new_netns();
	CHECK(net_relay_splice(ns_b, "nosuch", "ra", "rb", &e) == -ENODEV, &e);
	CHECK(strstr(e.msg, "nosuch") != NULL, &e);
	CHECK(relay_socket("nosuch", &e) < 0, &e);
	/* side_b's name taken: undone, y back in B as it was, rb left alone */
	CHECK(net_wire_create(&rb, &rbx, 0, &e) == 0, &e);
	CHECK(net_relay_splice(ns_b, "y", "ra", "rb", &e) == -EEXIST, &e);
	CHECK(strstr(e.msg, "splice relay into y") != NULL, &e);
	CHECK(net_link_probe("rb", NULL, &e) == 1 && net_link_probe("ra", NULL, &e) == 0, &e);
	describe_y(after, sizeof(after));
	snprintf(e.msg, sizeof(e.msg), "before: %s; after: %s", before, after);
	CHECK(strcmp(before, after) == 0, &e);
	CHECK(udp_rtt(2000) >= 0, &e);
}

/* The host side of a container's eth0: y is a port of a bridge that holds
 * B's address (and y has an alias and its own MTU); the relay keeps all of
 * that on the new y. */
static void do_relay_bridge_port(void)
{
	struct net_end a = { .netns = -1, .ifname = "x", .addr = 0x0a090001, .prefix = 24 };
	struct net_end b = { .netns = -1, .ifname = "y", .master = "brx", .mark = "brig-test" };
	struct brig_err e = { 0 };
	char before[400], spliced[400], after[400];
	struct relay_shm m;
	int stop;
	pid_t pid;

	ns_a = new_netns();
	ns_b = new_netns();
	CHECK(net_bridge_add_marked("brx", "brig-test", &e) == 1, &e);
	a.netns = ns_a;
	b.netns = ns_b;
	CHECK(net_wire_create(&a, &b, 1400, &e) == 0, &e);
	enter(ns_b);
	{
		struct nlctx c = { 0 };
		struct rtnl_link *l = NULL;

		CHECK(nlctx_open(&c, &e) == 0 && nl_link_get(&c, "brx", &l, &e) == 1, &e);
		add_addr(&c, rtnl_link_get_ifindex(l), "10.9.0.2/24");
		rtnl_link_put(l);
		nlctx_close(&c);
	}
	describe_y(before, sizeof(before));
	snprintf(e.msg, sizeof(e.msg), "before: %s", before);
	CHECK(strstr(before, "alias brig-test mtu 1400") && !strstr(before, "master 0 "), &e);
	pid = relay_start(&m, &stop);
	describe_y(spliced, sizeof(spliced));
	snprintf(e.msg, sizeof(e.msg), "before: %s; spliced: %s", before, spliced);
	CHECK(strcmp(before, spliced) == 0, &e);
	CHECK(udp_rtt(2000) >= 0, &e);
	CHECK(ping_b(), &e);
	CHECK(write(stop, "u", 1) == 1, &e);
	relay_wait(pid);
	describe_y(after, sizeof(after));
	snprintf(e.msg, sizeof(e.msg), "before: %s; after: %s", before, after);
	CHECK(strcmp(before, after) == 0, &e);
	CHECK(udp_rtt(2000) >= 0, &e);
	relay_shared_close(&m);
	unlink(shm_path);
}

static void relay_bridge_port(void **state)
{
	(void)state;
	in_netns(do_relay_bridge_port);
}

static void relay_errors(void **state)
{
	(void)state;
	in_netns(do_relay_errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relay_impairs),
		cmocka_unit_test(relay_killed),
		cmocka_unit_test(relay_iface_gone),
		cmocka_unit_test(relay_bridge_port),
		cmocka_unit_test(relay_errors),
	};

	if (netns_child_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
