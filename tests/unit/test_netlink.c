/* test_netlink.c - net/ against a real kernel, but only inside network
 * namespaces this test creates: each case forks a child that unshares a
 * fresh, empty netns (the host network is never touched) and runs there.
 * Skipped, with the reason, when not root or namespaces are unavailable. */
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bridge.h"
#include "link.h"
#include "nat.h"
#include "parse.h"
#include "netns_child.h"


static const struct net_network net_a = { .name = "bridge", .bridge = "br0",
					  .subnet = 0x0a580000, .prefix = 16,
					  .gateway = 0x0a580001 };
static const struct net_network net_b = { .name = "lab", .bridge = "brlab",
					  .subnet = 0x0a590000, .prefix = 24,
					  .gateway = 0x0a590001, .mtu = 1400, .internal = true };

static void do_bridge(void)
{
	struct brig_err e = { 0 };
	struct net_network other = net_a, clash = { .name = "clash", .bridge = "brc",
						    .subnet = 0x0a585000, .prefix = 24,
						    .gateway = 0x0a585001 };
	uint64_t rx, tx;

	CHECK(net_check_host_routes(&net_a, &e) == 0, &e);
	CHECK(net_bridge_ensure(&net_a, &e) == 0, &e);
	CHECK(net_bridge_ensure(&net_a, &e) == 0, &e); /* idempotent */
	CHECK(net_link_stats("br0", &rx, &tx, &e) == 0, &e);
	/* its own route does not conflict; a subnet inside it does */
	CHECK(net_check_host_routes(&net_a, &e) == 0, &e);
	CHECK(net_check_host_routes(&clash, &e) == -EEXIST, &e);
	CHECK(strstr(e.msg, "10.88.0.0/16 dev br0") != NULL, &e);
	/* a link of that name that is not a brig bridge is refused */
	CHECK(net_lo_up(&e) == 0, &e);
	snprintf(other.bridge, sizeof(other.bridge), "lo");
	CHECK(net_bridge_ensure(&other, &e) == -EEXIST, &e);
	CHECK(strcmp(e.msg, "link lo exists and is not a brig bridge") == 0, &e);
	CHECK(net_bridge_remove(&other, &e) == 0, &e); /* not ours: left alone */
	CHECK(net_link_stats("lo", &rx, &tx, &e) == 0, &e);
	CHECK(net_bridge_ensure(&net_b, &e) == 0, &e);
	CHECK(net_bridge_remove(&net_a, &e) == 0, &e);
	CHECK(net_bridge_remove(&net_a, &e) == 0, &e); /* idempotent */
	CHECK(net_link_stats("br0", &rx, &tx, &e) == -ENODEV, &e);
	CHECK(net_bridge_remove(&net_b, &e) == 0, &e);
	CHECK(net_link_delete("nosuchlink", &e) == 0, &e);
}

static void bridge_lifecycle(void **state)
{
	(void)state;
	in_netns(do_bridge);
}

/* The "container": its own netns; waits for the veth, then configures it. */
static void container(int go, int done)
{
	struct brig_err e = { 0 };
	uint8_t mac[6];
	uint64_t rx, tx;
	char c;
	int r = 0;

	/* Never outlive the test: die with the parent. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || unshare(CLONE_NEWNET) < 0)
		_exit(2);
	if (write(done, "r", 1) != 1) /* netns ready */
		_exit(2);
	if (read(go, &c, 1) != 1) /* veth is here */
		_exit(2);
	net_mac_from_ip(0x0a580002, mac);
	r = net_iface_configure("ceth0", "eth0", 0x0a580002, 16, mac, 0x0a580001, &e);
	if (r == 0)
		r = net_lo_up(&e);
	if (r == 0)
		r = net_link_stats("eth0", &rx, &tx, &e);
	if (r == 0 && net_link_stats("ceth0", &rx, &tx, &e) != -ENODEV)
		r = -EEXIST;
	if (r < 0)
		snprintf(report, 2048, "container: %s", e.msg);
	if (write(done, r == 0 ? "y" : "n", 1) != 1)
		_exit(2);
	if (read(go, &c, 1) < 0) /* hold the netns until told */
		_exit(2);
	_exit(r == 0 ? 0 : 1);
}

