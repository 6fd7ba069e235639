/* logidx.h - a container's log as its monitor writes it: the raw bytes in
 * container.log (what `brig logs` always printed) and beside them
 * container.log.idx, one fixed-size record per chunk written: when, how
 * long, which stream.  The log's bytes are the chunks in the index's
 * order.  Past LOG_MAX_BYTES both become their ".1" (container.log.1,
 * container.log.1.idx).  A log without an index (written by an older
 * brig) reads as stdout at time 0. */
#ifndef BRIG_LOGIDX_H
#define BRIG_LOGIDX_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#define LOG_MAX_BYTES (10 * 1024 * 1024) /* then container.log -> .1 */
#define LOG_IDX_MAX_BYTES (8 * 1024 * 1024) /* an index this big rotates too */
#define LOGIDX_REC 16

/* One record: bytes 0-7 time (unix ns, little-endian), 8-11 length
 * (little-endian), 12 stream (1 or 2), 13-15 zero. */
struct logidx_rec {
	int64_t time_ns;
	uint32_t len;
	uint8_t stream;
};

void logidx_encode(unsigned char out[LOGIDX_REC], const struct logidx_rec *r);

/* 0, or -1 when in is not a record (stream not 1 or 2, padding set). */
int logidx_decode(const unsigned char in[LOGIDX_REC], struct logidx_rec *r);

/* The monitor's side: the log and its index, appended to. */
struct log_writer {
	char path[PATH_MAX - 16]; /* container.log */
	int fd, idx;
	off_t size, idx_size;
};

/* Open (create) path and its index for appending; an index that covers
 * less than the log (an older brig's log, a killed monitor) is completed
 * with a record of stream 1 at time 0 first.  -1 with errno. */
int log_writer_open(struct log_writer *w, const char *path);

/* Append a chunk of stream (1 or 2) at time_ns; rotates first when the
 * log or its index would grow past its bound.  Failures lose the chunk
 * (the container never waits on its log). */
void log_writer_append(struct log_writer *w, int stream, int64_t time_ns, const char *buf,
		       size_t len);

void log_writer_close(struct log_writer *w);

#endif
