/* attach_reg.h - clients attached to a container before it starts.
 * `docker run` attaches first and starts second: the attached sockets
 * wait here and are handed to the monitor the start forks, which serves
 * them from before the command runs, so no output is lost. */
#ifndef BRIG_ATTACH_REG_H
#define BRIG_ATTACH_REG_H

#include "container.h"

/* The table, held across a decision and what follows from it: an attach
 * holds it from its look at the record until its socket is kept (its 101
 * sent in between, since `docker run` starts as soon as it reads it); a
 * start from taking the clients until its monitor runs the container.  So
 * a client is either taken by the start or sees the container running
 * and is handed to its monitor: none is kept for a start already made. */
void attach_reg_hold(void);
void attach_reg_release(void);

/* Keep fd (taken) for container id's next start, with its ATTACH_ flags;
 * the caller holds the table. */
void attach_reg_add(const char *id, int fd, unsigned flags);

/* Move the clients waiting for id into ct (attach_fd, attach_flags); the
 * caller holds the table. */
void attach_reg_take(const char *id, struct container *ct);

/* Close ct's copies once its monitor has them. */
void attach_reg_close(struct container *ct);

#endif
