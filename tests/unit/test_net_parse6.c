/* test_net_parse6.c - net/parse6.c: IPv6 addresses and subnets, the v6
 * half of a network, the unique-local /64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

static void ip6_ok(void **state)
{
	struct brig_err e = { 0 };
	struct in6_addr a;
	char buf[NET_IP6_STRLEN];

	(void)state;
	assert_int_equal(net_parse_ip6("fd00::1", &a, &e), 0);
	assert_string_equal(net_ip6_str(&a, buf), "fd00::1");
	assert_int_equal(net_parse_ip6("FD00:0:0:0:0:0:0:00a", &a, &e), 0);
	assert_string_equal(net_ip6_str(&a, buf), "fd00::a");
	assert_int_equal(net_parse_ip6("::1", &a, &e), 0);
	assert_true(net_ip6_u128(&a) == 1);
	/* RFC 5952, never the dotted form inet_ntop picks for ::/96 */
	static const char *const same[] = { "::2:8", "::", "1::", "1:0:0:1::1", "1::1:0:0:1",
					    "fd00:0:1:2:3:4:5:6", "::ffff" };
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(net_parse_ip6(same[i], &a, &e), 0);
		assert_string_equal(net_ip6_str(&a, buf), same[i]);
	}
}

static void ip6_bad(void **state)
{
	static const struct {
		const char *s, *msg;
	} bad[] = {
		{ ":::", "invalid IPv6 address ':::'" },
		{ "", "invalid IPv6 address" },
		{ "fd00::1/64", "invalid IPv6 address" },
		{ "fd00::g", "invalid IPv6 address" },
		{ "fe80::1%eth0", "invalid IPv6 address" },
		{ "1.2.3.4", "invalid IPv6 address" },
		{ "1:2:3:4:5:6:7:8:9", "invalid IPv6 address" },
		{ "::ffff:1.2.3.4", "IPv4-mapped" },
		{ "::ffff:102:304", "IPv4-mapped" },
		{ "::1.2.3.4", "dotted IPv4 tail" },
		{ " fd00::1", "invalid IPv6 address" },
	};
	struct brig_err e = { 0 };
	struct in6_addr a;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(net_parse_ip6(bad[i].s, &a, &e), -EINVAL);
		assert_non_null(strstr(e.msg, bad[i].msg));
		assert_null(strchr(e.msg, '\n'));
	}
	assert_int_equal(net_parse_ip6(NULL, &a, NULL), -EINVAL);
}

static void cidr6(void **state)
{
	struct brig_err e = { 0 };
	struct in6_addr a;
	char buf[NET_CIDR6_STRLEN];
	int p;

	(void)state;
	assert_int_equal(net_parse_cidr6("fd00:1::/64", &a, &p, &e), 0);
	assert_int_equal(p, 64);
	assert_string_equal(net_prefix6_str(&a, p, buf), "fd00:1::/64");
	assert_int_equal(net_parse_cidr6("::/0", &a, &p, &e), 0);
	assert_int_equal(p, 0);
	assert_int_equal(net_parse_cidr6("fd00::5/128", &a, &p, &e), 0);
	assert_int_equal(net_parse_cidr6("fd00::1/64", &a, &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "host bits set (did you mean fd00::/64?)"));
	assert_int_equal(net_parse_cidr6("fd00::/129", &a, &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "invalid IPv6 subnet 'fd00::/129' (want ADDR/N, N in 0..128)"));
	static const char *const bad[] = { "fd00::", "fd00::/", "fd00::/064", "fd00::/-1",
					   "fd00::/6a", ":::/64", "/64", "fd00::/64/1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(net_parse_cidr6(bad[i], &a, &p, &e), -EINVAL);
	assert_int_equal(net_parse_cidr6("::ffff:1.2.3.0/120", &a, &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "IPv4-mapped"));
	assert_int_equal(net_parse_addr_prefix6("fd00::7/64", &a, &p, &e), 0);
	assert_int_equal(net_parse_addr_prefix6("fd00::7/0", &a, &p, &e), -EINVAL);
}

static void overlap6(void **state)
{
	struct in6_addr a, b;
	int pa, pb;

	(void)state;
	net_parse_cidr6("fd00:1::/64", &a, &pa, NULL);
	net_parse_cidr6("fd00:1::/48", &b, &pb, NULL);
	assert_true(net_overlaps6(&a, pa, &b, pb));
	net_parse_cidr6("fd00:2::/64", &b, &pb, NULL);
	assert_false(net_overlaps6(&a, pa, &b, pb));
	net_parse_ip6("fd00:1::ffff", &b, NULL);
	assert_true(net_in_subnet6(&b, &a, pa));
}

static struct net_network net6(const char *cidr)
{
	struct net_network n = { .name = "t", .ipv6 = true };

	net_parse_cidr6(cidr, &n.subnet6, &n.prefix6, NULL);
	return n;
}

static void validate6(void **state)
{
	struct brig_err e = { 0 };
	struct net_network n = net6("fd00:1::/64");
	char buf[NET_IP6_STRLEN];

	(void)state;
	assert_int_equal(net_network_validate6(&n, &e), 0);
	assert_string_equal(net_ip6_str(&n.gateway6, buf), "fd00:1::1");
	n = net6("fd00:1::/120");
	assert_int_equal(net_network_validate6(&n, &e), 0);
	n = net6("fd00:1::/48");
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "want /64 to /120"));
	n = net6("fd00:1::/124");
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	n = net6("fe80::/64");
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "link-local"));
	n = net6("ff02::/64");
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	n = net6("::/64");
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	n = net6("fd00:1::/64");
	net_parse_ip6("fd00:1::", &n.gateway6, NULL); /* the anycast address */
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "IPv6 gateway fd00:1:: is not a host address of fd00:1::/64"));
	net_parse_ip6("fd00:2::1", &n.gateway6, NULL);
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a host address"));
	n = net6("fd00:1::/64");
	n.no_gateway = true;
	assert_int_equal(net_network_validate6(&n, &e), 0);
	assert_true(net_ip6_u128(&n.gateway6) == 0);
	n = net6("fd00:1::/64");
	n.ipam_none = true;
	assert_int_equal(net_network_validate6(&n, &e), -EINVAL);
	n.ipv6 = false; /* a v4-only network has nothing to check */
	assert_int_equal(net_network_validate6(&n, &e), 0);
}

static void ula(void **state)
{
	struct in6_addr a, b;
	char buf[NET_IP6_STRLEN];

	(void)state;
	net_ula64("lab", "host-1", 0, &a);
	net_ula64("lab", "host-1", 0, &b);
	assert_memory_equal(&a, &b, sizeof(a)); /* stable */
	assert_int_equal(a.s6_addr[0], 0xfd);
	assert_true((net_ip6_u128(&a) & ~net_mask6(64)) == 0);
	net_ula64("lab2", "host-1", 0, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));
	net_ula64("lab", "host-2", 0, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));
	net_ula64("lab", "host-1", 1, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));
	assert_non_null(net_ip6_str(&a, buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip6_ok),   cmocka_unit_test(ip6_bad),   cmocka_unit_test(cidr6),
		cmocka_unit_test(overlap6), cmocka_unit_test(validate6), cmocka_unit_test(ula),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
