/* test_net_parse.c - net/parse.c: addresses, subnets, overlap, validation, MAC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

static void parse_ip_ok(void **state)
{
	struct brig_err e = { 0 };
	uint32_t a;

	(void)state;
	assert_int_equal(net_parse_ip("10.88.0.1", &a, &e), 0);
	assert_int_equal(a, 0x0a580001);
	assert_int_equal(net_parse_ip("0.0.0.0", &a, &e), 0);
	assert_int_equal(a, 0);
	assert_int_equal(net_parse_ip("255.255.255.255", &a, &e), 0);
	assert_int_equal(a, 0xffffffff);
}

static void parse_ip_bad(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "01.2.3.4",
		"1..2.3", "a.b.c.d", "1.2.3.-4", "1.2.3.4/24", "1.2.3.1000", "+1.2.3.4", "1.2.3.",
	};
	struct brig_err e = { 0 };
	uint32_t a;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(net_parse_ip(bad[i], &a, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "invalid IPv4 address"));
	}
	assert_int_equal(net_parse_ip(NULL, &a, NULL), -EINVAL);
}

static void parse_cidr(void **state)
{
	struct brig_err e = { 0 };
	uint32_t a;
	int p;

	(void)state;
	assert_int_equal(net_parse_cidr("10.88.0.0/16", &a, &p, &e), 0);
	assert_int_equal(a, 0x0a580000);
	assert_int_equal(p, 16);
	assert_int_equal(net_parse_cidr("0.0.0.0/0", &a, &p, &e), 0);
	assert_int_equal(p, 0);
	assert_int_equal(net_parse_cidr("10.0.0.7/32", &a, &p, &e), 0);
	assert_int_equal(p, 32);
	assert_int_equal(net_parse_cidr("10.0.0.1/24", &a, &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "host bits set"));
	assert_non_null(strstr(e.msg, "10.0.0.0/24"));
	assert_int_equal(net_parse_cidr("10.0.0.0/33", &a, &p, &e), -EINVAL);
	assert_int_equal(net_parse_cidr("10.0.0.0/", &a, &p, &e), -EINVAL);
	assert_int_equal(net_parse_cidr("10.0.0.0/08", &a, &p, &e), -EINVAL);
	assert_int_equal(net_parse_cidr("10.0.0.0", &a, &p, &e), -EINVAL);
	assert_int_equal(net_parse_cidr("10.0.0.0/8x", &a, &p, &e), -EINVAL);
	assert_int_equal(net_parse_cidr("10.0.0.0/-8", &a, &p, &e), -EINVAL);
}

static void ip_str(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(net_ip_str(0x0a580001, buf), "10.88.0.1");
	assert_string_equal(net_ip_str(0xffffffff, buf), "255.255.255.255");
	assert_string_equal(net_ip_str(0, buf), "0.0.0.0");
}

static void overlaps(void **state)
{
	(void)state;
	assert_true(net_overlaps(0x0a000000, 8, 0x0a580000, 16));
	assert_true(net_overlaps(0x0a580000, 16, 0x0a000000, 8));
	assert_false(net_overlaps(0x0a580000, 16, 0x0a590000, 16));
	assert_true(net_overlaps(0, 0, 0xc0a80000, 24));
	assert_true(net_overlaps(0x0a000001, 32, 0x0a000000, 30));
	assert_false(net_overlaps(0x0a000004, 30, 0x0a000000, 30));
}

static void validate(void **state)
{
	struct net_network n = { .name = "t", .bridge = "br0", .subnet = 0x0a580000, .prefix = 16 };
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(net_network_validate(&n, &e), 0);
	assert_int_equal(n.gateway, 0x0a580001);
	n.gateway = 0x0a58ffff; /* broadcast */
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
	n.gateway = 0x0a580000; /* network */
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
	n.gateway = 0x0a590001; /* outside */
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
	n.gateway = 0x0a58fffe;
	assert_int_equal(net_network_validate(&n, &e), 0);
	n.subnet = 0x0a580001; /* host bits */
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
	/* /31 (RFC 3021): gateway is the first address */
	n.subnet = 0x0a000000;
	n.prefix = 31;
	n.gateway = 0;
	assert_int_equal(net_network_validate(&n, &e), 0);
	assert_int_equal(n.gateway, 0x0a000000);
	n.prefix = 32;
	n.gateway = 0;
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
	n.prefix = 33;
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
	n.prefix = 24;
	n.gateway = 0;
	n.mtu = 10;
	assert_int_equal(net_network_validate(&n, &e), -EINVAL);
}

static void mac(void **state)
{
	uint8_t m[6];
	static const uint8_t want[6] = { 0x02, 0x42, 10, 88, 0, 2 };

	(void)state;
	net_mac_from_ip(0x0a580002, m);
	assert_memory_equal(m, want, 6);
}

/* An interface's address with its prefix (lab link endpoints). */
static void addr_prefix(void **state)
{
	struct brig_err e = { 0 };
	char buf[20];
	uint32_t a;
	int p;

	(void)state;
	assert_int_equal(net_parse_addr_prefix("10.0.12.1/30", &a, &p, &e), 0);
	assert_int_equal(a, 0x0a000c01);
	assert_int_equal(p, 30);
	assert_string_equal(net_prefix_str(a, p, buf), "10.0.12.1/30");
	assert_string_equal(net_prefix_str(0xffffffff, 32, buf), "255.255.255.255/32");
	static const char *const bad[] = { "10.0.0.1", "10.0.0.1/0", "10.0.0.1/33", "10.0.0.1/08",
					   "10.0.0.1/", "10.0.0/24", "10.0.0.1/24x", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(net_parse_addr_prefix(bad[i], &a, &p, &e), -EINVAL);
}

static void ifname(void **state)
{
	(void)state;
	assert_true(net_ifname_valid("eth1"));
	assert_true(net_ifname_valid("e1-1"));
	assert_true(net_ifname_valid("abcdefghijklmno")); /* 15 bytes */
	assert_false(net_ifname_valid("abcdefghijklmnop"));
	assert_false(net_ifname_valid(""));
	assert_false(net_ifname_valid("."));
	assert_false(net_ifname_valid(".."));
	assert_false(net_ifname_valid("a/b"));
	assert_false(net_ifname_valid("a:b"));
	assert_false(net_ifname_valid("a b"));
	assert_false(net_ifname_valid("a\tb"));
	assert_false(net_ifname_valid("a\x7f"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ip_ok), cmocka_unit_test(parse_ip_bad),
		cmocka_unit_test(parse_cidr),  cmocka_unit_test(ip_str),
		cmocka_unit_test(overlaps),    cmocka_unit_test(validate),
		cmocka_unit_test(mac),	       cmocka_unit_test(addr_prefix),
		cmocka_unit_test(ifname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
