/* pty.c - a pty pair and the terminal relay. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "pty.h"

int pty_open(int *master, int *slave, unsigned short rows, unsigned short cols,
	     struct brig_err *e)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	char name[64];

	*slave = -1;
	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return brig_errno(e, "open /dev/ptmx");
	if (unlockpt(*master) < 0 || ptsname_r(*master, name, sizeof(name)) != 0)
		return brig_errno(e, "pty");
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return brig_errno(e, "open %s", name);
	if (rows && ioctl(*slave, TIOCSWINSZ, &ws) < 0)
		return brig_errno(e, "pty window size");
	return 0;
}

int pty_attach_stdio(int slave, struct brig_err *e)
{
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return brig_errno(e, "controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return brig_errno(e, "pty stdio");
	return 0;
}

int pty_console(int slave, struct brig_err *e)
{
	cleanup_close int fd = -1;
	char src[64];

	/* a file to bind on, made in the container's own /dev tmpfs; a node
	 * already there (an image's) is never opened */
	fd = open("/dev/console",
		  O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return brig_errno(e, "create /dev/console");
	snprintf(src, sizeof(src), "/proc/self/fd/%d", slave);
	if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return brig_errno(e, "bind the pty on /dev/console");
	return 0;
}

static volatile sig_atomic_t winched;

static void on_winch(int sig)
{
	(void)sig;
	winched = 1;
}

/* Ctrl-P Ctrl-Q: detach.  A lone Ctrl-P is passed on with the next byte. */
static bool detach_seen(const char *buf, size_t len, bool *pending)
{
	for (size_t i = 0; i < len; i++) {
		if (*pending && buf[i] == 0x11)
			return true;
		*pending = buf[i] == 0x10;
	}
	return false;
}

enum relay_end pty_relay(int master, int in, int out, bool detach_keys)
{
	struct sigaction sa = { .sa_handler = on_winch };
	struct pollfd p[2] = { { master, POLLIN, 0 }, { in, POLLIN, 0 } };
	bool pending = false;
	char buf[8192];
	ssize_t n;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	for (;;) {
		if (winched && in >= 0) {
			struct winsize ws;
			winched = 0;
			if (ioctl(in, TIOCGWINSZ, &ws) == 0)
				ioctl(master, TIOCSWINSZ, &ws);
		}
		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return RELAY_ERROR;
		}
		if (p[0].revents) {
			n = read(master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) /* EIO: the slave side is closed */
				return RELAY_EOF;
			if (write_all(out, buf, (size_t)n) < 0)
				return RELAY_ERROR;
		}
		if (p[1].fd >= 0 && p[1].revents) {
			n = read(in, buf, sizeof(buf));
			if (n <= 0) {
				/* EOF on input: the terminal's EOF character tells the
				 * program; output keeps flowing until it exits. */
				p[1].fd = -1;
				write_all(master, "\x04", 1);
				continue;
			}
			if (detach_keys && detach_seen(buf, (size_t)n, &pending))
				return RELAY_DETACHED;
			if (write_all(master, buf, (size_t)n) < 0)
				return RELAY_EOF;
		}
	}
}
