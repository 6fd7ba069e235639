/* probe.c - ICMP and ICMPv6 echo to many targets from one raw socket per
 * family, and the namespace's addresses (probe.h).
 *
 * A raw socket, not ping's SOCK_DGRAM ICMP socket: that one needs the
 * caller's group in net.ipv4.ping_group_range, which a new network
 * namespace sets to "1 0" (nobody).  We are root in the namespace's owner,
 * so SOCK_RAW works everywhere; the kernel hands each raw ICMP socket a
 * copy of every ICMP packet of its namespace, so replies are matched by
 * id, sequence and source, and everything else is dropped. */
#include <net/if.h> /* before any linux/ header: libc-compat.h then defers to it */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "probe.h"

#define ECHO_REQUEST 8
#define ECHO_REPLY 0
#define ECHO6_REQUEST 128
#define ECHO6_REPLY 129
#define MAGIC 0x62726967u /* "brig", first in each payload */

uint16_t probe_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int probe_echo_build(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq, const void *payload,
		     size_t plen)
{
	uint16_t sum;

	if (cap < PROBE_ICMP_HDR || plen > cap - PROBE_ICMP_HDR)
		return -EMSGSIZE;
	buf[0] = ECHO_REQUEST;
	buf[1] = 0;
	buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	if (plen && payload)
		memcpy(buf + PROBE_ICMP_HDR, payload, plen);
	else if (plen)
		memset(buf + PROBE_ICMP_HDR, 0, plen);
	sum = probe_checksum(buf, PROBE_ICMP_HDR + plen);
	buf[2] = (uint8_t)(sum >> 8);
	buf[3] = (uint8_t)sum;
	return (int)(PROBE_ICMP_HDR + plen);
}