static void do_veth(void)
{
	struct brig_err e = { 0 };
	int go[2], done[2], status;
	uint64_t rx, tx;
	pid_t peer;
	char c = 0;

	CHECK(pipe(go) == 0 && pipe(done) == 0, &e);
	peer = fork();
	CHECK(peer >= 0, &e);
	if (peer == 0) {
		close(go[1]);
		close(done[0]);
		container(go[0], done[1]);
	}
	close(go[0]);
	close(done[1]);
	CHECK(read(done[0], &c, 1) == 1 && c == 'r', &e);
	CHECK(net_bridge_ensure(&net_a, &e) == 0, &e);
	CHECK(net_veth_create("vh0", "ceth0", "br0", 1450, peer, &e) == 0, &e);
	CHECK(net_link_stats("vh0", &rx, &tx, &e) == 0, &e);
	CHECK(net_link_stats("ceth0", &rx, &tx, &e) == -ENODEV, &e); /* moved away */
	/* same names again: refused, and the existing pair is not removed */
	CHECK(net_veth_create("vh0", "ceth1", "br0", 1450, peer, &e) == -EEXIST, &e);
	CHECK(net_link_stats("vh0", &rx, &tx, &e) == 0, &e);
	/* a failure after nothing was made leaves nothing behind */
	CHECK(net_veth_create("vh1", "ceth1", "nobridge", 0, peer, &e) == -ENODEV, &e);
	CHECK(net_veth_create("vh1", "ceth1", "br0", 0, 999999999, &e) < 0, &e);
	CHECK(net_link_stats("vh1", &rx, &tx, &e) == -ENODEV, &e);
	CHECK(write(go[1], "g", 1) == 1, &e);
	CHECK(read(done[0], &c, 1) == 1, &e);
	CHECK(c == 'y', &e);
	CHECK(write(go[1], "q", 1) == 1, &e);
	CHECK(waitpid(peer, &status, 0) == peer && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0, &e);
	CHECK(net_link_delete("vh0", &e) == 0, &e);
	CHECK(net_link_stats("vh0", &rx, &tx, &e) == -ENODEV, &e);
	CHECK(net_bridge_remove(&net_a, &e) == 0, &e);
}

static void veth_and_container(void **state)
{
	(void)state;
	in_netns(do_veth);
}

static void do_nat(void)
{
	struct net_network nets[2] = { net_a, net_b };
	struct brig_err e = { 0 };
	bool ok = true;

	CHECK(net_nat_check(&ok, &e) == 0 && !ok, &e);
	CHECK(net_nat_apply(NULL, 0, &e) == 0, &e); /* delete of an absent table */
	CHECK(net_nat_apply(nets, 2, &e) == 0, &e);
	CHECK(net_nat_check(&ok, &e) == 0 && ok, &e);
	CHECK(net_nat_apply(nets, 1, &e) == 0, &e); /* replace */
	CHECK(net_nat_check(&ok, &e) == 0 && ok, &e);
	CHECK(net_nat_apply(NULL, 0, &e) == 0, &e);
	CHECK(net_nat_check(&ok, &e) == 0 && !ok, &e);
	CHECK(net_nat_apply(nets, 2, &e) == 0, &e);
	CHECK(net_nat_check(&ok, &e) == 0 && ok, &e);
	CHECK(net_nat_apply(NULL, 0, &e) == 0, &e);
}

static void nat_table(void **state)
{
	(void)state;
	in_netns(do_nat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bridge_lifecycle),
		cmocka_unit_test(veth_and_container),
		cmocka_unit_test(nat_table),
	};

	if (netns_child_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
