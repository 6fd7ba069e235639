/* tty.h - a container's terminal for front ends: relay a pty master (or an
 * attach socket) to the caller's fds, and connect to a detached -t
 * container.  Raw mode and the size of the user's own terminal are the
 * front end's business. */
#ifndef BRIG_TTY_H
#define BRIG_TTY_H

#include <stdbool.h>

#include "stream.h"

#include "ctx.h"

enum tty_end { TTY_EOF, TTY_DETACHED, TTY_ERROR };

/* Copy in -> master and master -> out until every holder of the slave is
 * gone.  SIGWINCH resizes the pty like in (a terminal).  With
 * detach_keys, Ctrl-P Ctrl-Q on in ends it with TTY_DETACHED.  in may be
 * -1 (no input). */
enum tty_end container_tty_relay(int master, int in, int out, bool detach_keys);

/* Connect to the raw attach socket of running detached container ref;
 * returns the fd (CLOEXEC).  For a -t container (*tty true) it is the
 * terminal both ways, to pass to container_tty_relay as master; without
 * one it carries stdout and stderr, raw, and input is ignored.  tty may be
 * NULL. */
int container_attach_open(const struct brig_ctx *c, const char *ref, bool *tty,
			  struct brig_err *e);

/* Hand client_fd to the monitor of running detached container ref, which
 * serves it from now on as flags say (ATTACH_*, stream.h: stdin to the
 * container's stdin (a -t container's terminal; without -t only with -i,
 * else it is read and dropped), stdout and stderr, ATTACH_MUX framing
 * without a tty, ATTACH_STDIN_ONCE) and closes it when the container's
 * output ends.  One sendmsg of the fd (SCM_RIGHTS) and a struct
 * stream_handoff on the monitor's handoff socket; returns once the monitor
 * took it.  client_fd stays open here too: close it.  -ENOTCONN when ref
 * does not run detached. */
int container_attach_handoff(const struct brig_ctx *c, const char *ref, int client_fd,
			     unsigned flags, struct brig_err *e);

#endif
