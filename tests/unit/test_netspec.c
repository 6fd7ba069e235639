/* test_netspec.c - src/netspec.c: --network (plain and long form), MACs,
 * --add-host, settling the networks of a run, --dns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netspec.h"
#include "spec_parse.h"

/* netspec_parse(arg) fails with EINVAL and a message containing want. */
static void refused(const char *arg, const char *want)
{
	struct net_attach a;
	struct brig_err e = { 0 };

	if (netspec_parse(arg, &a, &e) != -EINVAL || !strstr(e.msg, want))
		fail_msg("'%s': want -EINVAL and '%s', got '%s'", arg, want, e.msg);
}

static void plain_name(void **state)
{
	struct net_attach a;
	struct brig_err e = { 0 };

	(void)state;
	/* the struct is zeroed first: nothing of an earlier parse survives */
	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(netspec_parse("lab", &a, &e), 0);
	assert_string_equal(a.name, "lab");
	assert_int_equal(a.ip, 0);
	assert_false(a.has_mac);
	assert_int_equal(a.gw_priority, 0);
	assert_int_equal(a.n_aliases, 0);
	assert_int_equal(netspec_parse("bridge", &a, &e), 0);
	assert_string_equal(a.name, "bridge");
	assert_int_equal(netspec_parse("lab-1.a_b", &a, &e), 0);
	assert_string_equal(a.name, "lab-1.a_b");

	refused("", "invalid network");
	refused("bad name", "invalid network name");
	refused("-lab", "invalid network name");
	refused("lab/x", "invalid network name");
}

static void modes(void **state)
{
	struct net_attach a;
	struct brig_err e = { 0 };

	(void)state;
	assert_true(netspec_is_mode("none"));
	assert_true(netspec_is_mode("host"));
	assert_true(netspec_is_mode("container:web"));
	assert_false(netspec_is_mode("bridge"));
	assert_false(netspec_is_mode("lab"));
	assert_false(netspec_is_mode("hostnet"));
	assert_false(netspec_is_mode("containers"));

	assert_int_equal(netspec_parse("none", &a, &e), 0);
	assert_string_equal(a.name, "none");
	assert_int_equal(netspec_parse("host", &a, &e), 0);
	assert_string_equal(a.name, "host");
	assert_int_equal(netspec_parse("container:web", &a, &e), 0);
	assert_string_equal(a.name, "container:web");
	assert_int_equal(netspec_parse("name=host", &a, &e), 0);
	assert_string_equal(a.name, "host");
}

static void long_form(void **state)
{
	struct net_attach a;
	struct brig_err e = { 0 };
	static const uint8_t mac[6] = { 0x02, 0x42, 0x0a, 0x01, 0x02, 0x03 };

	(void)state;
	assert_int_equal(netspec_parse("name=lab,ip=10.1.2.3,alias=web,alias=www.lab,"
				       "mac-address=02:42:0A:01:02:03,gw-priority=7",
				       &a, &e),
			 0);
	assert_string_equal(a.name, "lab");
	assert_int_equal(a.ip, 0x0a010203);
	assert_true(a.has_mac);
	assert_memory_equal(a.mac, mac, 6);
	assert_int_equal(a.gw_priority, 7);
	assert_int_equal(a.n_aliases, 2);
	assert_string_equal(a.aliases[0], "web");
	assert_string_equal(a.aliases[1], "www.lab");

	/* any order; name= need not come first */
	assert_int_equal(netspec_parse("gw-priority=-3,name=lab", &a, &e), 0);
	assert_string_equal(a.name, "lab");
	assert_int_equal(a.gw_priority, -3);
	assert_int_equal(a.ip, 0);
	assert_false(a.has_mac);
	assert_int_equal(netspec_parse("name=lab", &a, &e), 0);
	assert_string_equal(a.name, "lab");
	assert_int_equal(a.n_aliases, 0);
}

