/* pty.h - a container's pty pair, and the relay between a user's terminal
 * and its master.  (Raw mode of the user's terminal is the CLI's.) */
#ifndef BRIG_PTY_H
#define BRIG_PTY_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/* Open a pty pair on /dev/ptmx of the current mount namespace (in a
 * container: its own devpts, so the slave is /dev/pts/N there); the slave
 * gets the window size rows x cols when rows != 0.  Both fds are CLOEXEC. */
int pty_open(int *master, int *slave, unsigned short rows, unsigned short cols,
	     struct brig_err *e);

/* /dev/console of a container run with -t: its pty slave bound on it, as
 * Docker's (runc's); without -t a container has no /dev/console at all.
 * After pivot_root, in the container's own /dev. */
int pty_console(int slave, struct brig_err *e);

/* Make slave the controlling terminal of a new session, and 0, 1, 2. */
int pty_attach_stdio(int slave, struct brig_err *e);

enum relay_end { RELAY_EOF, RELAY_DETACHED, RELAY_ERROR };

/* Copy in -> master and master -> out until the master reports EOF/EIO
 * (every holder of the slave is gone).  SIGWINCH on our terminal resizes
 * the pty.  With detach_keys, Ctrl-P Ctrl-Q on in ends the relay with
 * RELAY_DETACHED.  in may be -1 (no input). */
enum relay_end pty_relay(int master, int in, int out, bool detach_keys);

#endif
