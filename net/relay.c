/* relay.c - the user engine's datapath (see relay.h): the shared file of
 * parameters and counters, the AF_PACKET sockets, and the forwarding loop.
 *
 * Receiving is recvmmsg in batches into per-direction buffers; frames of an
 * unimpaired direction go straight back out with one sendmmsg per batch,
 * the others are copied into the direction's queue (net/impair.c) and sent,
 * in batches too, when due.  The loop sleeps in ppoll with a nanosecond
 * timeout until the next departure.  PACKET_VNET_HDR keeps GSO super-frames
 * whole (up to 64 KiB with their virtio_net_hdr), so a TCP flow costs a
 * few syscalls per 64 KiB rather than per 1500 bytes. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "impair.h"
#include "relay.h"

#define BATCH 32	 /* frames per recvmmsg/sendmmsg */
#define ROUNDS 4	 /* batches per direction per wake-up, for fairness */
#define SOCK_BUF (8 << 20)
#define VNET_HLEN 10	 /* struct virtio_net_hdr */

/* ---- the shared file ---- */

static void shared_init(struct relay_shared *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->magic = RELAY_SHARED_MAGIC;
	sh->version = RELAY_SHARED_VERSION;
	sh->size = sizeof(*sh);
	if (getrandom(&sh->seed, sizeof(sh->seed), 0) != sizeof(sh->seed))
		sh->seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
}

static bool shared_valid(const struct relay_shared *sh)
{
	return sh->magic == RELAY_SHARED_MAGIC && sh->version == RELAY_SHARED_VERSION &&
	       sh->size == sizeof(*sh);
}

int relay_shared_open(const char *path, bool create, struct relay_shm *m, struct brig_err *e)
{
	cleanup_close int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	struct stat st;
	void *p;

	m->fd = -1;
	m->sh = NULL;
	if (fd < 0)
		return brig_errno(e, "open relay file %s", path);
	if (create && ftruncate(fd, sizeof(struct relay_shared)) < 0)
		return brig_errno(e, "size relay file %s", path);
	if (fstat(fd, &st) < 0)
		return brig_errno(e, "stat relay file %s", path);
	if ((size_t)st.st_size < sizeof(struct relay_shared))
		return brig_errf(e, EINVAL, "relay file %s: too short", path);
	p = mmap(NULL, sizeof(struct relay_shared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return brig_errno(e, "map relay file %s", path);
	if (create)
		shared_init(p);
	if (!shared_valid(p)) {
		munmap(p, sizeof(struct relay_shared));
		return brig_errf(e, EINVAL, "relay file %s: not a brig relay file", path);
	}
	m->sh = p;
	m->fd = steal_fd(fd);
	return 0;
}

void relay_shared_close(struct relay_shm *m)
{
	if (m->sh)
		munmap(m->sh, sizeof(*m->sh));
	if (m->fd >= 0)
		close(m->fd);
	m->sh = NULL;
	m->fd = -1;
}

int relay_shared_set(struct relay_shm *m, int dir, const struct netem_params *p,
		     struct brig_err *e)
{
	struct relay_shared *sh = m->sh;
	uint32_t gen;

	if (dir != RELAY_AB && dir != RELAY_BA)
		return brig_errf(e, EINVAL, "relay: no direction %d", dir);
	if (flock(m->fd, LOCK_EX) < 0)
		return brig_errno(e, "lock relay file");
	/* odd while in progress (| 1: also after a writer that died in here) */
	gen = __atomic_load_n(&sh->gen, __ATOMIC_RELAXED) | 1;
	__atomic_store_n(&sh->gen, gen, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(&sh->params[dir], p, sizeof(*p));
	__atomic_store_n(&sh->gen, gen + 1, __ATOMIC_RELEASE); /* even: done */
	flock(m->fd, LOCK_UN);
	return 0;
}

/* A copy of both directions' params taken while gen stood still; false
 * when a writer is at work (try again later).  *gen: the generation. */
static bool params_snapshot(const struct relay_shared *sh, struct netem_params p[2],
			    uint32_t *gen)
{
	uint32_t g = __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE);

	if (g & 1)
		return false;
	memcpy(p, sh->params, sizeof(sh->params));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*gen = g;
	return __atomic_load_n(&sh->gen, __ATOMIC_RELAXED) == g;
}

static void counters_load(const struct netem_counters *src, struct netem_counters *dst)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;

	for (size_t i = 0; i < sizeof(*src) / sizeof(uint64_t); i++)
		d[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

static void counters_store(struct netem_counters *dst, const struct netem_counters *src)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;

	for (size_t i = 0; i < sizeof(*src) / sizeof(uint64_t); i++)
		__atomic_store_n(&d[i], s[i], __ATOMIC_RELAXED);
}

void relay_shared_read(const struct relay_shm *m, struct netem_params p[2],
		       struct netem_counters c[2])
{
	uint32_t gen;

	for (int tries = 0; !params_snapshot(m->sh, p, &gen); tries++) {
		if (tries == 100000) { /* a writer died mid-change: take what is there */
			memcpy(p, m->sh->params, sizeof(m->sh->params));
			break;
		}
		sched_yield();
	}
	for (int d = 0; d < 2; d++)
		counters_load(&m->sh->counters[d], &c[d]);
}

/* ---- the sockets ---- */

static int sockopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

int relay_socket(const char *ifname, struct brig_err *e)
{
	/* Protocol 0 until bound: no frame of another interface gets in. */
	cleanup_close int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };

	if (fd < 0)
		return brig_errno(e, "relay: packet socket for %s", ifname);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0)
		return brig_errno(e, "relay: interface %s", ifname);
	if (sockopt_int(fd, SOL_PACKET, PACKET_VNET_HDR, 1) < 0 ||
	    sockopt_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) < 0 ||
	    sockopt_int(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1) < 0)
		return brig_errno(e, "relay: packet socket options for %s", ifname);
	if (sockopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, SOCK_BUF) < 0 &&
	    sockopt_int(fd, SOL_SOCKET, SO_RCVBUF, SOCK_BUF) < 0)
		return brig_errno(e, "relay: receive buffer for %s", ifname);
	if (sockopt_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCK_BUF) < 0 &&
	    sockopt_int(fd, SOL_SOCKET, SO_SNDBUF, SOCK_BUF) < 0)
		return brig_errno(e, "relay: send buffer for %s", ifname);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return brig_errno(e, "relay: bind to %s", ifname);
	return steal_fd(fd);
}