static void aliases(void **state)
{
	char arg[512];
	struct net_attach a;
	struct brig_err e = { 0 };
	size_t off = (size_t)snprintf(arg, sizeof(arg), "name=lab");

	(void)state;
	for (int i = 0; i < NETSPEC_ALIASES; i++)
		off += (size_t)snprintf(arg + off, sizeof(arg) - off, ",alias=a%d", i);
	assert_int_equal(netspec_parse(arg, &a, &e), 0);
	assert_int_equal(a.n_aliases, NETSPEC_ALIASES);
	assert_string_equal(a.aliases[0], "a0");
	assert_string_equal(a.aliases[NETSPEC_ALIASES - 1], "a7");

	/* one more is too many */
	snprintf(arg + off, sizeof(arg) - off, ",alias=extra");
	assert_int_equal(netspec_parse(arg, &a, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "at most"));

	refused("name=lab,alias=", "invalid alias");
	refused("name=lab,alias=-web", "invalid alias");
	refused("name=lab,alias=a b", "invalid alias");
	/* 63 characters is the longest name */
	assert_int_equal(netspec_parse("name=lab,alias=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				       &a, &e),
			 0);
	assert_int_equal(strlen(a.aliases[0]), 63);
	refused("name=lab,alias=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"invalid alias");
}

static void bad_keys(void **state)
{
	(void)state;
	refused("name=lab,color=blue", "unknown key 'color'");
	refused("name=lab,Name=x", "unknown key 'Name'");
	refused("ip=10.0.0.5", "name= is required");
	refused("alias=web,gw-priority=1", "name= is required");
	refused("name=", "invalid network ''");
	refused("name=lab,web", "'web' is not KEY=VALUE");
	refused("name=bad name", "invalid network name");
	/* the failing value is named, with the whole argument as context */
	refused("name=lab,ip=10.0.0.300", "ip=");
	refused("name=lab,ip=10.0.0.300", "10.0.0.300");
	refused("name=lab,ip=10.0.0.300", "--network name=lab,ip=10.0.0.300");
	refused("name=lab,ip=", "invalid IPv4 address");
	refused("name=lab,ip=10.0.0.0/24", "invalid IPv4 address");
	refused("name=lab,ip=fd00::5", "invalid IPv4 address");
}

/* ip6= is parsed here; whether the network has IPv6 is the start's check */
static void ip6_refused(void **state)
{
	struct net_attach a;
	struct brig_err e = { 0 };
	struct net_attach v[1];

	(void)state;
	assert_int_equal(netspec_parse("name=lab,ip=10.0.0.5,ip6=fd00::5", &a, &e), 0);
	assert_true(a.has_ip6);
	assert_int_equal(a.ip6.s6_addr[15], 5);
	refused("name=lab,ip6=fd00::/64", "ip6=: invalid IPv6 address");
	refused("name=lab,ip6=:::", "invalid IPv6 address ':::'");
	refused("name=lab,ip6=::ffff:1.2.3.4", "IPv4-mapped");
	refused("name=lab,ip6=10.0.0.5", "invalid IPv6 address");
	memset(v, 0, sizeof(v));
	snprintf(v[0].name, sizeof(v[0].name), "lab");
	assert_int_equal(netspec_settle_ip6(v, 1, "fd00::7", &e), 0);
	assert_int_equal(netspec_settle_ip6(v, 1, "fd00::8", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--ip6 and ip6= both set"));
	snprintf(v[0].name, sizeof(v[0].name), "none");
	v[0].has_ip6 = false;
	assert_int_equal(netspec_settle_ip6(v, 1, "fd00::8", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--ip6 needs a bridge network"));
}

static void bad_macs(void **state)
{
	(void)state;
	refused("name=lab,mac-address=02:42:aa:bb:cc", "invalid MAC address");
	refused("name=lab,mac-address=02:42:aa:bb:cc:zz", "invalid MAC address");
	refused("name=lab,mac-address=", "invalid MAC address");
	refused("name=lab,mac-address=01:00:5e:00:00:01", "multicast");
	refused("name=lab,mac-address=ff:ff:ff:ff:ff:ff", "multicast");
}

static void gw_priority(void **state)
{
	struct net_attach a;
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(netspec_parse("name=lab,gw-priority=-100", &a, &e), 0);
	assert_int_equal(a.gw_priority, -100);
	assert_int_equal(netspec_parse("name=lab,gw-priority=0", &a, &e), 0);
	assert_int_equal(a.gw_priority, 0);
	assert_int_equal(netspec_parse("name=lab,gw-priority=9223372036854775807", &a, &e), 0);
	assert_true(a.gw_priority == INT64_MAX);

	refused("name=lab,gw-priority=", "invalid gw-priority");
	refused("name=lab,gw-priority=high", "invalid gw-priority");
	refused("name=lab,gw-priority=5x", "invalid gw-priority");
	refused("name=lab,gw-priority=1.5", "invalid gw-priority");
	refused("name=lab,gw-priority=99999999999999999999", "invalid gw-priority");
	refused("name=lab,gw-priority=-99999999999999999999", "invalid gw-priority");
}

static void too_long(void **state)
{
	char arg[2048], name[200];
	struct net_attach a;
	struct brig_err e = { 0 };

	(void)state;
	/* the long form: at most 1023 characters */
	memset(arg, 0, sizeof(arg));
	memcpy(arg, "name=lab,alias=", 15);
	memset(arg + 15, 'a', 1500);
	refused(arg, "value too long");

	/* a plain name that does not fit (a mode's buffer) */
	memset(name, 'c', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, "container:", 10);
	assert_int_equal(netspec_parse(name, &a, &e), -EINVAL);
	/* a network name over 63 characters */
	memset(name, 'n', 64);
	name[64] = '\0';
	assert_int_equal(netspec_parse(name, &a, &e), -EINVAL);
}

static void mode_with_settings(void **state)
{
	(void)state;
	refused("name=host,ip=10.0.0.5", "need a bridge network");
	refused("name=none,mac-address=02:00:00:00:00:01", "need a bridge network");
	refused("name=container:web,alias=x", "need a bridge network");
}

static void mac_parse(void **state)
{
	static const char *const bad[] = {
		"", "0", "02:42:aa:bb:cc", "02:42:aa:bb:cc:dd:ee", "02-42-aa-bb-cc-dd",
		"2:42:aa:bb:cc:dd", "02:42:aa:bb:cc:d", "02:42:aa:bb:cc:dg", "02:42:aa:bb:cc:dd ",
		" 02:42:aa:bb:cc:dd", "02:42:aa:bb:cc:ddd", "0242aabbccdd", "02:42:aa:bb:cc:",
		"02::42:aa:bb:cc", "g2:42:aa:bb:cc:dd",
	};
	static const uint8_t want[6] = { 0x02, 0x42, 0xaa, 0xbb, 0x0c, 0xdd };
	struct brig_err e = { 0 };
	uint8_t m[6];
	char buf[18];

	(void)state;
	assert_int_equal(netspec_parse_mac("02:42:AA:bb:0C:dd", m, &e), 0);
	assert_memory_equal(m, want, 6);
	assert_string_equal(netspec_mac_str(m, buf), "02:42:aa:bb:0c:dd");
	assert_ptr_equal(netspec_mac_str(m, buf), buf);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (netspec_parse_mac(bad[i], m, &e) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(e.msg, "invalid MAC address"));
	}
	assert_int_equal(netspec_parse_mac("03:00:00:00:00:00", m, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "multicast"));
	/* locally administered and universal unicast are both fine */
	assert_int_equal(netspec_parse_mac("00:00:00:00:00:00", m, &e), 0);
	assert_int_equal(netspec_parse_mac("fe:ff:ff:ff:ff:ff", m, &e), 0);
}

static void mac_round_trip(void **state)
{
	struct brig_err e = { 0 };
	uint8_t m[6], back[6];
	char buf[18];
	uint32_t x = 12345;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		for (int k = 0; k < 6; k++) {
			x = x * 1103515245u + 12345u;
			m[k] = (uint8_t)(x >> 16);
		}
		m[0] &= 0xfe; /* unicast */
		netspec_mac_str(m, buf);
		assert_int_equal(strlen(buf), 17);
		assert_int_equal(netspec_parse_mac(buf, back, &e), 0);
		assert_memory_equal(m, back, 6);
	}
}

static void add_host(void **state)
{
	static const char *const bad[] = {
		"db", ":10.0.0.1", "db:", "db:10.0.0.300", "bad name:10.0.0.1", "db:10.0.0.1/24",
		"db:fd00::1", "-db:10.0.0.1", "db=10.0.0.1", "",
	};
	struct brig_err e = { 0 };
	char name[64], longname[80];
	uint32_t ip = 0;

	(void)state;
	assert_int_equal(netspec_parse_host("db:10.0.0.1", name, &ip, &e), 0);
	assert_string_equal(name, "db");
	assert_int_equal(ip, 0x0a000001);
	assert_int_equal(netspec_parse_host("db.lab.example:192.0.2.7", name, &ip, &e), 0);
	assert_string_equal(name, "db.lab.example");
	assert_int_equal(ip, 0xc0000207);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (netspec_parse_host(bad[i], name, &ip, &e) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(e.msg, "--add-host"));
	}
	/* a name of 63 characters fits; 64 does not */
	memset(longname, 'h', 63);
	memcpy(longname + 63, ":10.0.0.1", 10);
	assert_int_equal(netspec_parse_host(longname, name, &ip, &e), 0);
	assert_int_equal(strlen(name), 63);
	memset(longname, 'h', 64);
	memcpy(longname + 64, ":10.0.0.1", 10);
	assert_int_equal(netspec_parse_host(longname, name, &ip, &e), -EINVAL);
}

/* netspec_settle: the default network, plain --ip/--mac-address strings
 * on the first network, and the exact refusals. */
static void settle(void **state)
{
	struct net_attach nets[4] = { 0 };
	struct brig_err e = { 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(netspec_settle(nets, &n, "10.88.0.9", "02:42:0a:58:00:09", &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(nets[0].name, "bridge");
	assert_int_equal(nets[0].ip, 0x0a580009);
	assert_true(nets[0].has_mac);
	assert_int_equal(nets[0].mac[5], 9);
	memset(nets, 0, sizeof(nets));
	n = 0;
	assert_int_equal(netspec_settle(nets, &n, "10.88.0", NULL, &e), -EINVAL);
	assert_string_equal(e.msg, "--ip: invalid IPv4 address '10.88.0'");
	assert_int_equal(netspec_parse("host", &nets[0], &e), 0);
	n = 1;
	assert_int_equal(netspec_settle(nets, &n, "10.88.0.9", NULL, &e), -EINVAL);
	assert_string_equal(e.msg, "--ip and --mac-address need a bridge network, not host");
	assert_int_equal(netspec_parse("lab", &nets[1], &e), 0);
	n = 2;
	assert_int_equal(netspec_settle(nets, &n, NULL, NULL, &e), -EINVAL);
	assert_string_equal(e.msg, "--net host cannot be combined with other networks");
	assert_int_equal(netspec_parse("name=lab,ip=10.0.0.2", &nets[0], &e), 0);
	assert_int_equal(netspec_settle(nets, &n, NULL, NULL, &e), -EINVAL);
	assert_string_equal(e.msg, "network lab given twice");
	n = 1;
	assert_int_equal(netspec_settle(nets, &n, "10.0.0.3", NULL, &e), -EINVAL);
	assert_string_equal(e.msg, "--ip and ip= both set for network lab");
}

static void check_dns(void **state)
{
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(spec_check_dns("1.1.1.1", &e), 0);
	assert_int_equal(spec_check_dns("dns.example", &e), -EINVAL);
	assert_string_equal(e.msg, "invalid --dns 'dns.example': invalid IPv4 address 'dns.example'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_name),	   cmocka_unit_test(modes),
		cmocka_unit_test(long_form),	   cmocka_unit_test(aliases),
		cmocka_unit_test(bad_keys),	   cmocka_unit_test(ip6_refused),
		cmocka_unit_test(bad_macs),	   cmocka_unit_test(gw_priority),
		cmocka_unit_test(too_long),	   cmocka_unit_test(mode_with_settings),
		cmocka_unit_test(mac_parse),	   cmocka_unit_test(mac_round_trip),
		cmocka_unit_test(add_host),	   cmocka_unit_test(settle),
		cmocka_unit_test(check_dns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
