/* stream.c - stdcopy frames, and the blocking relay of a client to a
 * process's stdio (the monitor has its own, non-blocking, in
 * monitor_io.c; both frame through stream_frame_header). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io.h"
#include "stream.h"

void stream_frame_header(unsigned char h[STREAM_FRAME_HDR], int stream, uint32_t len)
{
	h[0] = (unsigned char)stream;
	h[1] = h[2] = h[3] = 0;
	h[4] = (unsigned char)(len >> 24);
	h[5] = (unsigned char)(len >> 16);
	h[6] = (unsigned char)(len >> 8);
	h[7] = (unsigned char)len;
}

int stream_frame_parse(const unsigned char h[STREAM_FRAME_HDR], int *stream, uint32_t *len)
{
	if (h[0] > 2 || h[1] || h[2] || h[3])
		return -1;
	*stream = h[0];
	*len = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	return 0;
}

/* All of iov, through short writes. */
static int writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int stream_frame_write(int fd, int stream, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		size_t n = len > UINT32_MAX ? UINT32_MAX : len;
		unsigned char h[STREAM_FRAME_HDR];
		struct iovec iov[2] = { { h, sizeof(h) }, { (void *)p, n } };

		stream_frame_header(h, stream, (uint32_t)n);
		if (writev_all(fd, iov, 2) < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Exactly len bytes from fd: 1, 0 at EOF before the first byte, -1. */
static int read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPROTO;
			return got ? -1 : 0;
		}
		got += (size_t)n;
	}
	return 1;
}

int stream_demux(int fd, int out, int err)
{
	unsigned char h[STREAM_FRAME_HDR];
	char buf[65536];
	int r, stream;
	uint32_t len;

	while ((r = read_exact(fd, h, sizeof(h))) > 0) {
		if (stream_frame_parse(h, &stream, &len) < 0) {
			errno = EPROTO;
			return -1;
		}
		while (len > 0) {
			size_t n = len < sizeof(buf) ? len : sizeof(buf);
			if (read_exact(fd, buf, n) <= 0 ||
			    write_all(stream == 2 ? err : out, buf, n) < 0)
				return -1;
			len -= (uint32_t)n;
		}
	}
	return r;
}

/* The relay's fds: [0] client, [1] out, [2] err. */
struct relay {
	struct pollfd p[3];
	int in;
	bool tty, mux, stdin_once;
};

/* One read of out or err (which) to the client: 0, or -1 when the client
 * failed.  EOF (or a tty's EIO) ends that side. */
static int relay_output(struct relay *r, int which)
{
	char buf[32768];
	ssize_t n = read(r->p[which].fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		r->p[which].fd = -1;
		return 0;
	}
	if (r->mux)
		return stream_frame_write(r->p[0].fd, which, buf, (size_t)n);
	return write_all(r->p[0].fd, buf, (size_t)n);
}

/* One read of the client's input to in: 0, or -1 when the client is gone. */
static int relay_input(struct relay *r)
{
	char buf[32768];
	ssize_t n = read(r->p[0].fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		return -1;
	if (n == 0) { /* input ended (a half close): output goes on */
		r->p[0].events = 0;
		if (r->stdin_once && r->tty)
			(void)!write(r->in, "\x04", 1);
		else if (r->stdin_once && r->in >= 0) {
			close(r->in);
			r->in = -1;
		}
		return 0;
	}
	if (r->in >= 0 && write_all(r->in, buf, (size_t)n) < 0 && !r->tty) {
		close(r->in); /* the process closed its stdin: input is dropped */
		r->in = -1;
	}
	return 0;
}

int stream_relay(int client, int in_fd, int out_fd, int err_fd, bool mux, bool stdin_once)
{
	struct relay r = { .p = { { client, POLLIN, 0 }, { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } },
			   .in = in_fd, .tty = in_fd >= 0 && in_fd == out_fd,
			   .mux = mux, .stdin_once = stdin_once };
	int ret = 0;

	while (ret == 0 && (r.p[1].fd >= 0 || r.p[2].fd >= 0)) {
		if (poll(r.p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -1;
			break;
		}
		for (int i = 1; i < 3 && ret == 0; i++)
			if (r.p[i].fd >= 0 && r.p[i].revents)
				ret = relay_output(&r, i);
		if (ret == 0 && r.p[0].revents & POLLIN)
			ret = relay_input(&r);
		else if (ret == 0 && r.p[0].revents & (POLLHUP | POLLERR))
			ret = -1;
	}
	if (!r.tty && r.in >= 0)
		close(r.in);
	return ret;
}