/* ---- the loop ---- */

/* One direction: frames in on in, out on out. */
struct dir {
	int in, out;
	struct impair im;
	uint8_t *bufs; /* BATCH receive buffers of IMPAIR_FRAME_MAX */
	struct iovec riov[BATCH], siov[BATCH];
	struct mmsghdr rmsg[BATCH], smsg[BATCH];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int dir_init(struct dir *d, int in, int out, uint64_t seed, struct brig_err *e)
{
	d->in = in;
	d->out = out;
	if (impair_init(&d->im, IMPAIR_LIMIT, VNET_HLEN, seed, e) < 0)
		return -e->code;
	d->bufs = mmap(NULL, (size_t)BATCH * IMPAIR_FRAME_MAX, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->bufs == MAP_FAILED) {
		d->bufs = NULL;
		return brig_errno(e, "relay: receive buffers");
	}
	for (int i = 0; i < BATCH; i++) {
		d->riov[i] = (struct iovec){ d->bufs + (size_t)i * IMPAIR_FRAME_MAX, IMPAIR_FRAME_MAX };
		d->rmsg[i].msg_hdr = (struct msghdr){ .msg_iov = &d->riov[i], .msg_iovlen = 1 };
		d->smsg[i].msg_hdr = (struct msghdr){ .msg_iov = &d->siov[i], .msg_iovlen = 1 };
	}
	return 0;
}

static void dir_free(struct dir *d)
{
	impair_free(&d->im);
	if (d->bufs)
		munmap(d->bufs, (size_t)BATCH * IMPAIR_FRAME_MAX);
	d->bufs = NULL;
}

/* The interface under fd went away (deleted, or down): its socket says
 * ENETDOWN (or ENXIO/ENODEV on send). */
static bool gone(int err)
{
	return err == ENETDOWN || err == ENXIO || err == ENODEV;
}

/* Send the n frames set up in d->siov; returns how many went, or -errno
 * when the interface is gone.  A frame the kernel refuses (ENOBUFS: the
 * peer's queue is full; EMSGSIZE, EINVAL: a bad frame) is skipped. */
static int send_batch(struct dir *d, unsigned n, unsigned *dropped)
{
	unsigned done = 0;

	*dropped = 0;
	while (done < n) {
		int r = sendmmsg(d->out, d->smsg + done, n - done, 0);

		if (r > 0) {
			done += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && gone(errno))
			return -errno;
		done++; /* skip the frame the kernel refused */
		(*dropped)++;
	}
	return (int)(n - *dropped);
}

static uint64_t batch_bytes(const struct dir *d, unsigned n)
{
	uint64_t b = 0;

	for (unsigned i = 0; i < n; i++)
		b += d->siov[i].iov_len;
	return b;
}

/* Frames received: straight out when nothing impairs this direction, else
 * into the queue. */
static int dir_forward(struct dir *d, unsigned n, uint64_t now)
{
	unsigned k = 0, dropped;
	int r;

	for (unsigned i = 0; i < n; i++) {
		size_t len = d->rmsg[i].msg_len;

		if ((d->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) || len <= VNET_HLEN) {
			impair_count_dropped(&d->im, 1);
			continue;
		}
		if (!impair_idle(&d->im)) {
			impair_enqueue(&d->im, d->riov[i].iov_base, len, now);
			continue;
		}
		d->siov[k++] = (struct iovec){ d->riov[i].iov_base, len };
	}
	if (k == 0)
		return 0;
	r = send_batch(d, k, &dropped);
	if (r < 0)
		return r;
	impair_count_dropped(&d->im, dropped);
	impair_count_passed(&d->im, (unsigned)r, batch_bytes(d, k)); /* approx. on a drop */
	return 0;
}

/* Drain up to ROUNDS batches waiting on d->in.  -errno when gone. */
static int dir_receive(struct dir *d)
{
	for (int round = 0; round < ROUNDS; round++) {
		int n = recvmmsg(d->in, d->rmsg, BATCH, MSG_DONTWAIT, NULL), r;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0 && gone(errno))
			return -errno;
		if (n < 0) {
			/* The kernel took a frame it could not hand over (a GSO
			 * type a virtio_net_hdr cannot describe, say a tunnel's):
			 * it is gone, the next ones are not. */
			impair_count_dropped(&d->im, 1);
			continue;
		}
		r = dir_forward(d, (unsigned)n, mono_ns());
		if (r < 0)
			return r;
		if (n < BATCH)
			return 0;
	}
	return 0;
}

