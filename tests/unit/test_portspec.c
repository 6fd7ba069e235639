/* test_portspec.c - -p values, ExposedPorts keys and the PORTS text
 * (src/engine/portspec.c). */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "portspec.h"

static size_t parse_ok(const char *s, struct port_request *out)
{
	struct brig_err e = { 0 };
	size_t n = 0;

	if (portspec_parse(s, out, PORTSPEC_MAX, &n, &e) < 0)
		fail_msg("%s: %s", s, e.msg);
	return n;
}

static void forms(void **state)
{
	struct port_request r[PORTSPEC_MAX];

	(void)state;
	assert_int_equal(parse_ok("8080:80", r), 1);
	assert_int_equal(r[0].host_ip, 0);
	assert_int_equal(r[0].host_lo, 8080);
	assert_int_equal(r[0].host_hi, 8080);
	assert_int_equal(r[0].port, 80);
	assert_int_equal(r[0].proto, IPPROTO_TCP);
	assert_int_equal(parse_ok("80", r), 1); /* any host port */
	assert_int_equal(r[0].host_lo, 0);
	assert_int_equal(r[0].port, 80);
	assert_int_equal(parse_ok("0:80/udp", r), 1);
	assert_int_equal(r[0].host_lo, 0);
	assert_int_equal(r[0].proto, IPPROTO_UDP);
	assert_int_equal(parse_ok("127.0.0.1:8081:80/sctp", r), 1);
	assert_int_equal(r[0].host_ip, 0x7f000001);
	assert_int_equal(r[0].proto, IPPROTO_SCTP);
	assert_int_equal(parse_ok("127.0.0.1::80", r), 1);
	assert_int_equal(r[0].host_lo, 0);
	assert_int_equal(parse_ok("8080:80/TCP", r), 1);
}

static void ranges(void **state)
{
	struct port_request r[PORTSPEC_MAX];

	(void)state;
	assert_int_equal(parse_ok("8000-8010:80-90", r), 11);
	assert_int_equal(r[0].host_lo, 8000);
	assert_int_equal(r[0].port, 80);
	assert_int_equal(r[10].host_lo, 8010);
	assert_int_equal(r[10].host_hi, 8010);
	assert_int_equal(r[10].port, 90);
	/* a host range for one container port: a choice */
	assert_int_equal(parse_ok("8000-8010:80", r), 1);
	assert_int_equal(r[0].host_lo, 8000);
	assert_int_equal(r[0].host_hi, 8010);
	/* a container range alone: a free port each */
	assert_int_equal(parse_ok("80-82", r), 3);
	assert_int_equal(r[2].host_lo, 0);
	assert_int_equal(r[2].port, 82);
}

static void refusals(void **state)
{
	static const char *const bad[] = {
		"70000:80", "8085:0", "abc", "8085:80/bogus", "8000-8001:80-82", "8080:80-81",
		"[::1]:80", "1.2.3:80:80", "", "/tcp", "80/", "8090-8080:80",
		"0-5:80", "a:b:c:d", "-1:80", "+80", "8080 :80", "000080", "80:65536",
		"256.0.0.1:80:80", "8080:80/tcp/udp",
	};
	struct port_request r[PORTSPEC_MAX];
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = 0;
		memset(&e, 0, sizeof(e));
		if (portspec_parse(bad[i], r, PORTSPEC_MAX, &n, &e) == 0)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(n, 0);
		assert_int_equal(strncmp(e.msg, "invalid -p '", 12), 0);
		assert_null(strchr(e.msg, '\n'));
	}
}

static void too_many(void **state)
{
	struct port_request r[PORTSPEC_MAX];
	struct brig_err e;
	size_t n = PORTSPEC_MAX - 2;

	(void)state;
	assert_int_equal(portspec_parse("1000-1002:80-82", r, PORTSPEC_MAX, &n, &e), -E2BIG);
	assert_int_equal(n, PORTSPEC_MAX - 2);
	assert_int_equal(portspec_parse("1-2000", r, PORTSPEC_MAX, &n, &e), -E2BIG);
}

static void exposed_keys(void **state)
{
	struct brig_err e;
	uint16_t port;
	uint8_t proto;

	(void)state;
	assert_int_equal(portspec_port("80/tcp", &port, &proto, &e), 0);
	assert_int_equal(port, 80);
	assert_int_equal(proto, IPPROTO_TCP);
	assert_int_equal(portspec_port("53/udp", &port, &proto, &e), 0);
	assert_int_equal(proto, IPPROTO_UDP);
	assert_int_equal(portspec_port("443", &port, &proto, &e), 0);
	assert_int_equal(proto, IPPROTO_TCP);
	assert_int_equal(portspec_port("0/tcp", &port, &proto, &e), -EINVAL);
	assert_int_equal(portspec_port("80/icmp", &port, &proto, &e), -EINVAL);
	assert_int_equal(portspec_port("x", &port, &proto, &e), -EINVAL);
}

