/* portspec.c - published ports as values (see portspec.h).  Pure: no
 * socket, no file; the choices that need the host (a free port, a taken
 * one) are publish.c's. */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "portspec.h"

/* s as an error message may show it: printable characters only (others
 * as '?'), at most 40 of them: one line whatever the user typed. */
static const char *shown(const char *s, char out[48])
{
	size_t i = 0;

	for (; s[i] && i < 40; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i])
		memcpy(out + i - 3, "...", 3);
	out[i] = '\0';
	return out;
}

/* Refuse value s: "invalid -p 'S': " and the reason. */
static int bad(struct brig_err *e, int code, const char *s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(struct brig_err *e, int code, const char *s, const char *fmt, ...)
{
	char why[160], v[48];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* a reason may quote the user's text (a parser's message): one line */
	for (char *c = why; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
	return brig_errf(e, code, "invalid -p '%s': %s", shown(s, v), why);
}

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "sctp", IPPROTO_SCTP },
};

const char *portspec_proto_name(uint8_t proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return "?";
}

int portspec_proto(const char *s, uint8_t *proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcasecmp(s, protos[i].name) == 0) {
			*proto = protos[i].proto;
			return 0;
		}
	return -1;
}

/* A port number of 1 to 5 digits in s[0..len), at most 65535; min is the
 * lowest allowed (0 for a host port: any). */
static int number(const char *s, size_t len, unsigned min, uint16_t *out)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < min || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "LO" or "LO-HI" in s[0..len) into [lo, hi]. */
static int range(const char *s, size_t len, unsigned min, uint16_t *lo, uint16_t *hi)
{
	const char *dash = memchr(s, '-', len);

	if (!dash) {
		if (number(s, len, min, lo) < 0)
			return -1;
		*hi = *lo;
		return 0;
	}
	if (number(s, (size_t)(dash - s), min, lo) < 0 ||
	    number(dash + 1, len - (size_t)(dash - s) - 1, min, hi) < 0 || *hi < *lo)
		return -1;
	return 0;
}

/* The parts of a -p value, split at its colons (no copies). */
struct parts {
	const char *ip, *host, *ctr, *proto;
	size_t ip_len, host_len, ctr_len;
};

/* "[V6ADDR]:HOST:PORT" (HOST may be empty): the address's brackets
 * keep its colons apart from the ports'. */
static int split6(const char *s, const char *end, struct parts *p, struct brig_err *e)
{
	const char *close = memchr(s, ']', (size_t)(end - s)), *c;

	if (!close || close[1] != ':')
		return bad(e, EINVAL, s, "expected [IPv6]:HOSTPORT:PORT");
	c = memchr(close + 2, ':', (size_t)(end - close - 2));
	if (!c || memchr(c + 1, ':', (size_t)(end - c - 1)))
		return bad(e, EINVAL, s, "expected [IPv6]:HOSTPORT:PORT");
	p->ip = s + 1, p->ip_len = (size_t)(close - s - 1);
	p->host = close + 2, p->host_len = (size_t)(c - close - 2);
	p->ctr = c + 1, p->ctr_len = (size_t)(end - c - 1);
	return 0;
}

static int split(const char *s, struct parts *p, struct brig_err *e)
{
	const char *slash = strchr(s, '/'), *end = slash ? slash : s + strlen(s);
	const char *c1 = memchr(s, ':', (size_t)(end - s)), *c2 = NULL;

	memset(p, 0, sizeof(*p));
	p->proto = slash ? slash + 1 : "tcp";
	if (s[0] == '[')
		return split6(s, end, p, e);
	if (c1)
		c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (c2 && memchr(c2 + 1, ':', (size_t)(end - c2 - 1)))
		return bad(e, EINVAL, s, "too many ':' (an IPv6 address goes in brackets: [::1]:80:80)");
	if (c2) {
		p->ip = s, p->ip_len = (size_t)(c1 - s);
		p->host = c1 + 1, p->host_len = (size_t)(c2 - c1 - 1);
	} else if (c1) {
		p->host = s, p->host_len = (size_t)(c1 - s);
	}
	p->ctr = c2 ? c2 + 1 : c1 ? c1 + 1 : s;
	p->ctr_len = (size_t)(end - p->ctr);
	return 0;
}

/* The host address, if any, into r (host_ip or host_ip6, and family). */
static int host_ip(const char *s, const struct parts *p, struct port_request *r,
		   struct brig_err *e)
{
	char buf[NET_IP6_STRLEN];
	struct brig_err why;
	bool v6 = s[0] == '[';

	if (!p->ip || p->ip_len == 0)
		return v6 ? bad(e, EINVAL, s, "empty IPv6 host address") : 0;
	if (p->ip_len >= sizeof(buf))
		return bad(e, EINVAL, s, "bad host address");
	memcpy(buf, p->ip, p->ip_len);
	buf[p->ip_len] = '\0';
	if (v6 && net_parse_ip6(buf, &r->host_ip6, &why) < 0)
		return bad(e, EINVAL, s, "bad IPv6 host address: %s", why.msg);
	/* IPv6 has no route_localnet: the kernel never sends ::1 to a bridge */
	if (v6 && IN6_IS_ADDR_LOOPBACK(&r->host_ip6))
		return bad(e, EINVAL, s, "[::1] cannot be published (use [::] or a host address)");
	if (!v6 && net_parse_ip(buf, &r->host_ip, &why) < 0)
		return bad(e, EINVAL, s, "bad host address");
	r->family = v6 ? AF_INET6 : AF_INET;
	return 0;
}

