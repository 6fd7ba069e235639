/* monitor_io.c - the monitor's relay (monitor_io.h).
 *
 * Every fd the monitor writes to (clients, the container's stdin) is
 * non-blocking: a client that does not read has its output queued up to
 * MON_CLIENT_QUEUE, then it is dropped; the container and the other
 * clients never wait on it.  A client's input waits in in_buf until the
 * container takes it, and meanwhile the clients that feed it are not read. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor_io.h"
#include "stream.h"
#include "util.h"

enum { P_OUT, P_ERR, P_IN, P_RAW, P_HAND, P_CLIENTS, P_N = P_CLIENTS + MON_CLIENTS };

void mon_io_init(struct mon_io *m)
{
	memset(m, 0, sizeof(*m));
	m->out = m->err = m->in = m->raw_listener = m->hand_listener = -1;
	for (size_t i = 0; i < MON_CLIENTS; i++)
		m->cl[i].fd = -1;
}

void mon_client_add(struct mon_io *m, int fd, enum mon_kind kind, unsigned flags)
{
	for (size_t i = 0; i < MON_CLIENTS; i++) {
		struct mon_client *cl = &m->cl[i];
		if (cl->kind != MON_FREE)
			continue;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (m->tty)
			flags &= ~ATTACH_MUX; /* a terminal is one stream, raw */
		*cl = (struct mon_client){ .kind = kind, .fd = fd, .flags = flags };
		return;
	}
	close(fd);
}

static void client_drop(struct mon_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->q);
	*cl = (struct mon_client){ .kind = MON_FREE, .fd = -1 };
}

/* Does cl's input go to the container? */
static bool feeds_stdin(const struct mon_io *m, const struct mon_client *cl)
{
	if (m->in < 0 || cl->in_done)
		return false;
	return cl->kind == MON_RAW ? m->tty : cl->kind == MON_HANDED && (cl->flags & ATTACH_STDIN);
}

/* ---- output ------------------------------------------------------------ */

/* Queue what the client did not take; false when it is too far behind. */
static bool enqueue(struct mon_client *cl, const struct iovec *iov, int n, size_t skip)
{
	size_t total = 0;
	char *q;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	if (total == skip)
		return true; /* all taken */
	if (cl->qlen + total - skip > MON_CLIENT_QUEUE)
		return false;
	if (!(q = realloc(cl->q, cl->qlen + total - skip)))
		return false;
	cl->q = q;
	for (int i = 0; i < n; i++) {
		size_t len = iov[i].iov_len, from = skip < len ? skip : len;
		skip -= from;
		memcpy(cl->q + cl->qlen, (char *)iov[i].iov_base + from, len - from);
		cl->qlen += len - from;
	}
	return true;
}

/* Send iov now, or queue it behind what waits: false drops the client. */
static bool client_send(struct mon_client *cl, struct iovec *iov, int n)
{
	ssize_t w = 0;

	if (cl->qlen == 0) {
		w = writev(cl->fd, iov, n);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		w = w < 0 ? 0 : w;
	}
	return enqueue(cl, iov, n, (size_t)w);
}

/* Some of cl's queue, now that it can take it. */
static bool client_flush(struct mon_client *cl)
{
	ssize_t w = write(cl->fd, cl->q, cl->qlen);

	if (w < 0)
		return errno == EAGAIN || errno == EINTR;
	memmove(cl->q, cl->q + w, cl->qlen - (size_t)w);
	cl->qlen -= (size_t)w;
	return true;
}

static bool wants(const struct mon_io *m, const struct mon_client *cl, int stream)
{
	if (cl->kind == MON_RAW)
		return true;
	if (cl->kind != MON_HANDED)
		return false; /* nothing before its handoff */
	if (m->tty) /* a terminal's output is its stdout and stderr at once */
		return cl->flags & (ATTACH_STDOUT | ATTACH_STDERR);
	return cl->flags & (stream == 2 ? ATTACH_STDERR : ATTACH_STDOUT);
}

/* A chunk of the container's output (stream 1 or 2) to every client that
 * wants it, framed for the multiplexing ones. */