int probe_echo_parse(const uint8_t *pkt, size_t len, struct probe_echo *out)
{
	size_t ihl, total;
	const uint8_t *icmp;

	if (len < 20 || pkt[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = (size_t)(pkt[2] << 8 | pkt[3]);
	/* the kernel may pad; it never truncates what it hands a raw socket */
	if (ihl < 20 || total < ihl + PROBE_ICMP_HDR || total > len || pkt[9] != IPPROTO_ICMP)
		return -EINVAL;
	icmp = pkt + ihl;
	if (icmp[0] != ECHO_REPLY || icmp[1] != 0 || probe_checksum(icmp, total - ihl) != 0)
		return -EINVAL;
	out->src =
	    (uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 | (uint32_t)pkt[14] << 8 | pkt[15];
	out->id = (uint16_t)(icmp[4] << 8 | icmp[5]);
	out->seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	out->payload = icmp + PROBE_ICMP_HDR;
	out->plen = total - ihl - PROBE_ICMP_HDR;
	return 0;
}

int probe_echo6_build(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq, const void *payload,
		      size_t plen)
{
	int len = probe_echo_build(buf, cap, id, seq, payload, plen);

	if (len < 0)
		return len;
	buf[0] = ECHO6_REQUEST;
	buf[2] = buf[3] = 0;
	return len;
}

int probe_echo6_parse(const uint8_t *msg, size_t len, struct probe_echo *out)
{
	if (len < PROBE_ICMP_HDR || msg[0] != ECHO6_REPLY || msg[1] != 0)
		return -EINVAL;
	out->v6 = true;
	out->src = 0;
	out->id = (uint16_t)(msg[4] << 8 | msg[5]);
	out->seq = (uint16_t)(msg[6] << 8 | msg[7]);
	out->payload = msg + PROBE_ICMP_HDR;
	out->plen = len - PROBE_ICMP_HDR;
	return 0;
}

/* ---- ping ---- */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A pinger's state: the socket, the targets, which (target, round) was
 * answered (a duplicate counts once). */
struct pinger {
	int fd, fd6; /* ICMP, ICMPv6; -1 when no target needs it */
	struct probe_target *t;
	size_t n;
	const struct probe_ping_opts *o;
	uint8_t *seen; /* n * count: replies in */
	size_t replies, expected;
	double *sum; /* per target: RTTs added up (ms) */
};

/* An unreachable target (no route, no neighbour) is loss, not an error. */
static bool send_hard_error(void)
{
	return errno != EHOSTUNREACH && errno != ENETUNREACH && errno != EHOSTDOWN &&
	       errno != EAGAIN && errno != ENOBUFS && errno != EADDRNOTAVAIL;
}

/* One echo request to target t on its family's socket. */
static int send_one(struct pinger *p, const struct probe_target *t, uint16_t seq,
		    const uint8_t *payload, struct brig_err *e)
{
	uint8_t pkt[PROBE_ICMP_HDR + PROBE_PING_PAYLOAD];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(t->addr)};
	struct sockaddr_in6 to6 = {.sin6_family = AF_INET6, .sin6_addr = t->addr6};
	char buf[INET6_ADDRSTRLEN];
	int len;

	len = (t->v6 ? probe_echo6_build : probe_echo_build)(pkt, sizeof(pkt), p->o->ident, seq,
							       payload, PROBE_PING_PAYLOAD);
	if (t->v6 ? sendto(p->fd6, pkt, (size_t)len, 0, (struct sockaddr *)&to6, sizeof(to6)) >= 0
		  : sendto(p->fd, pkt, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) >= 0)
		return 0;
	if (!send_hard_error())
		return 0;
	return brig_errno(e, "ping: send to %s",
			  t->v6 ? inet_ntop(AF_INET6, &t->addr6, buf, sizeof(buf))
				: inet_ntop(AF_INET, &to.sin_addr, buf, sizeof(buf)));
}

/* Payload: MAGIC, the send time; the sequence number says which target
 * and round: seq = round * n + target. */
static int send_round(struct pinger *p, unsigned round, struct brig_err *e)
{
	uint8_t payload[PROBE_PING_PAYLOAD] = {0};

	for (size_t i = 0; i < p->n; i++) {
		uint32_t magic = htonl(MAGIC);
		int64_t now = mono_ns();
		memcpy(payload, &magic, 4);
		memcpy(payload + 8, &now, 8);
		if (send_one(p, &p->t[i], (uint16_t)(round * p->n + i), payload, e) < 0)
			return -e->code;
		p->t[i].sent++;
	}
	return 0;
}

/* Whether reply r came from target t. */
static bool from_target(const struct probe_echo *r, const struct probe_target *t)
{
	if (r->v6 != t->v6)
		return false;
	return r->v6 ? IN6_ARE_ADDR_EQUAL(&r->src6, &t->addr6) : r->src == t->addr;
}

/* Count one reply, if it is one of ours and new. */
static void take_reply(struct pinger *p, const struct probe_echo *r, int64_t now)
{
	uint32_t magic;
	int64_t sent;
	size_t i, round;
	double ms;

	if (r->id != p->o->ident || r->plen < 16 || (size_t)r->seq >= p->n * p->o->count)
		return;
	memcpy(&magic, r->payload, 4);
	memcpy(&sent, r->payload + 8, 8);
	i = r->seq % p->n;
	round = r->seq / p->n;
	if (ntohl(magic) != MAGIC || !from_target(r, &p->t[i]) || round >= p->t[i].sent ||
	    p->seen[r->seq] || sent > now)
		return;
	p->seen[r->seq] = 1;
	p->replies++;
	ms = (double)(now - sent) / 1e6;
	if (!p->t[i].received || ms < p->t[i].rtt_min)
		p->t[i].rtt_min = ms;
	if (ms > p->t[i].rtt_max)
		p->t[i].rtt_max = ms;
	p->t[i].received++;
	p->sum[i] += ms;
}

/* Every reply waiting on the ICMP socket (fd) or the ICMPv6 one (fd6). */
static int drain(struct pinger *p, int fd, bool v6, struct brig_err *e)
{
	uint8_t buf[4096];
	struct probe_echo r;
	struct sockaddr_in6 from;
	socklen_t flen = sizeof(from);
	ssize_t len;

	while ((len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
			       &flen)) > 0) {
		if (v6 ? probe_echo6_parse(buf, (size_t)len, &r) == 0
		       : probe_echo_parse(buf, (size_t)len, &r) == 0) {
			r.v6 = v6;
			if (v6)
				r.src6 = from.sin6_addr;
			take_reply(p, &r, mono_ns());
		}
		flen = sizeof(from);
	}
	if (len < 0 && errno != EAGAIN && errno != EINTR)
		return brig_errno(e, "ping: receive");
	return 0;
}

/* Read replies until deadline (monotonic ns), or (early) until every one
 * expected is in. */
static int read_until(struct pinger *p, int64_t deadline, bool early, struct brig_err *e)
{
	for (;;) {
		int64_t now = mono_ns();
		struct pollfd pfd[2] = {{p->fd, POLLIN, 0}, {p->fd6, POLLIN, 0}};
		if (now >= deadline || (early && p->replies == p->expected))
			return 0;
		int rc = poll(pfd, 2, (int)((deadline - now + 999999) / 1000000));
		if (rc < 0 && errno != EINTR)
			return brig_errno(e, "ping: poll");
		if ((p->fd >= 0 && drain(p, p->fd, false, e) < 0) ||
		    (p->fd6 >= 0 && drain(p, p->fd6, true, e) < 0))
			return -e->code;
	}
}

/* Only echo replies reach the ICMPv6 socket (ICMP6_FILTER). */
static int open_icmp6(struct brig_err *e)
{
	struct icmp6_filter filt;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return brig_errno(e, "ping: raw ICMPv6 socket");
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ECHO6_REPLY, &filt);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0) {
		close(fd);
		return brig_errno(e, "ping: ICMP6_FILTER");
	}
	return fd;
}

