/* attach_reg.h - clients attached to a container before it starts.
 * `docker run` attaches first and starts second: the attached sockets
 * wait here and are handed to the monitor the start forks, which serves
 * them from before the command runs, so no output is lost. */
#ifndef BRIG_ATTACH_REG_H
#define BRIG_ATTACH_REG_H

#include "container.h"

/* Keep fd (taken) for container id's next start, with its ATTACH_ flags. */
void attach_reg_add(const char *id, int fd, unsigned flags);

/* Move the clients waiting for id into ct (attach_fd, attach_flags). */
void attach_reg_take(const char *id, struct container *ct);

/* Close ct's copies once its monitor has them. */
void attach_reg_close(struct container *ct);

#endif