static void to_clients(struct mon_io *m, int stream, const char *buf, size_t len)
{
	unsigned char h[STREAM_FRAME_HDR];

	stream_frame_header(h, stream, (uint32_t)len);
	for (size_t i = 0; i < MON_CLIENTS; i++) {
		struct mon_client *cl = &m->cl[i];
		bool mux = cl->kind == MON_HANDED && (cl->flags & ATTACH_MUX);
		struct iovec iov[2] = { { h, sizeof(h) }, { (void *)buf, len } };
		if (wants(m, cl, stream) && !client_send(cl, mux ? iov : iov + 1, mux ? 2 : 1))
			client_drop(cl);
	}
}

/* One read of stdout or stderr: to the log and the clients. */
static void read_output(struct mon_io *m, int *fd, int stream)
{
	char buf[8192];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* EOF (pipe) or EIO (pty): every writer is gone */
		if (!m->tty)
			close(*fd);
		*fd = -1;
		return;
	}
	log_writer_append(m->log, stream, now_ns(), buf, (size_t)n);
	to_clients(m, stream, buf, (size_t)n);
}

/* ---- input ------------------------------------------------------------- */

static void close_stdin(struct mon_io *m)
{
	if (m->tty)
		(void)!write(m->in, "\x04", 1); /* the terminal's EOF character */
	else
		close(m->in);
	if (!m->tty)
		m->in = -1;
	m->in_close = false;
}

/* Some of in_buf into the container's stdin. */
static void feed_stdin(struct mon_io *m)
{
	ssize_t w = m->in_len ? write(m->in, m->in_buf, m->in_len) : 0;

	if (w < 0 && errno != EAGAIN && errno != EINTR) {
		m->in_len = 0; /* it closed its stdin: the input has nowhere to go */
		if (!m->tty) {
			close(m->in);
			m->in = -1;
		}
		return;
	}
	if (w > 0) {
		memmove(m->in_buf, m->in_buf + w, m->in_len - (size_t)w);
		m->in_len -= (size_t)w;
	}
	if (m->in_len == 0 && m->in_close && m->in >= 0)
		close_stdin(m);
}

/* A pending client's first message: its fd and flags (SCM_RIGHTS and a
 * struct stream_handoff in one sendmsg).  Anything else drops it. */
static void take_handoff(struct mon_io *m, struct mon_client *cl)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct stream_handoff h = { 0 };
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	int fd = -1;
	ssize_t n = recvmsg(cl->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (cm = CMSG_FIRSTHDR(&msg); n > 0 && cm; cm = CMSG_NXTHDR(&msg, cm)) {
		size_t nfd = cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS ?
				     (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) : 0;
		for (size_t i = 0; i < nfd; i++) {
			int got;
			memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = got;
			else
				close(got);
		}
	}
	if (fd < 0 || n != (ssize_t)sizeof(h) || h.magic != STREAM_HANDOFF_MAGIC ||
	    (h.flags & ~ATTACH_FLAGS_ALL) || (msg.msg_flags & MSG_CTRUNC)) {
		if (fd >= 0)
			close(fd);
		client_drop(cl);
		return;
	}
	(void)!write(cl->fd, "A", 1); /* the caller's word that we serve it */
	close(cl->fd);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	cl->fd = fd;
	cl->kind = MON_HANDED;
	cl->flags = m->tty ? h.flags & ~ATTACH_MUX : h.flags;
}

/* A client's input: to the container's stdin, or dropped (only its end
 * matters).  A raw client's end is its going; a handed one's is a half
 * close, and output goes on. */
static void read_client(struct mon_io *m, struct mon_client *cl)
{
	char scratch[4096];
	bool feeds = feeds_stdin(m, cl);
	char *to = feeds ? m->in_buf + m->in_len : scratch;
	size_t room = feeds ? sizeof(m->in_buf) - m->in_len : sizeof(scratch);
	ssize_t n;

	if (cl->kind == MON_PENDING) {
		take_handoff(m, cl);
		return;
	}
	n = read(cl->fd, to, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && cl->kind == MON_RAW)) {
		client_drop(cl);
		return;
	}
	if (n == 0) {
		if ((cl->flags & ATTACH_STDIN_ONCE) && feeds)
			m->in_close = true;
		cl->in_done = true;
	} else if (feeds) {
		m->in_len += (size_t)n;
	}
	feed_stdin(m);
}

/* ---- the loop ---------------------------------------------------------- */

static void accept_client(struct mon_io *m, int listener, enum mon_kind kind)
{
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd >= 0)
		mon_client_add(m, fd, kind, 0);
}

