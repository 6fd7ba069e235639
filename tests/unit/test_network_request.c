/* test_network_request.c - src/engine/network.c: a create request as a
 * front end gives it (strings), parsed and checked without I/O, with the
 * exact line the CLI prints after "brig: ". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "network.h"

/* network_request_parse(r) fails with EINVAL and exactly want. */
static void refused(const struct network_request *r, const char *want)
{
	struct net_network n;
	struct brig_err e = { 0 };

	if (network_request_parse(r, &n, &e) != -EINVAL || strcmp(e.msg, want) != 0)
		fail_msg("want -EINVAL and '%s', got '%s'", want, e.msg);
}

static void defaults(void **state)
{
	struct network_request r = { .name = "lab", .subnet = "10.1.0.0/24" };
	struct net_network n;
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(network_request_parse(&r, &n, &e), 0);
	assert_string_equal(n.name, "lab");
	assert_string_equal(n.bridge, "br-lab");
	assert_int_equal(n.subnet, 0x0a010000);
	assert_int_equal(n.prefix, 24);
	assert_int_equal(n.gateway, 0); /* filled in by net_network_validate */
	assert_int_equal(n.mtu, 0);
	assert_false(n.internal || n.no_gateway || n.ipam_none);
}

static void every_option(void **state)
{
	struct network_request r = { .name = "a-very-long-network-name", .subnet = "10.2.0.0/16",
				     .gateway = "10.2.0.254", .mtu = "9000", .ipam = "default",
				     .internal = true };
	struct net_network n;
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(network_request_parse(&r, &n, &e), 0);
	assert_string_equal(n.bridge, "br-a-very-long-"); /* br- + 12 characters */
	assert_int_equal(n.gateway, 0x0a0200fe);
	assert_int_equal(n.mtu, 9000);
	assert_true(n.internal);
	r.bridge = "mybr0";
	r.mtu = "68";
	assert_int_equal(network_request_parse(&r, &n, &e), 0);
	assert_string_equal(n.bridge, "mybr0");
	assert_int_equal(n.mtu, 68);
	r = (struct network_request){ .name = "l2", .ipam = "none" };
	assert_int_equal(network_request_parse(&r, &n, &e), 0);
	assert_true(n.ipam_none);
	assert_int_equal(n.prefix, 0);
}

static void bad_names(void **state)
{
	static const char *const bad[] = { "", "-x", ".x", "a b", "a/b", "é" };
	struct network_request r = { .subnet = "10.1.0.0/24" };
	char want[256], longname[100];

	(void)state;
	refused(&r, "network create: expected one NAME");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.name = bad[i];
		snprintf(want, sizeof(want),
			 "network name '%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters",
			 bad[i]);
		refused(&r, want);
	}
	memset(longname, 'n', 70);
	longname[70] = '\0';
	r.name = longname;
	snprintf(want, sizeof(want),
		 "network name '%.64s...': must match [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters",
		 longname);
	refused(&r, want);
}

static void bad_options(void **state)
{
	struct network_request r = { .name = "lab", .subnet = "10.1.0.0/24" };

	(void)state;
	r.gateway = "10.1.0";
	refused(&r, "--gateway: invalid IPv4 address '10.1.0'");
	r.gateway = NULL;
	r.ipam = "dhcp";
	refused(&r, "invalid --ipam 'dhcp': none or default");
	r.ipam = NULL;
	static const char *const mtus[] = { "67", "65536", "0", "-1", "abc", "1500x", "" };
	for (size_t i = 0; i < sizeof(mtus) / sizeof(mtus[0]); i++) {
		char want[64];
		r.mtu = mtus[i];
		snprintf(want, sizeof(want), "invalid --mtu '%s': 68..65535", mtus[i]);
		refused(&r, want);
	}
	r.mtu = "65535";
	struct net_network n;
	struct brig_err e = { 0 };
	assert_int_equal(network_request_parse(&r, &n, &e), 0);
	/* the options are checked before the name, as the CLI always did */
	r = (struct network_request){ .mtu = "1" };
	refused(&r, "invalid --mtu '1': 68..65535");
}

static void bad_subnets(void **state)
{
	struct network_request r = { .name = "lab" };

	(void)state;
	refused(&r, "network create: --subnet is required");
	r.subnet = "10.1.0.0";
	refused(&r, "--subnet: invalid subnet '10.1.0.0' (want a.b.c.d/N, N in 0..32)");
	r.subnet = "10.1.0.0/33";
	refused(&r, "--subnet: invalid subnet '10.1.0.0/33' (want a.b.c.d/N, N in 0..32)");
	r.subnet = "10.1.0.1/24";
	refused(&r, "--subnet: invalid subnet '10.1.0.1/24': host bits set (did you mean 10.1.0.0/24?)");
}

static void conflicts(void **state)
{
	struct network_request r = { .name = "lab", .ipam = "none", .subnet = "10.1.0.0/24" };

	(void)state;
	refused(&r, "network create: --ipam none takes no --subnet or --gateway");
	r.subnet = NULL;
	r.gateway = "10.1.0.1";
	refused(&r, "network create: --ipam none takes no --subnet or --gateway");
	r = (struct network_request){ .name = "lab", .subnet = "10.1.0.0/24",
				      .gateway = "10.1.0.1", .no_gateway = true };
	refused(&r, "network create: --gateway and --no-gateway conflict");
	r.gateway = NULL;
	struct net_network n;
	struct brig_err e = { 0 };
	assert_int_equal(network_request_parse(&r, &n, &e), 0);
	assert_true(n.no_gateway);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),    cmocka_unit_test(every_option),
		cmocka_unit_test(bad_names),   cmocka_unit_test(bad_options),
		cmocka_unit_test(bad_subnets), cmocka_unit_test(conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
