/* tty.h - a container's terminal for front ends: relay a pty master (or an
 * attach socket) to the caller's fds, and connect to a detached -t
 * container.  Raw mode and the size of the user's own terminal are the
 * front end's business. */
#ifndef BRIG_TTY_H
#define BRIG_TTY_H

#include <stdbool.h>

#include "ctx.h"

enum tty_end { TTY_EOF, TTY_DETACHED, TTY_ERROR };

/* Copy in -> master and master -> out until every holder of the slave is
 * gone.  SIGWINCH resizes the pty like in (a terminal).  With
 * detach_keys, Ctrl-P Ctrl-Q on in ends it with TTY_DETACHED.  in may be
 * -1 (no input). */
enum tty_end container_tty_relay(int master, int in, int out, bool detach_keys);

/* Connect to the attach socket of running detached -t container ref;
 * returns the fd (CLOEXEC), to pass to container_tty_relay as master. */
int container_attach_open(const struct brig_ctx *c, const char *ref, struct brig_err *e);

#endif