/* Only echo replies reach the socket (ICMP_FILTER: a bit set drops that type). */
static int open_icmp(struct brig_err *e)
{
	struct icmp_filter filt = {~(1u << ECHO_REPLY)};
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return brig_errno(e, "ping: raw ICMP socket");
	if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) < 0) {
		close(fd);
		return brig_errno(e, "ping: ICMP_FILTER");
	}
	return fd;
}

static int ping_rounds(struct pinger *p, struct brig_err *e)
{
	int64_t next = mono_ns();

	for (unsigned round = 0; round < p->o->count; round++) {
		if (send_round(p, round, e) < 0)
			return -e->code;
		next += (int64_t)p->o->interval_ms * 1000000;
		if (round + 1 < p->o->count && read_until(p, next, false, e) < 0)
			return -e->code;
	}
	p->expected = p->n * p->o->count;
	return read_until(p, mono_ns() + (int64_t)p->o->timeout_ms * 1000000, true, e);
}

int probe_ping(struct probe_target *t, size_t n, const struct probe_ping_opts *o,
	       struct brig_err *e)
{
	cleanup_free uint8_t *seen = NULL;
	cleanup_free double *sum = NULL;
	cleanup_close int fd = -1;
	cleanup_close int fd6 = -1;
	bool want4 = false, want6 = false;
	struct pinger p;

	if (o->count == 0 || n == 0)
		return 0;
	if (n * o->count > 65536)
		return brig_errf(e, E2BIG, "ping: %zu targets x %u pings: more than 65536", n,
				 o->count);
	seen = calloc(n * o->count, 1);
	sum = calloc(n, sizeof(*sum));
	if (!seen || !sum)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		want6 = want6 || t[i].v6;
		want4 = want4 || !t[i].v6;
	}
	if ((want4 && (fd = open_icmp(e)) < 0) || (want6 && (fd6 = open_icmp6(e)) < 0))
		return -e->code;
	for (size_t i = 0; i < n; i++)
		t[i].sent = t[i].received = 0, t[i].rtt_min = t[i].rtt_max = t[i].rtt_avg = 0;
	p = (struct pinger){fd, fd6, t, n, o, seen, 0, 0, sum};
	if (ping_rounds(&p, e) < 0)
		return -e->code;
	for (size_t i = 0; i < n; i++)
		t[i].rtt_avg = t[i].received ? sum[i] / t[i].received : 0;
	return 0;
}

