/* fuzz_cidr.c - libFuzzer target for net_parse_ip / net_parse_cidr /
 * net_parse_addr_prefix / net_ifname_valid and their IPv6 twins
 * (net_parse_ip6, net_parse_cidr6, net_parse_addr_prefix6): no
 * crash on any input, and whatever parses formats back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* v6: what parses formats back to something that parses to the same,
 * never v4-mapped; a subnet has no host bits. */
static void check_v6(const char *s)
{
	char buf[NET_CIDR6_STRLEN];
	struct brig_err e;
	struct in6_addr a, b;
	int p, q;

	if (net_parse_ip6(s, &a, &e) == 0) {
		if (net_parse_ip6(net_ip6_str(&a, buf), &b, &e) != 0 || memcmp(&a, &b, sizeof(a)))
			__builtin_trap();
		if (net_ip6_u128(&a) >> 32 == 0xffff)
			__builtin_trap();
	}
	if (net_parse_cidr6(s, &a, &p, &e) == 0) {
		if (net_ip6_u128(&a) & ~net_mask6(p))
			__builtin_trap();
		if (net_parse_cidr6(net_prefix6_str(&a, p, buf), &b, &q, &e) != 0 || p != q ||
		    memcmp(&a, &b, sizeof(a)) || !net_overlaps6(&a, p, &b, q))
			__builtin_trap();
	}
	if (net_parse_addr_prefix6(s, &a, &p, &e) == 0 && (p < 1 || p > 128))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], buf[16], back[32];
	struct brig_err e;
	uint32_t a, b;
	int p, q;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (net_parse_ip(s, &a, &e) == 0) {
		if (strcmp(net_ip_str(a, buf), s) != 0)
			__builtin_trap();
	}
	if (net_parse_cidr(s, &a, &p, &e) == 0) {
		snprintf(back, sizeof(back), "%s/%d", net_ip_str(a, buf), p);
		if (strcmp(back, s) != 0 || net_parse_cidr(back, &b, &q, &e) != 0 || a != b ||
		    p != q || !net_overlaps(a, p, a, p))
			__builtin_trap();
	}
	if (net_parse_addr_prefix(s, &a, &p, &e) == 0) {
		/* an interface address round-trips through net_prefix_str */
		if (strcmp(net_prefix_str(a, p, back), s) != 0 || p < 1 || p > 32)
			__builtin_trap();
	}
	check_v6(s);
	if (net_ifname_valid(s) && (strlen(s) == 0 || strlen(s) > 15 || strchr(s, '/')))
		__builtin_trap();
	return 0;
}
