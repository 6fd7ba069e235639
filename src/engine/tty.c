/* tty.c - the container's terminal and attach sockets, behind the
 * engine's API. */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor.h"
#include "pty.h"
#include "state.h"
#include "tty.h"

#define HANDOFF_TIMEOUT_MS 10000 /* a monitor answers at its next poll */

enum tty_end container_tty_relay(int master, int in, int out, bool detach_keys)
{
	switch (pty_relay(master, in, out, detach_keys)) {
	case RELAY_EOF: return TTY_EOF;
	case RELAY_DETACHED: return TTY_DETACHED;
	default: return TTY_ERROR;
	}
}

/* Connect to the monitor's socket at path (monitor.h); -1 when none listens. */
static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return steal_fd(fd);
}

static int not_attachable(const char *ref, struct brig_err *e)
{
	return brig_errf(e, ENOTCONN, "attach %s: not a running detached container", ref);
}

int container_attach_open(const struct brig_ctx *c, const char *ref, bool *tty,
			  struct brig_err *e)
{
	struct container_spec spec = { 0 };
	char id[BRIG_ID_LEN + 1], path[PATH_MAX];
	int fd;

	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	if (tty && state_load(c, id, &spec, NULL, e) < 0) {
		spec_free(&spec);
		return -e->code;
	}
	if (tty)
		*tty = spec.tty;
	spec_free(&spec);
	if (monitor_attach_path(c, id, path, sizeof(path)) < 0 || (fd = connect_to(path)) < 0)
		return not_attachable(ref, e);
	return fd;
}

/* One sendmsg: the header and client_fd. */
static int send_handoff(int sock, int client_fd, unsigned flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct stream_handoff h = { .magic = STREAM_HANDOFF_MAGIC, .flags = flags };
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &client_fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(h) ? 0 : -1;
}

int container_attach_handoff(const struct brig_ctx *c, const char *ref, int client_fd,
			     unsigned flags, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1], path[PATH_MAX], ack = 0;
	cleanup_close int sock = -1;
	struct pollfd p;

	if (flags & ~ATTACH_FLAGS_ALL)
		return brig_errf(e, EINVAL, "attach %s: unknown flags %#x", ref, flags);
	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	if (monitor_handoff_path(c, id, path, sizeof(path)) < 0 || (sock = connect_to(path)) < 0)
		return not_attachable(ref, e);
	if (send_handoff(sock, client_fd, flags) < 0)
		return brig_errno(e, "attach %s: hand the client to the monitor", ref);
	/* Its word that it serves the fd, or EOF when it ended first. */
	p = (struct pollfd){ sock, POLLIN, 0 };
	if (poll(&p, 1, HANDOFF_TIMEOUT_MS) <= 0 || read(sock, &ack, 1) != 1 || ack != 'A')
		return brig_errf(e, ENOTCONN,
				 "attach %s: the monitor did not take the client (its output ended, "
				 "or it serves 8 already)", ref);
	return 0;
}
