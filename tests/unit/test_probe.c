/* test_probe.c - the pure parts of the probes: net/probe.c's checksum and
 * ICMP echo build/parse, net/perf.c's UDP stamp, and src/cli/probe_fmt.c's
 * rates, matrix line, drop percentage, NODE[:IFACE] and packet lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probe.h"
#include "probe_fmt.h"

static void checksum_rfc1071(void **state)
{
	/* RFC 1071's example: the one's complement sum is 0xddf2 */
	static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	static const uint8_t odd[] = {0x01, 0x02, 0x03};

	(void)state;
	assert_int_equal(probe_checksum(data, sizeof(data)), 0x220d);
	/* an odd byte counts as the high half of a last word */
	assert_int_equal(probe_checksum(odd, sizeof(odd)), (uint16_t) ~(0x0102 + 0x0300));
	assert_int_equal(probe_checksum(NULL, 0), 0xffff);
}

/* An IPv4 packet carrying icmp (len bytes) from src, into pkt. */
static size_t wrap_ipv4(uint8_t *pkt, const uint8_t *icmp, size_t len, uint32_t src)
{
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)((20 + len) >> 8);
	pkt[3] = (uint8_t)(20 + len);
	pkt[8] = 64;
	pkt[9] = 1;
	pkt[12] = (uint8_t)(src >> 24);
	pkt[13] = (uint8_t)(src >> 16);
	pkt[14] = (uint8_t)(src >> 8);
	pkt[15] = (uint8_t)src;
	memcpy(pkt + 20, icmp, len);
	return 20 + len;
}

/* The reply a host makes of request: type 0, checksum redone. */
static void make_reply(uint8_t *icmp, size_t len)
{
	uint16_t sum;

	icmp[0] = 0;
	icmp[2] = icmp[3] = 0;
	sum = probe_checksum(icmp, len);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
}

static void echo_roundtrip(void **state)
{
	uint8_t icmp[64], pkt[128], payload[56];
	struct probe_echo r;
	size_t n;
	int len;

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	len = probe_echo_build(icmp, sizeof(icmp), 0x1234, 0xabcd, payload, sizeof(payload));
	assert_int_equal(len, 64);
	assert_int_equal(icmp[0], 8);
	assert_int_equal(probe_checksum(icmp, 64), 0); /* a right checksum sums to 0 */
	/* a request is no reply */
	n = wrap_ipv4(pkt, icmp, 64, 0x0a000102);
	assert_int_equal(probe_echo_parse(pkt, n, &r), -EINVAL);
	make_reply(icmp, 64);
	n = wrap_ipv4(pkt, icmp, 64, 0x0a000102);
	assert_int_equal(probe_echo_parse(pkt, n, &r), 0);
	assert_int_equal(r.src, 0x0a000102);
	assert_int_equal(r.id, 0x1234);
	assert_int_equal(r.seq, 0xabcd);
	assert_int_equal(r.plen, 56);
	assert_memory_equal(r.payload, payload, 56);
	/* padding after the IP packet is ignored */
	assert_int_equal(probe_echo_parse(pkt, n + 10, &r), 0);
	assert_int_equal(probe_echo_build(icmp, 10, 1, 1, payload, 56), -EMSGSIZE);
}

static void echo_parse_refuses(void **state)
{
	uint8_t icmp[64], pkt[128], bad[128];
	struct probe_echo r;
	size_t n;

	(void)state;
	probe_echo_build(icmp, sizeof(icmp), 1, 2, NULL, 0);
	make_reply(icmp, 8);
	n = wrap_ipv4(pkt, icmp, 8, 1);
	assert_int_equal(probe_echo_parse(pkt, n, &r), 0);
	assert_int_equal(r.plen, 0);
	for (size_t cut = 0; cut < n; cut++) /* truncated anywhere */
		assert_int_equal(probe_echo_parse(pkt, cut, &r), -EINVAL);
	memcpy(bad, pkt, n);
	bad[20 + 5] ^= 1; /* checksum no longer right */
	assert_int_equal(probe_echo_parse(bad, n, &r), -EINVAL);
	memcpy(bad, pkt, n);
	bad[9] = 17; /* UDP */
	assert_int_equal(probe_echo_parse(bad, n, &r), -EINVAL);
	memcpy(bad, pkt, n);
	bad[0] = 0x44; /* IHL 16 bytes */
	assert_int_equal(probe_echo_parse(bad, n, &r), -EINVAL);
	memcpy(bad, pkt, n);
	bad[0] = 0x65; /* IPv6 */
	assert_int_equal(probe_echo_parse(bad, n, &r), -EINVAL);
	memcpy(bad, pkt, n);
	bad[21] = 1; /* code 1 */
	assert_int_equal(probe_echo_parse(bad, n, &r), -EINVAL);
}