/* Send what is due, in batches. */
static int dir_flush(struct dir *d)
{
	uint64_t now = mono_ns();

	for (;;) {
		unsigned n = 0, dropped;
		const uint8_t *f;
		size_t len;
		int r;

		while (n < BATCH && (f = impair_dequeue(&d->im, now, &len)))
			d->siov[n++] = (struct iovec){ (void *)f, len };
		if (n == 0)
			return 0;
		r = send_batch(d, n, &dropped);
		if (r < 0)
			return r;
		impair_count_dropped(&d->im, dropped);
		impair_count_passed(&d->im, (unsigned)r, batch_bytes(d, n));
		if (n < BATCH)
			return 0;
	}
}

struct loop {
	struct relay_shm *m;
	struct dir d[2];
	uint32_t gen;
	uint64_t stats_at; /* last look at the kernel's drops */
	struct netem_counters published[2];
};

/* New parameters from the shared file, when a writer changed them. */
static void params_refresh(struct loop *l)
{
	struct netem_params p[2];
	uint32_t gen;

	if (__atomic_load_n(&l->m->sh->gen, __ATOMIC_ACQUIRE) == l->gen)
		return;
	if (!params_snapshot(l->m->sh, p, &gen))
		return;
	for (int i = 0; i < 2; i++)
		impair_set_params(&l->d[i].im, &p[i]);
	l->gen = gen;
}

static void counters_publish(struct loop *l)
{
	for (int i = 0; i < 2; i++) {
		if (!memcmp(&l->published[i], &l->d[i].im.counters, sizeof(l->published[i])))
			continue;
		l->published[i] = l->d[i].im.counters;
		counters_store(&l->m->sh->counters[i], &l->published[i]);
	}
}

