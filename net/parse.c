/* parse.c - pure IPv4 address and subnet helpers (fuzzed by
 * tests/fuzz/fuzz_cidr.c).  No allocation, no I/O. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

/* Mask of a prefix length; prefix 0 is the empty mask (shift by 32 is UB). */
static uint32_t prefix_mask(int prefix)
{
	return prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix);
}

/* Parse a decimal number of 1..maxdigits digits without a leading zero
 * ("010" could be read as octal by other tools, so it is refused). */
static int parse_dec(const char **p, int maxdigits, unsigned *out)
{
	const char *s = *p;
	unsigned v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == maxdigits)
			return -1;
		v = v * 10 + (unsigned)(s[n] - '0');
		n++;
	}
	if (n == 0 || (n > 1 && s[0] == '0'))
		return -1;
	*p = s + n;
	*out = v;
	return 0;
}

/* Parse the dotted quad at *p, leaving *p after it. */
static int parse_quad(const char **p, uint32_t *addr)
{
	uint32_t a = 0;
	unsigned v;

	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (**p != '.')
				return -1;
			(*p)++;
		}
		if (parse_dec(p, 3, &v) < 0 || v > 255)
			return -1;
		a = (a << 8) | v;
	}
	*addr = a;
	return 0;
}

int net_parse_ip(const char *s, uint32_t *addr, struct brig_err *e)
{
	const char *p = s;

	if (!s || parse_quad(&p, addr) < 0 || *p != '\0')
		return brig_errf(e, EINVAL, "invalid IPv4 address '%.64s'", s ? s : "(null)");
	return 0;
}

int net_parse_addr_prefix(const char *s, uint32_t *addr, int *prefix, struct brig_err *e)
{
	const char *p = s;
	uint32_t a;
	unsigned pl;

	if (!s || parse_quad(&p, &a) < 0 || *p++ != '/' || parse_dec(&p, 2, &pl) < 0 || pl < 1 ||
	    pl > 32 || *p != '\0')
		return brig_errf(e, EINVAL, "invalid address '%.64s' (want a.b.c.d/N)",
				 s ? s : "(null)");
	*addr = a;
	*prefix = (int)pl;
	return 0;
}

bool net_ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NET_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int net_parse_cidr(const char *s, uint32_t *addr, int *prefix, struct brig_err *e)
{
	const char *p = s;
	uint32_t a;
	unsigned pl;
	char buf[16];

	if (!s || parse_quad(&p, &a) < 0 || *p++ != '/' || parse_dec(&p, 2, &pl) < 0 ||
	    pl > 32 || *p != '\0')
		return brig_errf(e, EINVAL, "invalid subnet '%.64s' (want a.b.c.d/N, N in 0..32)",
				 s ? s : "(null)");
	if (a & ~prefix_mask((int)pl))
		return brig_errf(e, EINVAL, "invalid subnet '%.64s': host bits set (did you mean %s/%u?)",
				 s, net_ip_str(a & prefix_mask((int)pl), buf), pl);
	*addr = a;
	*prefix = (int)pl;
	return 0;
}

const char *net_ip_str(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
	return buf;
}

bool net_overlaps(uint32_t a, int pa, uint32_t b, int pb)
{
	/* Two prefixes overlap iff they agree on the shorter one. */
	uint32_t m = prefix_mask(pa < pb ? pa : pb);

	return (a & m) == (b & m);
}

/* Ranges no container network may use: they mean something else to every
 * host (RFC 6890). */
static const struct {
	uint32_t addr;
	int prefix;
	const char *what;
} reserved[] = {
	{ 0x00000000, 8, "the unspecified range 0.0.0.0/8" },
	{ 0x7f000000, 8, "loopback (127.0.0.0/8)" },
	{ 0xa9fe0000, 16, "link-local (169.254.0.0/16)" },
	{ 0xe0000000, 4, "multicast (224.0.0.0/4)" },
	{ 0xf0000000, 4, "reserved and broadcast (240.0.0.0/4)" },
};

static int check_reserved(const struct net_network *n, struct brig_err *e)
{
	char a[16];

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (net_overlaps(n->subnet, n->prefix, reserved[i].addr, reserved[i].prefix))
			return brig_errf(e, EINVAL, "network %s: subnet %s/%d overlaps %s", n->name,
					 net_ip_str(n->subnet, a), n->prefix, reserved[i].what);
	return 0;
}

const char *net_prefix_str(uint32_t addr, int prefix, char *buf)
{
	char a[16];

	snprintf(buf, 20, "%s/%d", net_ip_str(addr, a), prefix);
	return buf;
}

const char *net_cidr_str(const struct net_network *n, char *buf)
{
	if (n->ipam_none)
		buf[0] = '\0';
	else
		net_prefix_str(n->subnet, n->prefix, buf);
	return buf;
}

int net_network_validate(struct net_network *n, struct brig_err *e)
{
	uint32_t mask, bcast;
	char a[16], b[16];

	if (n->ipam_none) {
		n->no_gateway = true;
		if (n->subnet || n->prefix || n->gateway)
			return brig_errf(e, EINVAL, "network %s: no IPAM means no subnet and no gateway",
					 n->name);
		return 0;
	}
	if (n->prefix < 0 || n->prefix > 32)
		return brig_errf(e, EINVAL, "network %s: invalid prefix length %d", n->name, n->prefix);
	mask = prefix_mask(n->prefix);
	if (n->subnet & ~mask)
		return brig_errf(e, EINVAL, "network %s: subnet %s/%d has host bits set", n->name,
				 net_ip_str(n->subnet, a), n->prefix);
	if (check_reserved(n, e) < 0)
		return -e->code;
	/* A /32 has no room for a container beside the gateway.  A /31 is
	 * allowed (RFC 3021: both addresses are hosts, no network/broadcast). */
	if (n->prefix == 32)
		return brig_errf(e, EINVAL,
				 "network %s: subnet %s/32 is too small (a network needs a gateway "
				 "and at least one container address)",
				 n->name, net_ip_str(n->subnet, a));
	if (n->mtu != 0 && (n->mtu < 68 || n->mtu > 65535))
		return brig_errf(e, EINVAL, "network %s: invalid MTU %d (68..65535)", n->name, n->mtu);
	bcast = n->subnet | ~mask;
	if (n->no_gateway) {
		if (n->gateway)
			return brig_errf(e, EINVAL, "network %s: a gateway and no gateway", n->name);
		return 0;
	}
	if (n->prefix == 31) {
		if (n->gateway == 0)
			n->gateway = n->subnet;
		if ((n->gateway & mask) != n->subnet)
			return brig_errf(e, EINVAL, "network %s: gateway %s is outside %s/31",
					 n->name, net_ip_str(n->gateway, a), net_ip_str(n->subnet, b));
		return 0;
	}
	if (n->gateway == 0)
		n->gateway = n->subnet + 1;
	if ((n->gateway & mask) != n->subnet || n->gateway == n->subnet || n->gateway == bcast)
		return brig_errf(e, EINVAL,
				 "network %s: gateway %s is not a host address of %s/%d", n->name,
				 net_ip_str(n->gateway, a), net_ip_str(n->subnet, b), n->prefix);
	return 0;
}

void net_mac_from_ip(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x42;
	mac[2] = (uint8_t)(addr >> 24);
	mac[3] = (uint8_t)(addr >> 16);
	mac[4] = (uint8_t)(addr >> 8);
	mac[5] = (uint8_t)addr;
}
