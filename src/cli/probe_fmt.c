/* probe_fmt.c - pingall's matrix line, bit rates both ways, NODE[:IFACE]
 * (probe_fmt.h). */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_fmt.h"

#define RATE_MAX 100e9

static const struct {
	char letter;
	double mul;
} rate_units[] = {{'k', 1e3}, {'m', 1e6}, {'g', 1e9}};

int probe_parse_rate(const char *s, uint64_t *bps, struct brig_err *e)
{
	char *end;
	double v, mul = 1;

	if (!s || !*s || !((*s >= '0' && *s <= '9') || *s == '.'))
		goto bad;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		goto bad;
	for (size_t i = 0; i < sizeof(rate_units) / sizeof(rate_units[0]); i++)
		if ((*end | 0x20) == rate_units[i].letter) {
			mul = rate_units[i].mul;
			end++;
			break;
		}
	if (*end && strcasecmp(end, "bit") != 0 && strcasecmp(end, "bit/s") != 0 &&
	    strcasecmp(end, "bps") != 0)
		goto bad;
	v *= mul;
	if (v < 1 || v > RATE_MAX)
		goto bad;
	*bps = (uint64_t)(v + 0.5);
	return 0;
bad:
	return brig_errf(
	    e, EINVAL,
	    "invalid rate '%s': bits per second, e.g. 10M, 1.5G, 500kbit (1 bit/s to 100G)",
	    s ? s : "");
}

const char *probe_fmt_rate(double bps, char *buf, size_t len)
{
	if (bps >= 1e9)
		snprintf(buf, len, "%.2f Gbit/s", bps / 1e9);
	else if (bps >= 1e6)
		snprintf(buf, len, "%.2f Mbit/s", bps / 1e6);
	else if (bps >= 1e3)
		snprintf(buf, len, "%.2f Kbit/s", bps / 1e3);
	else
		snprintf(buf, len, "%.0f bit/s", bps);
	return buf;
}

unsigned probe_drop_percent(unsigned sent, unsigned received)
{
	unsigned lost, pct;

	if (sent == 0)
		return 0;
	lost = received >= sent ? 0 : sent - received;
	pct = (unsigned)(((uint64_t)lost * 100 + sent / 2) / sent);
	if (lost && pct == 0)
		return 1;
	if (lost < sent && pct == 100)
		return 99;
	return pct;
}

/* Append s to buf (len), keeping it terminated; false when it was cut. */
static void append(char *buf, size_t len, size_t *at, const char *s)
{
	int n = snprintf(buf + *at, len - *at, "%s", s);

	if (n > 0)
		*at = *at + (size_t)n < len ? *at + (size_t)n : len - 1;
}

const char *probe_fmt_matrix_line(const struct lab_pingall *r, size_t from, char *buf, size_t len)
{
	size_t at = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	append(buf, len, &at, r->nodes[from]);
	append(buf, len, &at, " ->");
	for (size_t to = 0; to < r->n_nodes; to++) {
		unsigned sent = 0, rcvd = 0, addrs = 0;
		char word[LAB_NAME_MAX + 32];
		if (to == from)
			continue;
		for (size_t k = 0; k < r->n_pings; k++)
			if (r->pings[k].from == from && r->pings[k].to == to) {
				sent += r->pings[k].sent;
				rcvd += r->pings[k].received;
				addrs++;
			}
		if (!addrs)
			snprintf(word, sizeof(word), " %s(-)", r->nodes[to]);
		else if (rcvd >= sent && sent)
			snprintf(word, sizeof(word), " %s", r->nodes[to]);
		else if (rcvd == 0)
			snprintf(word, sizeof(word), " X");
		else
			snprintf(word, sizeof(word), " %s(%u/%u)", r->nodes[to], rcvd, sent);
		append(buf, len, &at, word);
	}
	return buf;
}

int probe_parse_target(const char *s, char *node, size_t len, char iface[16], struct brig_err *e)
{
	const char *colon = strrchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 0 || n >= len)
		return brig_errf(e, EINVAL, "invalid target '%s': NODE or NODE:IFACE", s);
	memcpy(node, s, n);
	node[n] = '\0';
	if (!colon) {
		snprintf(iface, 16, "eth0");
		return 0;
	}
	if (!colon[1] || strlen(colon + 1) >= 16)
		return brig_errf(e, EINVAL, "invalid interface in '%s': 1 to 15 characters", s);
	snprintf(iface, 16, "%s", colon + 1);
	return 0;
}

const char *probe_fmt_ping_addr(const struct lab_ping *g, char buf[PROBE_FMT_ADDR_MAX])
{
	if (g->v6)
		return inet_ntop(AF_INET6, &g->addr6, buf, PROBE_FMT_ADDR_MAX);
	return probe_fmt_ip(g->addr, buf);
}

const char *probe_fmt_ip(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
	return buf;
}