/* ICMPv6: the request's checksum is left to the kernel; a reply parses
 * without an IP header (a raw ICMPv6 socket hands none); others are refused. */
static void echo6_roundtrip(void **state)
{
	uint8_t msg[64], payload[56] = {7};
	struct probe_echo r;

	(void)state;
	assert_int_equal(probe_echo6_build(msg, sizeof(msg), 0x0102, 0x0304, payload, 56), 64);
	assert_int_equal(msg[0], 128);
	assert_int_equal(msg[2] | msg[3], 0);
	assert_int_equal(probe_echo6_parse(msg, 64, &r), -EINVAL); /* a request */
	msg[0] = 129;
	assert_int_equal(probe_echo6_parse(msg, 64, &r), 0);
	assert_true(r.v6);
	assert_int_equal(r.id, 0x0102);
	assert_int_equal(r.seq, 0x0304);
	assert_int_equal(r.plen, 56);
	assert_int_equal(r.payload[0], 7);
	assert_int_equal(probe_echo6_parse(msg, 7, &r), -EINVAL);
	msg[1] = 1;
	assert_int_equal(probe_echo6_parse(msg, 64, &r), -EINVAL);
	assert_int_equal(probe_echo6_build(msg, 10, 1, 1, payload, 56), -EMSGSIZE);
}

/* A pingall pair's address in either family. */
static void ping_addrs(void **state)
{
	struct lab_ping g = {.addr = 0x0a000001};
	char buf[PROBE_FMT_ADDR_MAX];

	(void)state;
	assert_string_equal(probe_fmt_ping_addr(&g, buf), "10.0.0.1");
	g.v6 = true;
	g.addr6.s6_addr[0] = 0x20;
	g.addr6.s6_addr[1] = 0x01;
	g.addr6.s6_addr[2] = 0x0d;
	g.addr6.s6_addr[3] = 0xb8;
	g.addr6.s6_addr[15] = 2;
	assert_string_equal(probe_fmt_ping_addr(&g, buf), "2001:db8::2");
}

/* An Ethernet frame carrying IPv6 with next header nh and l4 bytes. */
static size_t frame6(uint8_t *f, uint8_t nh, const uint8_t *l4, size_t n)
{
	memset(f, 0, 54);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = (uint8_t)(n >> 8);
	f[19] = (uint8_t)n;
	f[20] = nh;
	f[21] = 64;
	f[22] = 0x20, f[23] = 0x01, f[24] = 0x0d, f[25] = 0xb8, f[37] = 1; /* 2001:db8::1 */
	f[38] = 0x20, f[39] = 0x01, f[40] = 0x0d, f[41] = 0xb8, f[53] = 2; /* 2001:db8::2 */
	memcpy(f + 54, l4, n);
	return 54 + n;
}

static void packet_lines6(void **state)
{
	uint8_t f[128], echo[64] = {128, 0, 0, 0, 0, 7, 0, 3};
	uint8_t ns[24] = {135}, udp[8] = {0x30, 0x39, 0x00, 0x35, 0, 12};
	/* hop-by-hop (router alert) in front of an MLDv2 report, as sent on
	 * every link; a first fragment in front of an echo request */
	uint8_t mld[28] = {58, 0, 5, 2, 0, 0, 1, 0, 143};
	uint8_t frag_echo[24] = {58, 0, 0, 1, 0, 0, 0, 9, 128, 0, 0, 0, 0, 7, 0, 3};
	char buf[256];
	size_t n;

	(void)state;
	n = frame6(f, 58, echo, sizeof(echo));
	assert_string_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
			    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo request, id 7, seq 3, length 64");
	n = frame6(f, 58, ns, sizeof(ns));
	assert_string_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
			    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, neighbor solicitation 135, length 24");
	n = frame6(f, 17, udp, sizeof(udp));
	assert_string_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
			    "IP6 2001:db8::1.12345 > 2001:db8::2.53: UDP, length 0");
	assert_string_equal(probe_fmt_packet(f, 40, 98, 1, buf, sizeof(buf)), "IP6, truncated");
	n = frame6(f, 0, mld, sizeof(mld));
	assert_string_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
			    "IP6 2001:db8::1 > 2001:db8::2: HBH ICMP6, multicast listener report v2 "
			    "143, length 20");
	n = frame6(f, 44, frag_echo, sizeof(frag_echo));
	assert_string_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
			    "IP6 2001:db8::1 > 2001:db8::2: frag ICMP6, echo request, id 7, seq 3, "
			    "length 16");
	f[54 + 3] = 8; /* a later fragment: no upper layer to decode */
	assert_string_not_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
				"IP6 2001:db8::1 > 2001:db8::2: frag ICMP6, echo request, id 7, seq "
				"3, length 16");
	for (size_t cut = 0; cut < n; cut++)
		probe_fmt_packet(f, cut, n, 1, buf, sizeof(buf));
}