static void text(void **state)
{
	struct port_binding v[5] = {
		{ 0, 0x0a580002, 8000, 80, IPPROTO_TCP },
		{ 0, 0x0a580002, 8001, 81, IPPROTO_TCP },
		{ 0, 0x0a580002, 8002, 82, IPPROTO_TCP },
		{ 0x7f000001, 0x0a580002, 9000, 53, IPPROTO_UDP },
		{ 0, 0x0a580002, 9001, 54, IPPROTO_TCP },
	};
	char out[256], small[40];

	(void)state;
	portspec_binding_str(&v[3], out, sizeof(out));
	assert_string_equal(out, "127.0.0.1:9000->53/udp");
	portspec_host_str(&v[0], out, sizeof(out));
	assert_string_equal(out, "0.0.0.0:8000");
	portspec_summary(v, 5, out, sizeof(out));
	assert_string_equal(out, "0.0.0.0:8000-8002->80-82/tcp, 127.0.0.1:9000->53/udp, "
				 "0.0.0.0:9001->54/tcp");
	/* cut at a whole entry */
	portspec_summary(v, 5, small, sizeof(small));
	assert_string_equal(small, "0.0.0.0:8000-8002->80-82/tcp");
	portspec_summary(v, 0, out, sizeof(out));
	assert_string_equal(out, "");
	assert_string_equal(portspec_proto_name(IPPROTO_SCTP), "sctp");
	assert_string_equal(portspec_proto_name(1), "?");
}

/* IPv6 host addresses in brackets; which family a request names. */
static void v6_forms(void **state)
{
	static const char *const bad[] = {
		"[::]:80", "[::]80:80", "[::1:8080:80", "[]:8080:80", "[:::]:8080:80",
		"[::ffff:1.2.3.4]:8080:80", "[fe80::1%eth0]:8080:80", "[::]:1:2:3", "fd00::1:8080:80", "[::1]:8080:80",
	};
	struct port_request r[PORTSPEC_MAX];
	struct in6_addr any = IN6ADDR_ANY_INIT, one = { { { 0xfd, 0, [15] = 1 } } };
	struct brig_err e;

	(void)state;
	assert_int_equal(parse_ok("8080:80", r), 1);
	assert_int_equal(r[0].family, 0);
	assert_int_equal(parse_ok("0.0.0.0:8080:80", r), 1);
	assert_int_equal(r[0].family, AF_INET);
	assert_int_equal(parse_ok("[::]:8080:80/udp", r), 1);
	assert_int_equal(r[0].family, AF_INET6);
	assert_memory_equal(&r[0].host_ip6, &any, 16);
	assert_int_equal(r[0].host_lo, 8080);
	assert_int_equal(r[0].proto, IPPROTO_UDP);
	assert_int_equal(parse_ok("[fd00::1]::80", r), 1);
	assert_memory_equal(&r[0].host_ip6, &one, 16);
	assert_int_equal(r[0].host_lo, 0);
	assert_int_equal(parse_ok("[fd00::1]:9000-9001:80-81", r), 2);
	assert_int_equal(r[1].family, AF_INET6);
	assert_int_equal(r[1].host_lo, 9001);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = 0;
		memset(&e, 0, sizeof(e));
		if (portspec_parse(bad[i], r, PORTSPEC_MAX, &n, &e) == 0)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(strncmp(e.msg, "invalid -p '", 12), 0);
		assert_null(strchr(e.msg, '\n'));
	}
}

/* v6 bindings as Docker writes them: "[::]:8080->80/tcp". */
static void v6_text(void **state)
{
	struct port_binding v[3] = {
		{ .host_port = 8000, .port = 80, .proto = IPPROTO_TCP, .v6 = true },
		{ .host_port = 8001, .port = 81, .proto = IPPROTO_TCP, .v6 = true },
		{ .host_port = 8002, .port = 82, .proto = IPPROTO_TCP },
	};
	char out[256];

	(void)state;
	v[0].addr6.s6_addr[0] = v[1].addr6.s6_addr[0] = 0xfd;
	portspec_binding_str(&v[0], out, sizeof(out));
	assert_string_equal(out, "[::]:8000->80/tcp");
	v[2].host_ip = 0x7f000001;
	portspec_summary(v, 3, out, sizeof(out));
	assert_string_equal(out, "[::]:8000-8001->80-81/tcp, 127.0.0.1:8002->82/tcp");
	v[1].host_ip6.s6_addr[15] = 1;
	portspec_host_str(&v[1], out, sizeof(out));
	assert_string_equal(out, "[::1]:8001");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forms),      cmocka_unit_test(ranges),
		cmocka_unit_test(refusals),   cmocka_unit_test(too_many),
		cmocka_unit_test(exposed_keys), cmocka_unit_test(text),
		cmocka_unit_test(v6_forms),   cmocka_unit_test(v6_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
