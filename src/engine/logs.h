/* logs.h - a container's output as its monitor logged it. */
#ifndef BRIG_LOGS_H
#define BRIG_LOGS_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

struct logs_opts {
	bool follow; /* keep reading until the container exited and all is read */
};

/* Where the bytes go: return < 0 to stop reading (e.g. a closed pipe). */
typedef int (*logs_sink)(void *arg, const char *buf, size_t len);

/* Hand the container's log (the rotated part first) to sink, in chunks.
 * Nothing logged yet is success.  With follow, polls for more until the
 * record is final and the log is drained. */
int container_logs(const struct brig_ctx *c, const char *ref, const struct logs_opts *o,
		   logs_sink sink, void *arg, struct brig_err *e);

#endif
