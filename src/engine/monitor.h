/* monitor.h - the small process that owns a detached container: it starts
 * it, relays its output to the log file, reaps it, and finishes it. */
#ifndef BRIG_MONITOR_H
#define BRIG_MONITOR_H

#include "container.h"
#include "logidx.h"

/* In a forked child of `brig run -d`: become the monitor of ct.  Tells the
 * CLI over report_fd whether the command started (struct monitor_report),
 * then runs the container to its end.  Never returns. */
void monitor_main(const struct brig_ctx *c, struct container *ct, int report_fd)
	__attribute__((noreturn));

/* brig-monitor's end, in a full brig (`brig __monitor-finish ID STATUS
 * READY_FD`, which it runs once it reaped the container): out of the
 * monitor registry, then container_finish with the record's state and
 * wstatus (-1: unknown); ready_fd (-1: none) is closed once the record is
 * final, so brig-monitor's clients drain while an --rm record's files are
 * deleted.  Our caller owns the record: no lock is taken. */
int monitor_finish(const struct brig_ctx *c, const char *id, int wstatus, int ready_fd,
		   struct brig_err *e);

struct monitor_report {
	int ok;
	int stage; /* enum spawn_stage when !ok */
	int code;  /* errno */
	char msg[1024];
};

/* Fork the monitor of ct (`run -d`, `start`; with ct->monitor_orphan
 * through an intermediate that exits at once, so the monitor is init's
 * child) and wait for its word that the command started.  The monitor
 * serves ct->attach_fd[] from the start (close yours afterwards).  On
 * failure e says why and *code is the exit status (125, 126 or 127); the
 * record is final by then. */
int monitor_launch(const struct brig_ctx *c, struct container *ct, int *code,
		   struct brig_err *e);

/* Path of the container's raw attach socket (`brig attach`): a client
 * connected there gets the output raw at once (a tty's: and its input goes
 * to the terminal). */
int monitor_attach_path(const struct brig_ctx *c, const char *id, char *out, size_t len);

/* Path of its handoff socket: a client connected there is served only
 * once it handed an fd (container_attach_handoff, tty.h); until then it
 * gets nothing, so no output is lost to the connecting socket. */
int monitor_handoff_path(const struct brig_ctx *c, const char *id, char *out, size_t len);

#endif