/* ---- addresses ---- */

/* The prefix length of a netmask of len bytes (NULL: all ones). */
static int mask_len(const uint8_t *m, size_t len)
{
	int n = 0;

	if (!m)
		return (int)len * 8;
	for (size_t i = 0; i < len; i++)
		n += __builtin_popcount(m[i]);
	return n;
}

/* Whether a is an address probe_addrs lists (in family fam). */
static bool listed(const struct ifaddrs *a, int fam)
{
	if (!a->ifa_addr || a->ifa_addr->sa_family != fam || (a->ifa_flags & IFF_LOOPBACK))
		return false;
	return fam == AF_INET ||
	       !IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)a->ifa_addr)->sin6_addr);
}

static void addr_of(const struct ifaddrs *a, struct probe_addr *p)
{
	snprintf(p->ifname, sizeof(p->ifname), "%s", a->ifa_name);
	if (a->ifa_addr->sa_family == AF_INET6) {
		p->v6 = true;
		p->addr6 = ((const struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
		p->prefix = mask_len(a->ifa_netmask ? ((const struct sockaddr_in6 *)a->ifa_netmask)
							   ->sin6_addr.s6_addr
						     : NULL, 16);
		return;
	}
	p->addr = ntohl(((const struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr);
	p->prefix = mask_len(a->ifa_netmask ? (const uint8_t *)&((const struct sockaddr_in *)
								     a->ifa_netmask)->sin_addr
					    : NULL, 4);
}

int probe_addrs(struct probe_addr **v, size_t *n, struct brig_err *e)
{
	static const int fams[] = {AF_INET, AF_INET6};
	struct ifaddrs *all, *a;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (getifaddrs(&all) < 0)
		return brig_errno(e, "list addresses");
	for (a = all; a; a = a->ifa_next)
		cap += listed(a, AF_INET) || listed(a, AF_INET6);
	if (cap && !(*v = calloc(cap, sizeof(**v)))) {
		freeifaddrs(all);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	for (size_t f = 0; f < 2; f++)
		for (a = all; a; a = a->ifa_next)
			if (listed(a, fams[f]))
				addr_of(a, &(*v)[(*n)++]);
	freeifaddrs(all);
	return 0;
}

/* ---- interfaces ---- */

int probe_ifnames(char (**v)[16], size_t *n, struct brig_err *e)
{
	struct if_nameindex *all = if_nameindex();
	size_t k = 0;

	*v = NULL;
	*n = 0;
	if (!all)
		return brig_errno(e, "list interfaces");
	while (all[k].if_index)
		k++;
	if (k && !(*v = calloc(k, sizeof(**v)))) {
		if_freenameindex(all);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < k; i++)
		snprintf((*v)[i], sizeof((*v)[i]), "%s", all[i].if_name);
	*n = k;
	if_freenameindex(all);
	return 0;
}

int probe_source(uint32_t dst, uint32_t *src, struct brig_err *e)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(dst)};
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	*src = 0;
	if (fd < 0)
		return brig_errno(e, "UDP socket");
	/* connect() only picks the route and the source: nothing is sent */
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		if (errno == ENETUNREACH || errno == EHOSTUNREACH)
			return 0;
		return brig_errno(e, "find the route to %s", inet_ntoa(to.sin_addr));
	}
	if (getsockname(fd, (struct sockaddr *)&me, &len) < 0)
		return brig_errno(e, "getsockname");
	*src = ntohl(me.sin_addr.s_addr);
	return 0;
}
