/* tty.c - the container's terminal, behind the engine's API. */
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor.h"
#include "pty.h"
#include "state.h"
#include "tty.h"

enum tty_end container_tty_relay(int master, int in, int out, bool detach_keys)
{
	switch (pty_relay(master, in, out, detach_keys)) {
	case RELAY_EOF: return TTY_EOF;
	case RELAY_DETACHED: return TTY_DETACHED;
	default: return TTY_ERROR;
	}
}

int container_attach_open(const struct brig_ctx *c, const char *ref, struct brig_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char id[BRIG_ID_LEN + 1];
	cleanup_close int fd = -1;

	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	if (monitor_attach_path(c, id, sa.sun_path, sizeof(sa.sun_path)) < 0 ||
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return brig_errf(e, ENOTCONN,
				 "attach %s: not a running container with a terminal (run -d -t)", ref);
	return steal_fd(fd);
}
