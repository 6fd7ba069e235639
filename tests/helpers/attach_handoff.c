/* attach_handoff.c - test helper (streams.bats): hand one end of a
 * socketpair to a container's monitor as the API server does
 * (container_attach_handoff in src/engine/tty.c: one sendmsg of the fd by
 * SCM_RIGHTS with {magic, flags}; the monitor answers "A"), then print
 * what arrives on the other end until the monitor closes it.
 *
 *   attach_handoff SOCKPATH FLAGS     FLAGS: a comma list of
 *                                     in,out,err,mux,once
 *
 * With mux every frame's payload is printed line by line as "STREAM
 * LINE" (1 stdout, 2 stderr); without, the bytes as they come.  With in,
 * our stdin is sent on, then our side is shut for writing.  "# handed" is
 * printed once the monitor took the fd.  Exit 0 at the
 * monitor's EOF, 2 when the handoff is refused, 3 on a malformed frame. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAGIC 0x62726741u /* STREAM_HANDOFF_MAGIC, src/engine/stream.h */

static const char *names[] = { "in", "out", "err", "mux", "once" }; /* ATTACH_* bits */

static unsigned parse_flags(const char *s)
{
	unsigned f = 0;
	char *copy = strdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(t, names[i]) == 0)
				f |= 1u << i;
	free(copy);
	return f;
}

static int handoff(const char *path, int fd, unsigned flags)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint32_t h[2] = { MAGIC, flags };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	char ack = 0;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(s, &msg, 0) != sizeof(h) || read(s, &ack, 1) != 1 || ack != 'A')
		return -1;
	close(s);
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return got ? -1 : 0;
		got += (size_t)n;
	}
	return 1;
}

/* One frame: "STREAM LINE" per line of its payload; 0 at EOF, 1, -1. */
static int frame(int fd)
{
	unsigned char h[8];
	static char buf[1 << 20];
	uint32_t len;
	int r = read_full(fd, h, 8);

	if (r <= 0)
		return r;
	len = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	if (h[0] < 1 || h[0] > 2 || h[1] || h[2] || h[3] || len > sizeof(buf) ||
	    read_full(fd, buf, len) != 1)
		return -1;
	for (char *p = buf, *end = buf + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		printf("%d %.*s\n", h[0], (int)n, p);
		p += n + 1;
	}
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned flags;
	int sp[2], r;
	char buf[8192];
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: attach_handoff SOCKPATH FLAGS\n");
		return 1;
	}
	flags = parse_flags(argv[2]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 || handoff(argv[1], sp[1], flags) < 0) {
		perror("handoff");
		return 2;
	}
	close(sp[1]);
	printf("# handed\n"); /* the monitor serves it from here on */
	fflush(stdout);
	if (flags & 1) { /* in: our stdin, then the end of it */
		while ((n = read(0, buf, sizeof(buf))) > 0)
			if (write(sp[0], buf, (size_t)n) != n)
				break;
		shutdown(sp[0], SHUT_WR);
	}
	if (flags & 8) {
		while ((r = frame(sp[0])) > 0)
			;
		return r < 0 ? 3 : 0;
	}
	while ((n = read(sp[0], buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	return 0;
}
