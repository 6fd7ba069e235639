/* parse6.c - pure IPv6 address and subnet helpers (fuzzed by
 * tests/fuzz/fuzz_cidr.c): parsing that refuses what would surprise
 * (v4-mapped and dotted forms, zone ids, host bits in a subnet), the
 * checks of a network's v6 half, and the unique-local /64 a network gets
 * without --subnet.  No allocation, no I/O (inet_pton/ntop are pure). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

net_u128 net_ip6_u128(const struct in6_addr *a)
{
	net_u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = (v << 8) | a->s6_addr[i];
	return v;
}

void net_u128_ip6(net_u128 v, struct in6_addr *a)
{
	for (int i = 15; i >= 0; i--, v >>= 8)
		a->s6_addr[i] = (uint8_t)v;
}

net_u128 net_mask6(int prefix)
{
	return prefix <= 0 ? 0 : ~(net_u128)0 << (128 - prefix);
}

/* The longest run (>= 2) of zero groups, the first of equals: [*at, +*len). */
static void zero_run(const uint16_t g[8], int *at, int *len)
{
	*at = -1;
	*len = 0;
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > *len && j - i >= 2) {
			*at = i;
			*len = j - i;
		}
		i = j > i ? j : i + 1;
	}
}

/* RFC 5952 by hand: inet_ntop writes ::a.b.c.d for addresses in ::/96,
 * a form brig refuses to read back. */
const char *net_ip6_str(const struct in6_addr *a, char *buf)
{
	uint16_t g[8];
	int at, len, off = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a->s6_addr[2 * i] << 8 | a->s6_addr[2 * i + 1]);
	zero_run(g, &at, &len);
	for (int i = 0; i < 8; i++) {
		if (i == at) {
			off += snprintf(buf + off, (size_t)(NET_IP6_STRLEN - off), "::");
			i += len - 1;
			continue;
		}
		off += snprintf(buf + off, (size_t)(NET_IP6_STRLEN - off), "%s%x",
				i && i != at + len ? ":" : "", g[i]);
	}
	return buf;
}

const char *net_prefix6_str(const struct in6_addr *a, int prefix, char *buf)
{
	char s[NET_IP6_STRLEN];

	snprintf(buf, NET_CIDR6_STRLEN, "%s/%d", net_ip6_str(a, s), prefix);
	return buf;
}