static void udp_stamp(void **state)
{
	uint8_t buf[PROBE_UDP_HDR];
	uint64_t seq;
	int64_t t;

	(void)state;
	probe_udp_stamp(buf, 0x0102030405060708ull, 123456789);
	assert_int_equal(buf[0], 1);
	assert_int_equal(probe_udp_read(buf, sizeof(buf), &seq, &t), 0);
	assert_true(seq == 0x0102030405060708ull);
	assert_true(t == 123456789);
	assert_int_equal(probe_udp_read(buf, PROBE_UDP_HDR - 1, &seq, &t), -EINVAL);
}

static void rates(void **state)
{
	static const struct {
		const char *s;
		uint64_t bps;
	} good[] = {
	    {"10M", 10000000},	       {"10mbit", 10000000},
	    {"1.5G", 1500000000},      {"500kbit", 500000},
	    {"2000000", 2000000},      {"1g", 1000000000},
	    {"100Mbit/s", 100000000},  {"1", 1},
	    {"100G", 100000000000ull},
	};
	static const char *const bad[] = {"",	  "M",	  "-1M",   "10parsecs", "0",   "0.1",
					  "101G", "10 M", "1e400", "nan",	"inf", "10Mb"};
	struct brig_err e;
	uint64_t v;
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(probe_parse_rate(good[i].s, &v, &e), 0);
		assert_true(v == good[i].bps);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(probe_parse_rate(bad[i], &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "invalid rate '10Mb'"));
	assert_string_equal(probe_fmt_rate(9.41e9, buf, sizeof(buf)), "9.41 Gbit/s");
	assert_string_equal(probe_fmt_rate(812.3e6, buf, sizeof(buf)), "812.30 Mbit/s");
	assert_string_equal(probe_fmt_rate(96e3, buf, sizeof(buf)), "96.00 Kbit/s");
	assert_string_equal(probe_fmt_rate(12, buf, sizeof(buf)), "12 bit/s");
}

static void drop_percent(void **state)
{
	(void)state;
	assert_int_equal(probe_drop_percent(0, 0), 0);
	assert_int_equal(probe_drop_percent(42, 42), 0);
	assert_int_equal(probe_drop_percent(42, 0), 100);
	assert_int_equal(probe_drop_percent(6, 3), 50);
	assert_int_equal(probe_drop_percent(1000, 999), 1); /* never 0 with a loss */
	assert_int_equal(probe_drop_percent(1000, 1), 99);  /* never 100 with a reply */
}

static void matrix_line(void **state)
{
	char nodes[4][LAB_NAME_MAX] = {"h1", "r1", "h2", "h3"};
	struct lab_ping pings[] = {
	    {.from = 0, .to = 1, .sent = 3, .received = 3},
	    {.from = 0, .to = 1, .sent = 3, .received = 3},
	    {.from = 0, .to = 2, .sent = 3, .received = 0},
	    {.from = 0, .to = 2, .sent = 3, .received = 0},
	    {.from = 1, .to = 0, .sent = 3, .received = 2},
	    {.from = 1, .to = 2, .sent = 3, .received = 3},
	};
	struct lab_pingall r = {.nodes = nodes, .n_nodes = 4, .pings = pings, .n_pings = 6};
	char buf[256], tiny[8];

	(void)state;
	assert_string_equal(probe_fmt_matrix_line(&r, 0, buf, sizeof(buf)), "h1 -> r1 X h3(-)");
	assert_string_equal(probe_fmt_matrix_line(&r, 1, buf, sizeof(buf)),
			    "r1 -> h1(2/3) h2 h3(-)");
	assert_string_equal(probe_fmt_matrix_line(&r, 1, tiny, sizeof(tiny)), "r1 -> h");
}