/* ppoll's timeout: until the first departure of either queue, or none. */
static struct timespec *wait_until(const struct loop *l, struct timespec *ts)
{
	uint64_t due = impair_next_due(&l->d[0].im), now;

	if (impair_next_due(&l->d[1].im) < due)
		due = impair_next_due(&l->d[1].im);
	if (due == UINT64_MAX)
		return NULL;
	now = mono_ns();
	due = due > now ? due - now : 0;
	ts->tv_sec = (time_t)(due / 1000000000ULL);
	ts->tv_nsec = (long)(due % 1000000000ULL);
	return ts;
}

/* fd reported an error: 1 when its interface is gone; 0 for a frame's
 * error (recvmmsg keeps it for the next call: reading clears it). */
static int sock_error(int fd, const char *side, struct brig_err *e)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return brig_errno(e, "relay: %s socket", side);
	return gone(err);
}

/* Frames the kernel dropped because a socket's buffer was full: counted
 * as the direction's drops, every 100 ms (a syscall each). */
static void kernel_drops(struct loop *l)
{
	uint64_t now = mono_ns();

	if (now - l->stats_at < 100000000ULL)
		return;
	l->stats_at = now;
	for (int i = 0; i < 2; i++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		if (getsockopt(l->d[i].in, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			impair_count_dropped(&l->d[i].im, st.tp_drops);
	}
}

static int loop_run(struct loop *l, int stop_fd, struct brig_err *e)
{
	static const char *const side[2] = { "side_a", "side_b" };
	struct pollfd pfd[3] = { { .fd = l->d[0].in, .events = POLLIN },
				 { .fd = l->d[1].in, .events = POLLIN },
				 { .fd = stop_fd, .events = POLLIN } };
	struct timespec ts;

	for (;;) {
		params_refresh(l);
		if (ppoll(pfd, stop_fd >= 0 ? 3 : 2, wait_until(l, &ts), NULL) < 0) {
			if (errno == EINTR)
				continue;
			return brig_errno(e, "relay: poll");
		}
		if (stop_fd >= 0 && pfd[2].revents)
			return 0;
		params_refresh(l);
		for (int i = 0; i < 2; i++) {
			int r = 0;

			if (pfd[i].revents & POLLNVAL)
				return brig_errf(e, EBADF, "relay: %s socket closed", side[i]);
			if (pfd[i].revents & (POLLERR | POLLHUP)) {
				r = sock_error(pfd[i].fd, side[i], e);
				if (r != 0)
					return r > 0 ? 0 : r;
			}
			if (pfd[i].revents & POLLIN)
				r = dir_receive(&l->d[i]);
			if (r >= 0)
				r = dir_flush(&l->d[i]);
			if (r < 0 && gone(-r))
				return 0;
			if (r < 0) {
				errno = -r;
				return brig_errno(e, "relay: forward from %s", side[i]);
			}
		}
		kernel_drops(l);
		counters_publish(l);
	}
}

int relay_run(int fd_a, int fd_b, struct relay_shm *m, int stop_fd, struct brig_err *e)
{
	struct loop *l = calloc(1, sizeof(*l));
	struct relay_shared *sh = m->sh;
	int r;

	if (!l)
		return brig_errf(e, ENOMEM, "relay: out of memory");
	l->m = m;
	l->gen = UINT32_MAX; /* never a real generation at start (odd) */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0); /* departures to the microsecond */
	r = dir_init(&l->d[RELAY_AB], fd_a, fd_b, sh->seed, e);
	if (r >= 0)
		r = dir_init(&l->d[RELAY_BA], fd_b, fd_a, sh->seed ^ 0x9e3779b97f4a7c15ULL, e);
	if (r >= 0) {
		memcpy(l->published, sh->counters, sizeof(l->published));
		for (int i = 0; i < 2; i++)
			l->d[i].im.counters = l->published[i]; /* a restarted relay counts on */
		__atomic_store_n(&sh->pid, getpid(), __ATOMIC_RELAXED);
		__atomic_store_n(&sh->state, RELAY_RUNNING, __ATOMIC_RELEASE);
		r = loop_run(l, stop_fd, e);
		counters_publish(l);
		__atomic_store_n(&sh->state, RELAY_STOPPED, __ATOMIC_RELEASE);
	}
	dir_free(&l->d[0]);
	dir_free(&l->d[1]);
	free(l);
	return r;
}
