/* monitor.h - the small process that owns a detached container: it starts
 * it, relays its output to the log file, reaps it, and finishes it. */
#ifndef BRIG_MONITOR_H
#define BRIG_MONITOR_H

#include "container.h"

#define LOG_MAX_BYTES (10 * 1024 * 1024) /* then container.log -> .1 */

/* In a forked child of `brig run -d`: become the monitor of ct.  Tells the
 * CLI over report_fd whether the command started (struct monitor_report),
 * then runs the container to its end.  Never returns. */
void monitor_main(const struct brig_ctx *c, struct container *ct, int report_fd)
	__attribute__((noreturn));

struct monitor_report {
	int ok;
	int stage; /* enum spawn_stage when !ok */
	int code;  /* errno */
	char msg[1024];
};

/* Fork the monitor of ct (`run -d`, `start`) and wait for its word that the
 * command started.  On failure e says why and *code is the exit status
 * (125, 126 or 127); the record is final by then. */
int monitor_launch(const struct brig_ctx *c, struct container *ct, int *code,
		   struct brig_err *e);

/* Path of the container's attach socket (tty containers). */
int monitor_attach_path(const struct brig_ctx *c, const char *id, char *out, size_t len);

#endif
