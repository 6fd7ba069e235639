/* logread.h - (private to the engine) the reader of a log and its index
 * (logidx.h) on open fds: chunks with their stream and time, or lines;
 * filtered, counted and skipped for a tail.  logs.c follows a container's
 * files with it; it is plain I/O on fds, so tests and fuzzing drive it. */
#ifndef BRIG_LOGREAD_H
#define BRIG_LOGREAD_H

#include <stdbool.h>
#include <sys/types.h>

#include "logidx.h"
#include "logs.h"

#define LINE_HOLD 16384 /* a longer line is handed over in parts */

/* One log file and its index, being read. */
struct log_src {
	int log, idx;
	ino_t ino;
	struct logidx_rec rec; /* the chunk being read */
	uint32_t left;         /* of it */
	bool unindexed;        /* the rest reads as stdout at time 0 */
};

struct log_part {
	char buf[LINE_HOLD];
	size_t len;
	int64_t t;
};

struct log_reader {
	const struct logs_opts *o;
	logs_sink sink;
	void *arg;
	bool lines, counting, stop;
	long count, skip;
	struct log_part part[2]; /* a line begun, per stream */
};

/* A source of open fds (idx -1: a log without an index); it owns them. */
void log_src_fds(struct log_src *s, int log, int idx);
void log_src_close(struct log_src *s);

/* Everything s has now into r (final: nothing writes any more, so bytes
 * the index does not cover read as stdout at time 0); the bytes read. */
ssize_t log_reader_pass(struct log_reader *r, struct log_src *s, bool final);

/* The lines begun, as they are. */
void log_reader_flush(struct log_reader *r);

/* A whole log of fds log and idx (idx -1: none; read from where they
 * are, rewound for a tail's second pass, closed by it) read to its end as
 * container_logs reads it (o's filters, lines, tail; not o->follow).  0,
 * or -1 with errno ENOMEM. */
int logs_read_fds(int log, int idx, const struct logs_opts *o, logs_sink sink, void *arg);

#endif
