/* term.c - the user's terminal: raw mode while a container's pty is
 * relayed to it, restored on every path, and its window size. */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static struct termios saved;
static int saved_fd = -1;

void term_restore(void)
{
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSADRAIN, &saved);
		saved_fd = -1;
	}
}

void term_raw(int fd)
{
	struct termios raw;

	if (saved_fd >= 0 || !isatty(fd) || tcgetattr(fd, &saved) < 0)
		return;
	raw = saved;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSADRAIN, &raw) == 0) {
		saved_fd = fd;
		atexit(term_restore);
	}
}

void term_size(int fd, unsigned short *rows, unsigned short *cols)
{
	struct winsize ws = { 0 };

	ioctl(fd, TIOCGWINSZ, &ws);
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}
