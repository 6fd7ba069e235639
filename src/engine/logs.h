/* logs.h - a container's output as its monitor logged it (logidx.h). */
#ifndef BRIG_LOGS_H
#define BRIG_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct logs_opts {
	bool follow;     /* keep reading until the container exited and all is read */
	bool timestamps; /* the caller prints times: hand over whole lines */
	long tail;       /* only the last tail lines; -1: all (set it: 0 is none) */
	int64_t since, until; /* unix ns: chunks written before since or after
			       * until are left out; 0: no bound */
	bool no_stdout, no_stderr; /* leave a stream out */
};

/* Where the output goes: a chunk of stream (1 stdout, 2 stderr) written at
 * time_ns (unix ns; 0 when unknown: a log of an older brig).  With
 * timestamps or a tail, each call is one line with its '\n' (or a part of
 * one: the last, unfinished, or past 16 KiB), its time that of its first
 * byte.  Return < 0 to stop reading (e.g. a closed pipe). */
typedef int (*logs_sink)(void *arg, int stream, int64_t time_ns, const char *buf, size_t len);

/* Hand the container's log (the rotated part first) to sink, filtered by
 * o.  Nothing logged yet is success.  With follow, polls for more until
 * the record is final and the log is drained. */
int container_logs(const struct brig_ctx *c, const char *ref, const struct logs_opts *o,
		   logs_sink sink, void *arg, struct brig_err *e);

#endif