const char *probe_fmt_ifnames(char (*v)[16], size_t n, size_t width, char *buf,
			      size_t len)
{
	size_t used = 0, i;
	char more[24];

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		size_t need = strlen(v[i]) + (i > 0);
		/* room must stay for ",+K" when names are left after this one */
		snprintf(more, sizeof(more), ",+%zu", n - i - 1);
		if (used + need + (i + 1 < n ? strlen(more) : 0) > width && i > 0)
			break;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "", v[i]);
		if (used >= len)
			return buf;
	}
	if (i < n)
		snprintf(buf + used, len - used, ",+%zu", n - i);
	return buf;
}

/* ---- a captured packet in one line ---- */

#define DLT_ETHERNET 1

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *icmp_type(uint8_t t)
{
	switch (t) {
	case 0:
		return "echo reply";
	case 3:
		return "destination unreachable";
	case 8:
		return "echo request";
	case 11:
		return "time exceeded";
	default:
		return "type";
	}
}

static void ip_l4_ports(char *buf, size_t sz, uint8_t proto, const char *src, const char *dst,
			const uint8_t *l4, size_t n, size_t plen);
static void ip_l4_icmp(char *buf, size_t sz, uint8_t proto, const char *src, const char *dst,
		       const uint8_t *l4, size_t n, size_t plen);

/* The transport of an IPv4 packet: l4 holds n bytes, the IP payload
 * is plen bytes long. */
static void ipv4_l4(char *buf, size_t sz, uint8_t proto, const char *src, const char *dst,
		    const uint8_t *l4, size_t n, size_t plen)
{
	char tail[384];
	int w;

	if (proto != 6 && proto != 17) {
		ip_l4_icmp(buf, sz, proto, src, dst, l4, n, plen);
		return;
	}
	w = snprintf(buf, sz, "IP ");
	if (w > 0 && (size_t)w < sz) {
		ip_l4_ports(tail, sizeof(tail), proto, src, dst, l4, n, plen);
		snprintf(buf + w, sz - (size_t)w, "%s", tail);
	}
}

/* TCP and UDP lines, without the family word (either family). */
static void ip_l4_ports(char *buf, size_t sz, uint8_t proto, const char *src, const char *dst,
			const uint8_t *l4, size_t n, size_t plen)
{
	static const char flag_names[] = "FSRP.U";

	if (proto == 6 && n >= 14) {
		char flags[8] = "";
		size_t k = 0;
		for (int b = 0; b < 6; b++)
			if (l4[13] & (1 << b))
				flags[k++] = flag_names[b];
		size_t hl = (size_t)(l4[12] >> 4) * 4;
		snprintf(buf, sz, "%s.%u > %s.%u: Flags [%s], seq %u, length %zu", src, be16(l4),
			 dst, be16(l4 + 2), flags, be32(l4 + 4), plen > hl ? plen - hl : 0);
	} else if (proto == 17 && n >= 8)
		snprintf(buf, sz, "%s.%u > %s.%u: UDP, length %zu", src, be16(l4), dst,
			 be16(l4 + 2), plen >= 8 ? plen - 8 : 0);
	else
		snprintf(buf, sz, "%s > %s: ip-proto-%u, length %zu", src, dst, proto, plen);
}

/* ICMP (and anything but TCP and UDP) of an IPv4 packet. */
static void ip_l4_icmp(char *buf, size_t sz, uint8_t proto, const char *src, const char *dst,
		       const uint8_t *l4, size_t n, size_t plen)
{
	if (proto == 1 && n >= 8 && (l4[0] == 0 || l4[0] == 8))
		snprintf(buf, sz, "IP %s > %s: ICMP %s, id %u, seq %u, length %zu", src, dst,
			 icmp_type(l4[0]), be16(l4 + 4), be16(l4 + 6), plen);
	else if (proto == 1 && n >= 1)
		snprintf(buf, sz, "IP %s > %s: ICMP %s %u, length %zu", src, dst, icmp_type(l4[0]),
			 l4[0], plen);
	else
		snprintf(buf, sz, "IP %s > %s: ip-proto-%u, length %zu", src, dst, proto, plen);
}

static const char *ipv4(const uint8_t *p, size_t n, char *buf, size_t sz)
{
	char src[16], dst[16];
	size_t ihl, total;

	if (n < 20 || p[0] >> 4 != 4)
		return snprintf(buf, sz, "IP, truncated"), buf;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	total = be16(p + 2);
	if (ihl < 20 || ihl > n || total < ihl)
		return snprintf(buf, sz, "IP, bad header"), buf;
	probe_fmt_ip(be32(p + 12), src);
	probe_fmt_ip(be32(p + 16), dst);
	/* a fragment past the first carries no transport header */
	if (be16(p + 6) & 0x1fff)
		return snprintf(buf, sz, "IP %s > %s: fragment, length %zu", src, dst, total - ihl),
		       buf;
	ipv4_l4(buf, sz, p[9], src, dst, p + ihl, n - ihl, total - ihl);
	return buf;
}

