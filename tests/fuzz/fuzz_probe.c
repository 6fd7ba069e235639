/* fuzz_probe.c - libFuzzer target for what the probes read from the wire
 * and the command line: probe_echo_parse and probe_echo6_parse (raw ICMP
 * and ICMPv6 sockets' packets),
 * probe_udp_read (perf's datagrams), probe_fmt_packet (capture's lines),
 * probe_parse_rate and probe_parse_target.  No crash, no read outside the
 * input, and a parsed reply's payload lies inside the packet. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "probe_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void strings(const uint8_t *data, size_t size)
{
	char s[128], node[64], iface[16];
	struct brig_err e;
	uint64_t bps;

	if (size >= sizeof(s))
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (probe_parse_rate(s, &bps, &e) == 0 && (bps < 1 || bps > 100000000000ull))
		__builtin_trap();
	if (probe_parse_target(s, node, sizeof(node), iface, &e) == 0 &&
	    (!*node || !*iface || strlen(iface) > 15))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: ASan sees any read past it */
	uint8_t *pkt = malloc(size ? size : 1);
	struct probe_echo r;
	char line[512];
	uint64_t seq;
	int64_t t;

	if (!pkt)
		return 0;
	memcpy(pkt, data, size);
	if (probe_echo_parse(pkt, size, &r) == 0 &&
	    (r.payload < pkt || r.payload + r.plen > pkt + size))
		__builtin_trap();
	if (probe_echo6_parse(pkt, size, &r) == 0 &&
	    (r.payload < pkt || r.payload + r.plen > pkt + size))
		__builtin_trap();
	probe_udp_read(pkt, size, &seq, &t);
	probe_fmt_packet(pkt, size, size, 1, line, sizeof(line));
	if (size > 4)
		probe_fmt_packet(pkt, size, (size_t)pkt[0] << 8 | pkt[1], pkt[2] & 1, line,
				 sizeof(line));
	strings(pkt, size);
	free(pkt);
	return 0;
}
