/* fuzz_cidr.c - libFuzzer target for net_parse_ip / net_parse_cidr /
 * net_parse_addr_prefix / net_ifname_valid: no
 * crash on any input, and whatever parses formats back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	if (net_ifname_valid(s) && (strlen(s) == 0 || strlen(s) > 15 || strchr(s, '/')))
		__builtin_trap();
	return 0;
}