static const char *icmp6_type(uint8_t t)
{
	static const struct {
		uint8_t type;
		const char *name;
	} names[] = {
		{ 1, "destination unreachable" }, { 3, "time exceeded" },
		{ 128, "echo request" },	  { 129, "echo reply" },
		{ 130, "multicast listener query" }, { 131, "multicast listener report" },
		{ 133, "router solicitation" },	  { 134, "router advertisement" },
		{ 143, "multicast listener report v2" },
		{ 135, "neighbor solicitation" }, { 136, "neighbor advertisement" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == t)
			return names[i].name;
	return "type";
}

/* Walk the extension headers in front of the upper layer (hop-by-hop,
 * routing, destination options; a first fragment's header): *nh, *p, *n
 * and *plen move past each, and its tcpdump name goes to names.  Stops at
 * a truncated header or a later fragment (its upper layer is not here). */
static void ipv6_skip_ext(uint8_t *nh, const uint8_t **p, size_t *n, size_t *plen,
			  char *names, size_t sz)
{
	size_t len, used = strlen(names);

	for (;;) {
		const char *name = *nh == 0 ? "HBH" : *nh == 43 ? "RT" : *nh == 60 ? "DSTOPT" :
				   *nh == 44 ? "frag" : NULL;
		if (!name || *n < 8 || (*nh == 44 && (be16(*p + 2) & 0xfff8)))
			return;
		len = *nh == 44 ? 8 : ((size_t)(*p)[1] + 1) * 8;
		if (len > *n)
			return;
		if (used + 8 <= sz) /* "DSTOPT " and its NUL */
			used += (size_t)snprintf(names + used, sz - used, "%s ", name);
		*nh = (*p)[0];
		*p += len;
		*n -= len;
		*plen = *plen > len ? *plen - len : 0;
	}
}

/* An IPv6 packet as tcpdump's line says it ("IP6 a > b: ICMP6, echo
 * request, id 1, seq 2, length 64"; "HBH ICMP6, ..." behind a hop-by-hop
 * header, as MLD reports are). */
static const char *ipv6(const uint8_t *p, size_t n, char *buf, size_t sz)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], tail[384], ext[64] = "";
	size_t plen;
	uint8_t nh;

	if (n < 40 || p[0] >> 4 != 6)
		return snprintf(buf, sz, "IP6, truncated"), buf;
	plen = be16(p + 4);
	nh = p[6];
	inet_ntop(AF_INET6, p + 8, src, sizeof(src));
	inet_ntop(AF_INET6, p + 24, dst, sizeof(dst));
	p += 40;
	n -= 40;
	ipv6_skip_ext(&nh, &p, &n, &plen, ext, sizeof(ext));
	if (nh == 58 && n >= 8 && (p[0] == 128 || p[0] == 129))
		snprintf(buf, sz, "IP6 %s > %s: %sICMP6, %s, id %u, seq %u, length %zu", src, dst,
			 ext, icmp6_type(p[0]), be16(p + 4), be16(p + 6), plen);
	else if (nh == 58 && n >= 1)
		snprintf(buf, sz, "IP6 %s > %s: %sICMP6, %s %u, length %zu", src, dst, ext,
			 icmp6_type(p[0]), p[0], plen);
	else {
		ip_l4_ports(tail, sizeof(tail), nh, src, dst, p, n, plen);
		snprintf(buf, sz, "IP6 %s", tail);
	}
	return buf;
}

static const char *arp(const uint8_t *p, size_t n, char *buf, size_t sz)
{
	char spa[16], tpa[16];

	/* Ethernet/IPv4 ARP only: hardware 1, protocol 0x0800, lengths 6 and 4 */
	if (n < 28 || be16(p) != 1 || be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4)
		return snprintf(buf, sz, "ARP, length %zu", n), buf;
	probe_fmt_ip(be32(p + 14), spa);
	probe_fmt_ip(be32(p + 24), tpa);
	if (be16(p + 6) == 1)
		snprintf(buf, sz, "ARP, Request who-has %s tell %s", tpa, spa);
	else if (be16(p + 6) == 2)
		snprintf(buf, sz, "ARP, Reply %s is-at %02x:%02x:%02x:%02x:%02x:%02x", spa, p[8],
			 p[9], p[10], p[11], p[12], p[13]);
	else
		snprintf(buf, sz, "ARP, op %u", be16(p + 6));
	return buf;
}

const char *probe_fmt_packet(const uint8_t *p, size_t caplen, size_t len, int dlt, char *buf,
			     size_t n)
{
	uint16_t type;
	size_t off = 14;

	if (!n)
		return buf;
	if (dlt != DLT_ETHERNET || caplen < 14) {
		snprintf(buf, n, "link-type %d, length %zu", dlt, len);
		return buf;
	}
	type = be16(p + 12);
	if (type == 0x8100 && caplen >= 18) { /* one VLAN tag */
		type = be16(p + 16);
		off = 18;
	}
	if (type == 0x0800)
		return ipv4(p + off, caplen - off, buf, n);
	if (type == 0x0806)
		return arp(p + off, caplen - off, buf, n);
	if (type == 0x86dd)
		return ipv6(p + off, caplen - off, buf, n);
	snprintf(buf, n, "ethertype 0x%04x, length %zu", type, len);
	return buf;
}