static bool v4_mapped(const struct in6_addr *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

int net_parse_ip6(const char *s, struct in6_addr *a, struct brig_err *e)
{
	struct in6_addr x;

	if (!s || strlen(s) >= NET_IP6_STRLEN || strchr(s, '%') ||
	    inet_pton(AF_INET6, s, &x) != 1)
		return brig_errf(e, EINVAL, "invalid IPv6 address '%.64s'", s ? s : "(null)");
	/* ::ffff:a.b.c.d is an IPv4 address in disguise: brig keeps the two
	 * families apart (--ip for IPv4); dotted tails are refused with it. */
	if (v4_mapped(&x))
		return brig_errf(e, EINVAL,
				 "'%.64s' is an IPv4-mapped address, not an IPv6 one (use the IPv4 "
				 "form with --ip or --subnet)", s);
	if (strchr(s, '.'))
		return brig_errf(e, EINVAL,
				 "invalid IPv6 address '%.64s': a dotted IPv4 tail is not allowed here",
				 s);
	*a = x;
	return 0;
}

/* "N" of "addr/N": 0..128, digits only, no leading zero. */
static int parse_plen(const char *p, int *out)
{
	int v = 0, n = 0;

	for (; p[n] >= '0' && p[n] <= '9' && n < 4; n++)
		v = v * 10 + (p[n] - '0');
	if (n == 0 || p[n] || (n > 1 && p[0] == '0') || v > 128)
		return -1;
	*out = v;
	return 0;
}

/* Split "addr/N": the address into a (refused as net_parse_ip6 does) and
 * N into *prefix; what names the input in messages. */
static int split6(const char *s, struct in6_addr *a, int *prefix, const char *what,
		  struct brig_err *e)
{
	char addr[NET_IP6_STRLEN];
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t n;

	if (!slash || (n = (size_t)(slash - s)) >= sizeof(addr) || parse_plen(slash + 1, prefix) < 0)
		return brig_errf(e, EINVAL, "invalid IPv6 %s '%.64s' (want ADDR/N, N in 0..128)", what,
				 s ? s : "(null)");
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (net_parse_ip6(addr, a, e) < 0)
		return brig_err_ctx(e, "IPv6 %s '%.64s'", what, s);
	return 0;
}

int net_parse_cidr6(const char *s, struct in6_addr *a, int *prefix, struct brig_err *e)
{
	struct in6_addr x, m;
	char buf[NET_CIDR6_STRLEN];
	int p;
	int r = split6(s, &x, &p, "subnet", e);

	if (r < 0)
		return r;
	net_u128_ip6(net_ip6_u128(&x) & net_mask6(p), &m);
	if (memcmp(&x, &m, sizeof(m)) != 0)
		return brig_errf(e, EINVAL, "invalid IPv6 subnet '%.64s': host bits set (did you mean %s?)",
				 s, net_prefix6_str(&m, p, buf));
	*a = x;
	*prefix = p;
	return 0;
}

int net_parse_addr_prefix6(const char *s, struct in6_addr *a, int *prefix, struct brig_err *e)
{
	int r = split6(s, a, prefix, "address", e);

	if (r < 0)
		return r;
	if (*prefix < 1)
		return brig_errf(e, EINVAL, "invalid IPv6 address '%.64s': prefix length 0", s);
	return 0;
}

bool net_overlaps6(const struct in6_addr *a, int pa, const struct in6_addr *b, int pb)
{
	net_u128 m = net_mask6(pa < pb ? pa : pb);

	return (net_ip6_u128(a) & m) == (net_ip6_u128(b) & m);
}

bool net_in_subnet6(const struct in6_addr *a, const struct in6_addr *subnet, int prefix)
{
	return net_overlaps6(a, 128, subnet, prefix);
}

/* Ranges no container network may use (RFC 4291, RFC 6890). */
static const struct {
	uint8_t first, second_mask, second; /* the top byte, then bits of the next */
	int prefix;
	const char *what;
} reserved6[] = {
	{ 0x00, 0x00, 0x00, 8, "the reserved range ::/8 (unspecified, loopback, IPv4-mapped)" },
	{ 0xfe, 0xc0, 0x80, 10, "link-local (fe80::/10)" },
	{ 0xff, 0x00, 0x00, 8, "multicast (ff00::/8)" },
};

static int check_reserved6(const struct net_network *n, struct brig_err *e)
{
	const uint8_t *b = n->subnet6.s6_addr;
	char s[NET_CIDR6_STRLEN];

	for (size_t i = 0; i < sizeof(reserved6) / sizeof(reserved6[0]); i++)
		if (b[0] == reserved6[i].first && (b[1] & reserved6[i].second_mask) == reserved6[i].second)
			return brig_errf(e, EINVAL, "network %s: IPv6 subnet %s overlaps %s", n->name,
					 net_prefix6_str(&n->subnet6, n->prefix6, s), reserved6[i].what);
	return 0;
}

int net_network_validate6(struct net_network *n, struct brig_err *e)
{
	net_u128 net, gw;
	char s[NET_CIDR6_STRLEN], g[NET_IP6_STRLEN];
	int r;

	if (!n->ipv6)
		return 0;
	if (n->ipam_none)
		return brig_errf(e, EINVAL, "network %s: --ipv6 needs IPAM (not --ipam none)", n->name);
	if (n->prefix6 < NET_V6_PREFIX_MIN || n->prefix6 > NET_V6_PREFIX_MAX)
		return brig_errf(e, EINVAL, "network %s: IPv6 subnet /%d: want /%d to /%d", n->name,
				 n->prefix6, NET_V6_PREFIX_MIN, NET_V6_PREFIX_MAX);
	net = net_ip6_u128(&n->subnet6);
	if (net & ~net_mask6(n->prefix6))
		return brig_errf(e, EINVAL, "network %s: IPv6 subnet %s has host bits set", n->name,
				 net_prefix6_str(&n->subnet6, n->prefix6, s));
	if ((r = check_reserved6(n, e)) < 0)
		return r;
	gw = net_ip6_u128(&n->gateway6);
	if (n->no_gateway) {
		if (gw)
			return brig_errf(e, EINVAL, "network %s: a gateway and no gateway", n->name);
		return 0;
	}
	if (gw == 0)
		net_u128_ip6(gw = net + 1, &n->gateway6);
	/* ::0 of the subnet is the subnet-router anycast address (RFC 4291). */
	if (!net_in_subnet6(&n->gateway6, &n->subnet6, n->prefix6) || gw == net)
		return brig_errf(e, EINVAL, "network %s: IPv6 gateway %s is not a host address of %s",
				 n->name, net_ip6_str(&n->gateway6, g),
				 net_prefix6_str(&n->subnet6, n->prefix6, s));
	return 0;
}

/* FNV-1a, 64 bits, over a string and its NUL. */
static uint64_t fnv64(uint64_t h, const char *s)
{
	do
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	while (*s++);
	return h;
}

void net_ula64(const char *name, const char *host, unsigned salt, struct in6_addr *out)
{
	uint64_t h = fnv64(fnv64(0xcbf29ce484222325ull, host), name);

	h = (h ^ salt) * 0x100000001b3ull;
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfd; /* fd00::/8: locally assigned ULA (RFC 4193) */
	for (int i = 1; i < 8; i++, h >>= 8) /* 40-bit global id + 16-bit subnet id */
		out->s6_addr[i] = (uint8_t)h;
}
