/* sync.c - the parent/child sync socket (SOCK_SEQPACKET: one message per
 * read, EOF when the child execs because the socket is CLOEXEC). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

int sync_recv(int sock, struct sync_msg *m, struct brig_err *e)
{
	ssize_t n;

	do
		n = recv(sock, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return brig_errno(e, "sync: receive");
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*m))
		return brig_errf(e, EPROTO, "sync: short message (%zd bytes)", n);
	m->text[sizeof(m->text) - 1] = '\0';
	return 1;
}