static void targets(void **state)
{
	char node[64], iface[16];
	struct brig_err e;

	(void)state;
	assert_int_equal(probe_parse_target("r1", node, sizeof(node), iface, &e), 0);
	assert_string_equal(node, "r1");
	assert_string_equal(iface, "eth0");
	assert_int_equal(probe_parse_target("clab-lab-r1:eth2", node, sizeof(node), iface, &e), 0);
	assert_string_equal(node, "clab-lab-r1");
	assert_string_equal(iface, "eth2");
	assert_int_equal(probe_parse_target(":eth1", node, sizeof(node), iface, &e), -EINVAL);
	assert_int_equal(probe_parse_target("r1:", node, sizeof(node), iface, &e), -EINVAL);
	assert_int_equal(probe_parse_target("r1:a-very-long-name0", node, sizeof(node), iface, &e),
			 -EINVAL);
}

/* An Ethernet frame holding an IPv4 ICMP echo request 10.0.1.2 > 10.0.1.1. */
static size_t icmp_frame(uint8_t *f)
{
	uint8_t icmp[64];
	size_t n;

	memset(f, 0, 14);
	f[12] = 0x08;
	probe_echo_build(icmp, sizeof(icmp), 7, 1, NULL, 56);
	n = wrap_ipv4(f + 14, icmp, 64, 0x0a000102);
	f[14 + 16] = 10; /* destination 10.0.0.1 */
	f[14 + 19] = 1;
	return 14 + n;
}

static void ifname_lists(void **state)
{
	char names[][16] = {"lo", "up0", "br0", "vb0123456789ab0", "vb0123456789ab1"};
	char buf[64];

	(void)state;
	assert_string_equal(probe_fmt_ifnames(names, 2, 24, buf, sizeof(buf)), "lo,up0");
	assert_string_equal(probe_fmt_ifnames(names, 0, 24, buf, sizeof(buf)), "");
	/* the rest would not fit in 24: ",+K" says how many are left out */
	assert_string_equal(probe_fmt_ifnames(names, 5, 24, buf, sizeof(buf)), "lo,up0,br0,+2");
	assert_string_equal(probe_fmt_ifnames(names, 5, 64, buf, sizeof(buf)),
			    "lo,up0,br0,vb0123456789ab0,vb0123456789ab1");
	/* the first name shows even when it alone is too long */
	assert_string_equal(probe_fmt_ifnames(names + 3, 2, 4, buf, sizeof(buf)),
			    "vb0123456789ab0,+1");
	/* a short buffer truncates, terminated */
	assert_string_equal(probe_fmt_ifnames(names, 5, 64, buf, 8), "lo,up0,");
}

static void packet_lines(void **state)
{
	uint8_t f[128],
	    arp[42] = {[12] = 0x08, [13] = 0x06, [15] = 1, [16] = 8,  [18] = 6, [19] = 4,
		       [21] = 1,    [28] = 10,	 [31] = 2, [38] = 10, [41] = 1};
	char buf[256];
	size_t n = icmp_frame(f);

	(void)state;
	assert_string_equal(probe_fmt_packet(f, n, n, 1, buf, sizeof(buf)),
			    "IP 10.0.1.2 > 10.0.0.1: ICMP echo request, id 7, seq 1, length 64");
	assert_string_equal(probe_fmt_packet(arp, sizeof(arp), sizeof(arp), 1, buf, sizeof(buf)),
			    "ARP, Request who-has 10.0.0.1 tell 10.0.0.2");
	assert_string_equal(probe_fmt_packet(f, 10, 98, 1, buf, sizeof(buf)),
			    "link-type 1, length 98");
	assert_string_equal(probe_fmt_packet(f, 20, 98, 1, buf, sizeof(buf)), "IP, truncated");
	for (size_t cut = 0; cut <= n; cut++) /* no read past caplen (ASan) */
		probe_fmt_packet(f, cut, n, 1, buf, sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(checksum_rfc1071),
	    cmocka_unit_test(echo_roundtrip),
	    cmocka_unit_test(echo_parse_refuses),
	    cmocka_unit_test(udp_stamp),
	    cmocka_unit_test(rates),
	    cmocka_unit_test(drop_percent),
	    cmocka_unit_test(matrix_line),
	    cmocka_unit_test(targets),
	    cmocka_unit_test(packet_lines),
	    cmocka_unit_test(echo6_roundtrip),
	    cmocka_unit_test(ping_addrs),
	    cmocka_unit_test(packet_lines6),
	    cmocka_unit_test(ifname_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
