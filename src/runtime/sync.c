/* sync.c - the parent/child sync socket (SOCK_SEQPACKET: one message per
 * read, EOF when the child execs because the socket is CLOEXEC). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync.h"

int sync_send(int sock, enum sync_point point, struct brig_err *e)
{
	struct sync_msg m = { .point = point };

	if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return brig_errno(e, "sync %d: send", point);
	return 0;
}

void sync_send_error(int sock, int stage, const struct brig_err *err)
{
	struct sync_msg m = { .point = SYNC_ERROR, .err = err->code, .stage = stage };

	snprintf(m.text, sizeof(m.text), "%s", err->msg);
	(void)!send(sock, &m, sizeof(m), MSG_NOSIGNAL);
}

void sync_send_exit(int sock, int wstatus)
{
	struct sync_msg m = { .point = SYNC_EXITED, .err = wstatus };

	(void)!send(sock, &m, sizeof(m), MSG_NOSIGNAL);
}

int sync_send_fd(int sock, enum sync_point point, int fd, struct brig_err *e)
{
	struct sync_msg m = { .point = point };
	struct iovec iov = { &m, sizeof(m) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return brig_errno(e, "sync %d: send fd", point);
	return 0;
}

static int take_fd(struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int))) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			return fd;
		}
	}
	return -1;
}

int sync_recv(int sock, struct sync_msg *m, int *fd, struct brig_err *e)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	int got;

	if (fd)
		*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return brig_errno(e, "sync: receive");
	got = take_fd(&mh);
	if (got >= 0 && !fd)
		close(got);
	else if (fd)
		*fd = got;
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*m))
		return brig_errf(e, EPROTO, "sync: short message (%zd bytes)", n);
	m->text[sizeof(m->text) - 1] = '\0';
	return 1;
}
