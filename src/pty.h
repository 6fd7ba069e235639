/* pty.h - terminal handling: raw mode, window size, and the relay between
 * a user's terminal and a container's pty master. */
#ifndef BRIG_PTY_H
#define BRIG_PTY_H

#include <stdbool.h>
#include <sys/types.h>

/* Put fd in raw mode (when it is a terminal), remembering how to restore
 * it; restored by pty_restore() and at exit, on every path. */
void pty_raw(int fd);
void pty_restore(void);

/* Window size of fd (0, 0 when not a terminal). */
void pty_size(int fd, unsigned short *rows, unsigned short *cols);

enum relay_end { RELAY_EOF, RELAY_DETACHED, RELAY_ERROR };

/* Copy in -> master and master -> out until the master reports EOF/EIO
 * (every holder of the slave is gone).  SIGWINCH on our terminal resizes
 * the pty.  With detach_keys, Ctrl-P Ctrl-Q on in ends the relay with
 * RELAY_DETACHED.  in may be -1 (no input). */
enum relay_end pty_relay(int master, int in, int out, bool detach_keys);

#endif
