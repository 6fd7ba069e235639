/* perf.c - a throughput sender and receiver, TCP or UDP (probe.h).
 *
 * TCP: the sender writes 128 KiB buffers for S seconds and closes; the
 * receiver counts what arrives from its first byte to the connection's
 * end, so the rate is the one the receiver saw (as iperf3 reports it).
 * UDP: the sender paces datagrams of PAYLOAD bytes to a bit rate with a
 * token bucket, each stamped with a sequence number and its send time;
 * the receiver counts them, the gaps in the sequence (lost), and the
 * interarrival jitter (RFC 3550), until the end marker arrives. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "probe.h"

#define TCP_BUF (128 * 1024)
#define UDP_PAYLOAD 1448 /* fits any 1500-byte path with room to spare */
#define IDLE_MS 10000	 /* nobody connects or sends: give up */
#define END_MARKERS 5	 /* the UDP end is sent this often (it may be lost) */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void probe_udp_stamp(uint8_t *buf, uint64_t seq, int64_t sent_ns)
{
	uint64_t s = htobe64(seq), t = htobe64((uint64_t)sent_ns);

	memcpy(buf, &s, 8);
	memcpy(buf + 8, &t, 8);
}

int probe_udp_read(const uint8_t *buf, size_t len, uint64_t *seq, int64_t *sent_ns)
{
	uint64_t s, t;

	if (len < PROBE_UDP_HDR)
		return -EINVAL;
	memcpy(&s, buf, 8);
	memcpy(&t, buf + 8, 8);
	*seq = be64toh(s);
	*sent_ns = (int64_t)be64toh(t);
	return 0;
}

static void set_rate(struct probe_perf_result *r, int64_t first, int64_t last)
{
	r->seconds = last > first ? (double)(last - first) / 1e9 : 0;
	r->bits_per_sec = r->seconds > 0 ? (double)r->bytes * 8 / r->seconds : 0;
}

/* The receiver's address and port, either family. */
union peer {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static union peer peer_of(const struct probe_perf_opts *o, socklen_t *len)
{
	union peer p;

	memset(&p, 0, sizeof(p));
	if (o->v6) {
		p.in6 = (struct sockaddr_in6){.sin6_family = AF_INET6, .sin6_port = htons(o->port),
					      .sin6_addr = o->addr6};
		*len = sizeof(p.in6);
	} else {
		p.in = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(o->port),
					    .sin_addr.s_addr = htonl(o->addr)};
		*len = sizeof(p.in);
	}
	return p;
}

/* o's address for messages: "a.b.c.d" or "[v6]". */
static const char *peer_str(const struct probe_perf_opts *o, char buf[INET6_ADDRSTRLEN + 2])
{
	struct in_addr a4 = {htonl(o->addr)};

	if (!o->v6)
		return inet_ntop(AF_INET, &a4, buf, INET6_ADDRSTRLEN + 2);
	buf[0] = '[';
	inet_ntop(AF_INET6, &o->addr6, buf + 1, INET6_ADDRSTRLEN);
	strcat(buf, "]");
	return buf;
}

