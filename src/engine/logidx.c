/* logidx.c - the log's index records and the monitor's log writer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "logidx.h"

void logidx_encode(unsigned char out[LOGIDX_REC], const struct logidx_rec *r)
{
	uint64_t t = (uint64_t)r->time_ns;

	memset(out, 0, LOGIDX_REC);
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)(t >> (8 * i));
	for (int i = 0; i < 4; i++)
		out[8 + i] = (unsigned char)(r->len >> (8 * i));
	out[12] = r->stream;
}

int logidx_decode(const unsigned char in[LOGIDX_REC], struct logidx_rec *r)
{
	uint64_t t = 0;
	uint32_t len = 0;

	if ((in[12] != 1 && in[12] != 2) || in[13] || in[14] || in[15])
		return -1;
	for (int i = 0; i < 8; i++)
		t |= (uint64_t)in[i] << (8 * i);
	for (int i = 0; i < 4; i++)
		len |= (uint32_t)in[8 + i] << (8 * i);
	*r = (struct logidx_rec){ .time_ns = (int64_t)t, .len = len, .stream = in[12] };
	return 0;
}

static void idx_put(struct log_writer *w, int stream, int64_t t, uint32_t len)
{
	struct logidx_rec r = { .time_ns = t, .len = len, .stream = (uint8_t)stream };
	unsigned char rec[LOGIDX_REC];

	logidx_encode(rec, &r);
	if (w->idx >= 0 && write(w->idx, rec, sizeof(rec)) == (ssize_t)sizeof(rec))
		w->idx_size += LOGIDX_REC;
}

/* The bytes the index covers: the sum of its records' lengths (a torn
 * last record is cut off first). */
static off_t idx_covered(struct log_writer *w)
{
	unsigned char buf[LOGIDX_REC * 512];
	struct logidx_rec r;
	off_t sum = 0;
	ssize_t n;

	if (w->idx_size % LOGIDX_REC && ftruncate(w->idx, w->idx_size - w->idx_size % LOGIDX_REC) == 0)
		w->idx_size -= w->idx_size % LOGIDX_REC;
	if (lseek(w->idx, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(w->idx, buf, sizeof(buf))) >= LOGIDX_REC)
		for (ssize_t i = 0; i + LOGIDX_REC <= n; i += LOGIDX_REC)
			if (logidx_decode(buf + i, &r) == 0)
				sum += r.len;
	return sum;
}

int log_writer_open(struct log_writer *w, const char *path)
{
	char idx[PATH_MAX];
	struct stat st;
	off_t covered;

	if (path != w->path)
		snprintf(w->path, sizeof(w->path), "%s", path);
	snprintf(idx, sizeof(idx), "%s.idx", w->path);
	/* The index first: a reader that finds the log finds its index too
	 * (a log without one is an older brig's). */
	w->idx = open(idx, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	w->idx_size = w->idx >= 0 && fstat(w->idx, &st) == 0 ? st.st_size : 0;
	w->fd = open(w->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	w->size = w->fd >= 0 && fstat(w->fd, &st) == 0 ? st.st_size : 0;
	if (w->fd < 0)
		return -1;
	if (w->idx < 0 || (covered = idx_covered(w)) < 0)
		return 0; /* the log goes on without its index */
	for (off_t gap = w->size - covered; gap > 0;) {
		uint32_t n = gap > (off_t)UINT32_MAX ? UINT32_MAX : (uint32_t)gap;
		idx_put(w, 1, 0, n);
		gap -= n;
	}
	return 0;
}

static void rotate(struct log_writer *w)
{
	char old[PATH_MAX], idx[PATH_MAX], old_idx[PATH_MAX];

	snprintf(old, sizeof(old), "%s.1", w->path);
	snprintf(idx, sizeof(idx), "%s.idx", w->path);
	snprintf(old_idx, sizeof(old_idx), "%s.1.idx", w->path);
	log_writer_close(w);
	unlink(old_idx); /* never pair the new .1 with an older index */
	rename(w->path, old);
	rename(idx, old_idx);
	log_writer_open(w, w->path);
}

void log_writer_append(struct log_writer *w, int stream, int64_t time_ns, const char *buf,
		       size_t len)
{
	if ((w->size + (off_t)len > LOG_MAX_BYTES && w->size > 0) ||
	    w->idx_size + LOGIDX_REC > LOG_IDX_MAX_BYTES)
		rotate(w);
	ssize_t n = w->fd >= 0 ? write(w->fd, buf, len) : -1;

	if (n <= 0)
		return;
	w->size += n;
	idx_put(w, stream, time_ns, (uint32_t)n);
}

void log_writer_close(struct log_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->idx >= 0)
		close(w->idx);
	w->fd = w->idx = -1;
}