/* The requests of s into out[*n..), once every part checked. */
static int expand(const char *s, const struct port_request *r, uint16_t ctr_hi, bool host_each,
		  struct port_request *out, size_t max, size_t *n, struct brig_err *e)
{
	size_t count = (size_t)ctr_hi - r->port + 1;

	if (count > max - *n)
		return bad(e, E2BIG, s, "more than %zu ports in all", max);
	for (size_t i = 0; i < count; i++) {
		struct port_request *o = &out[(*n)++];
		*o = *r;
		o->port = (uint16_t)(r->port + i);
		if (host_each && r->host_lo)
			o->host_lo = o->host_hi = (uint16_t)(r->host_lo + i);
	}
	return 0;
}

int portspec_parse(const char *s, struct port_request *out, size_t max, size_t *n,
		   struct brig_err *e)
{
	struct port_request r = { 0 };
	struct parts p;
	char v[48];
	uint16_t ctr_hi;
	size_t nc, nh;

	if (split(s, &p, e) < 0 || host_ip(s, &p, &r, e) < 0)
		return -e->code;
	if (portspec_proto(p.proto, &r.proto) < 0)
		return bad(e, EINVAL, s, "protocol '%s': expected tcp, udp or sctp",
				 shown(p.proto, v));
	if (range(p.ctr, p.ctr_len, 1, &r.port, &ctr_hi) < 0)
		return bad(e, EINVAL, s, "container port: expected 1-65535 or a range LO-HI");
	if (p.host && p.host_len && range(p.host, p.host_len, 0, &r.host_lo, &r.host_hi) < 0)
		return bad(e, EINVAL, s, "host port: expected 0-65535 or a range LO-HI");
	if (r.host_lo == 0 && r.host_hi != 0)
		return bad(e, EINVAL, s, "a host range cannot start at 0");
	nc = (size_t)ctr_hi - r.port + 1;
	nh = (size_t)r.host_hi - r.host_lo + 1;
	/* Docker's rules: equal ranges map port to port; a host range for
	 * one container port is a choice; a single host port cannot take a
	 * container range (0 or none: each gets a free port) */
	if (r.host_lo && nc > 1 && nh != nc)
		return bad(e, EINVAL, s, "host range has %zu ports, container range %zu",
				 nh, nc);
	return expand(s, &r, ctr_hi, nc > 1, out, max, n, e);
}

int portspec_port(const char *s, uint16_t *port, uint8_t *proto, struct brig_err *e)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	char v[48];

	*proto = IPPROTO_TCP;
	if (number(s, len, 1, port) < 0)
		return brig_errf(e, EINVAL, "invalid port '%s': expected 1-65535[/tcp|/udp|/sctp]",
				 shown(s, v));
	if (slash && portspec_proto(slash + 1, proto) < 0)
		return brig_errf(e, EINVAL, "invalid port '%s': expected tcp, udp or sctp after '/'",
				 shown(s, v));
	return 0;
}

/* b's host address as Docker writes it: "0.0.0.0", "[::]". */
static const char *host_addr(const struct port_binding *b, char out[NET_IP6_STRLEN + 2])
{
	char ip[NET_IP6_STRLEN];

	if (b->v6)
		snprintf(out, NET_IP6_STRLEN + 2, "[%s]", net_ip6_str(&b->host_ip6, ip));
	else
		net_ip_str(b->host_ip, out);
	return out;
}

void portspec_host_str(const struct port_binding *b, char *out, size_t len)
{
	char ip[NET_IP6_STRLEN + 2];

	snprintf(out, len, "%s:%u", host_addr(b, ip), b->host_port);
}

void portspec_binding_str(const struct port_binding *b, char *out, size_t len)
{
	char ip[NET_IP6_STRLEN + 2];

	snprintf(out, len, "%s:%u->%u/%s", host_addr(b, ip), b->host_port, b->port,
		 portspec_proto_name(b->proto));
}

/* Whether a and b are published on the same host address. */
static bool same_host(const struct port_binding *a, const struct port_binding *b)
{
	if (a->v6 != b->v6)
		return false;
	return a->v6 ? memcmp(&a->host_ip6, &b->host_ip6, sizeof(a->host_ip6)) == 0 &&
			       memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) == 0
		     : a->host_ip == b->host_ip && a->addr == b->addr;
}

/* How many bindings from v[0] on follow each other port by port. */
static size_t run_length(const struct port_binding *v, size_t n)
{
	size_t k = 1;

	while (k < n && same_host(&v[k], &v[0]) && v[k].proto == v[0].proto &&
	       v[k].host_port == v[0].host_port + k &&
	       v[k].port == v[0].port + k)
		k++;
	return k;
}

void portspec_summary(const struct port_binding *v, size_t n, char *out, size_t len)
{
	size_t off = 0;
	char one[128], ip[NET_IP6_STRLEN + 2];

	if (len)
		out[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t k = run_length(v + i, n - i);
		const struct port_binding *a = &v[i], *z = &v[i + k - 1];
		int w;

		if (k == 1)
			portspec_binding_str(a, one, sizeof(one));
		else
			snprintf(one, sizeof(one), "%s:%u-%u->%u-%u/%s", host_addr(a, ip),
				 a->host_port, z->host_port, a->port, z->port,
				 portspec_proto_name(a->proto));
		w = snprintf(out + off, len - off, "%s%s", off ? ", " : "", one);
		if (w < 0 || (size_t)w >= len - off) {
			out[off] = '\0';
			return;
		}
		off += (size_t)w;
		i += k;
	}
}