static short client_events(const struct mon_io *m, const struct mon_client *cl)
{
	short ev = cl->qlen ? POLLOUT : 0;

	if (cl->kind == MON_PENDING || (!cl->in_done && !feeds_stdin(m, cl)))
		ev |= POLLIN; /* read (to learn of its end, or its handoff) */
	else if (feeds_stdin(m, cl) && m->in_len == 0)
		ev |= POLLIN; /* only while stdin has taken the last input */
	return ev;
}

static void fill(const struct mon_io *m, struct pollfd *p)
{
	p[P_OUT] = (struct pollfd){ m->out, POLLIN, 0 };
	p[P_ERR] = (struct pollfd){ m->err, POLLIN, 0 };
	p[P_IN] = (struct pollfd){ m->in_len ? m->in : -1, POLLOUT, 0 };
	p[P_RAW] = (struct pollfd){ m->raw_listener, POLLIN, 0 };
	p[P_HAND] = (struct pollfd){ m->hand_listener, POLLIN, 0 };
	for (size_t i = 0; i < MON_CLIENTS; i++)
		p[P_CLIENTS + i] = (struct pollfd){ m->cl[i].fd, client_events(m, &m->cl[i]), 0 };
}

static void serve_client(struct mon_io *m, struct mon_client *cl, short rev)
{
	if (cl->kind == MON_FREE || !rev)
		return;
	if ((rev & POLLOUT) && !client_flush(cl)) {
		client_drop(cl);
		return;
	}
	if (rev & POLLIN)
		read_client(m, cl);
	else if (rev & (POLLHUP | POLLERR | POLLNVAL))
		client_drop(cl); /* gone altogether */
}

/* One poll round; false when poll failed. */
static bool round_trip(struct mon_io *m, int timeout)
{
	struct pollfd p[P_N];

	fill(m, p);
	if (poll(p, P_N, timeout) < 0)
		return errno == EINTR;
	for (size_t i = 0; i < MON_CLIENTS; i++)
		serve_client(m, &m->cl[i], p[P_CLIENTS + i].revents);
	if (p[P_IN].revents)
		feed_stdin(m);
	if (p[P_RAW].revents & POLLIN)
		accept_client(m, m->raw_listener, MON_RAW);
	if (p[P_HAND].revents & POLLIN)
		accept_client(m, m->hand_listener, MON_PENDING);
	if (p[P_OUT].revents)
		read_output(m, &m->out, 1);
	if (p[P_ERR].revents && m->err >= 0)
		read_output(m, &m->err, 2);
	return true;
}

static bool queued(const struct mon_io *m)
{
	for (size_t i = 0; i < MON_CLIENTS; i++)
		if (m->cl[i].kind == MON_HANDED || m->cl[i].kind == MON_RAW)
			if (m->cl[i].qlen)
				return true;
	return false;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mon_relay(struct mon_io *m)
{
	while (m->out >= 0 || m->err >= 0)
		if (!round_trip(m, -1))
			break;
	/* The output has ended: no more input and no new clients. */
	if (m->in >= 0 && !m->tty)
		close(m->in);
	m->in = -1;
	m->in_len = 0;
	m->raw_listener = m->hand_listener = -1; /* the caller closes them */
}

void mon_drain(struct mon_io *m)
{
	int64_t deadline = mono_ms() + MON_DRAIN_MS;

	while (queued(m) && mono_ms() < deadline)
		if (!round_trip(m, (int)(deadline - mono_ms())))
			break;
	for (size_t i = 0; i < MON_CLIENTS; i++)
		if (m->cl[i].kind != MON_FREE)
			client_drop(&m->cl[i]);
}

/* Unlink the path a listening unix socket is bound to: the socket itself
 * says where (no path is rebuilt from the ids). */
static void unlink_bound(int fd)
{
	struct sockaddr_un sa = { 0 };
	socklen_t len = sizeof(sa) - 1; /* a NUL stays after the path */

	if (fd < 0 || getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return;
	if (sa.sun_family == AF_UNIX && sa.sun_path[0] == '/')
		unlink(sa.sun_path);
}

void mon_run(struct mon_io *m, pid_t pid, void (*end)(void *arg, int wstatus), void *arg)
{
	int raw = m->raw_listener, hand = m->hand_listener, status;

	mon_relay(m);
	unlink_bound(raw);
	unlink_bound(hand);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	log_writer_close(m->log);
	end(arg, status);
	/* the record is final: clients may take the rest of the output */
	mon_drain(m);
}