int probe_perf_listen(const struct probe_perf_opts *o, uint16_t *port, struct brig_err *e)
{
	socklen_t salen, len;
	union peer sa = peer_of(o, &salen);
	char at[INET6_ADDRSTRLEN + 2];
	int one = 1;
	cleanup_close int fd =
	    socket(sa.sa.sa_family, (o->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return brig_errno(e, "perf: socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->udp) {
		int big = 8 << 20; /* bursts of a paced sender */
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	if (bind(fd, &sa.sa, salen) < 0)
		return brig_errno(e, "perf: bind %s:%u", peer_str(o, at), o->port);
	if (!o->udp && listen(fd, 1) < 0)
		return brig_errno(e, "perf: listen");
	len = salen;
	if (getsockname(fd, &sa.sa, &len) < 0)
		return brig_errno(e, "perf: getsockname");
	*port = ntohs(o->v6 ? sa.in6.sin6_port : sa.in.sin_port);
	return steal_fd(fd);
}

/* Wait until fd is readable, at most ms; -ETIMEDOUT then. */
static int wait_readable(int fd, int ms, const char *what, struct brig_err *e)
{
	struct pollfd p = {fd, POLLIN, 0};
	int rc;

	while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return brig_errno(e, "perf: poll");
	if (rc == 0)
		return brig_errf(e, ETIMEDOUT, "perf: %s for %d s", what, ms / 1000);
	return 0;
}

static int tcp_receive(int lfd, struct probe_perf_result *r, struct brig_err *e)
{
	cleanup_free char *buf = malloc(TCP_BUF);
	cleanup_close int fd = -1;
	int64_t first = 0, last = 0;
	ssize_t n;

	if (!buf)
		return brig_errf(e, ENOMEM, "out of memory");
	if (wait_readable(lfd, IDLE_MS, "nobody connected", e) < 0)
		return -e->code;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return brig_errno(e, "perf: accept");
	for (;;) {
		if (wait_readable(fd, IDLE_MS, "the sender went quiet", e) < 0)
			return -e->code;
		n = read(fd, buf, TCP_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return brig_errno(e, "perf: receive");
		if (n == 0)
			break;
		last = mono_ns();
		if (!r->bytes)
			first = last;
		r->bytes += (uint64_t)n;
	}
	set_rate(r, first, last);
	return 0;
}

/* RFC 3550 6.4.1: J += (|D| - J) / 16, D the change in transit time. */
static void jitter(struct probe_perf_result *r, int64_t transit, int64_t *prev)
{
	if (*prev) {
		double d = (double)llabs(transit - *prev) / 1e6;
		r->jitter_ms += (d - r->jitter_ms) / 16;
	}
	*prev = transit;
}

static int udp_receive(int fd, const struct probe_perf_opts *o, struct probe_perf_result *r,
		       struct brig_err *e)
{
	uint8_t buf[65536];
	int64_t first = 0, last = 0, prev = 0, sent;
	int64_t deadline = 0;
	uint64_t seq, next = 0;

	if (wait_readable(fd, IDLE_MS, "nothing arrived", e) < 0)
		return -e->code;
	deadline = mono_ns() + ((int64_t)o->seconds + 3) * 1000000000;
	for (;;) {
		int64_t now = mono_ns();
		ssize_t n;
		if (now >= deadline ||
		    wait_readable(fd, (int)((deadline - now) / 1000000) + 1, "", e) < 0)
			break; /* the end marker was lost: count what came */
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno != EINTR)
			return brig_errno(e, "perf: receive");
		if (n < 0 || probe_udp_read(buf, (size_t)n, &seq, &sent) < 0)
			continue;
		if (seq == PROBE_UDP_END)
			break;
		last = mono_ns();
		if (!r->datagrams)
			first = last;
		r->datagrams++;
		r->bytes += (uint64_t)n;
		jitter(r, last - sent, &prev);
		if (seq >= next)
			next = seq + 1;
	}
	r->lost = next > r->datagrams ? next - r->datagrams : 0;
	set_rate(r, first, last);
	return 0;
}

int probe_perf_receive(int fd, const struct probe_perf_opts *o, struct probe_perf_result *r,
		       struct brig_err *e)
{
	memset(r, 0, sizeof(*r));
	return o->udp ? udp_receive(fd, o, r, e) : tcp_receive(fd, r, e);
}

static void tcp_info(int fd, struct probe_perf_result *r)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
		r->retransmits = ti.tcpi_total_retrans;
		r->rtt_ms = ti.tcpi_rtt / 1000.0;
	}
}

/* A receiver that cannot be reached fails the connect (and a stalled
 * one a write) after IDLE_MS, not after TCP's two minutes of SYNs. */
static int connect_to(const struct probe_perf_opts *o, int type, struct brig_err *e)
{
	socklen_t salen;
	union peer sa = peer_of(o, &salen);
	char at[INET6_ADDRSTRLEN + 2];
	struct timeval idle = {IDLE_MS / 1000, 0};
	int fd = socket(sa.sa.sa_family, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return brig_errno(e, "perf: socket");
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof(idle));
	if (connect(fd, &sa.sa, salen) < 0) {
		brig_errno(e, "perf: connect to %s:%u", peer_str(o, at), o->port);
		close(fd);
		return -e->code;
	}
	return fd;
}

static int tcp_send(const struct probe_perf_opts *o, struct probe_perf_result *r,
		    struct brig_err *e)
{
	cleanup_free char *buf = calloc(1, TCP_BUF);
	cleanup_close int fd = -1;
	int64_t start, end;

	if (!buf)
		return brig_errf(e, ENOMEM, "out of memory");
	if ((fd = connect_to(o, SOCK_STREAM, e)) < 0)
		return fd;
	start = mono_ns();
	end = start + (int64_t)o->seconds * 1000000000;
	while (mono_ns() < end) {
		ssize_t n = write(fd, buf, TCP_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return brig_errno(e, "perf: send");
		r->bytes += (uint64_t)n;
	}
	tcp_info(fd, r);
	set_rate(r, start, mono_ns());
	return 0;
}

/* Sleep until t (monotonic ns). */
static void sleep_until(int64_t t)
{
	struct timespec ts = {t / 1000000000, t % 1000000000};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Token bucket: by time t the sender may have sent rate * (t - start)
 * bits; it sends what it may, then sleeps 100 us (or until the next
 * datagram is due, when that is later). */
static int udp_send(const struct probe_perf_opts *o, struct probe_perf_result *r,
		    struct brig_err *e)
{
	uint8_t buf[UDP_PAYLOAD] = {0};
	cleanup_close int fd = -1;
	double ns_per_dgram = (double)UDP_PAYLOAD * 8 * 1e9 / (double)o->rate;
	int64_t start, end, now;

	if ((fd = connect_to(o, SOCK_DGRAM, e)) < 0)
		return fd;
	start = mono_ns();
	end = start + (int64_t)o->seconds * 1000000000;
	while ((now = mono_ns()) < end) {
		uint64_t due = (uint64_t)((double)(now - start) / ns_per_dgram) + 1;
		for (; r->datagrams < due; r->datagrams++) {
			probe_udp_stamp(buf, r->datagrams, mono_ns());
			/* ENOBUFS/ECONNREFUSED: the datagram is lost, as on a wire */
			if (send(fd, buf, sizeof(buf), 0) > 0)
				r->bytes += sizeof(buf);
		}
		int64_t next = start + (int64_t)((double)r->datagrams * ns_per_dgram);
		sleep_until(next > now + 100000 ? next : now + 100000);
	}
	set_rate(r, start, mono_ns());
	for (int i = 0; i < END_MARKERS; i++) {
		probe_udp_stamp(buf, PROBE_UDP_END, mono_ns());
		(void)!send(fd, buf, PROBE_UDP_HDR, 0);
		sleep_until(mono_ns() + 20000000);
	}
	return 0;
}

int probe_perf_send(const struct probe_perf_opts *o, struct probe_perf_result *r,
		    struct brig_err *e)
{
	memset(r, 0, sizeof(*r));
	if (o->udp && o->rate == 0)
		return brig_errf(e, EINVAL, "perf: a UDP rate is needed");
	return o->udp ? udp_send(o, r, e) : tcp_send(o, r, e);
}
