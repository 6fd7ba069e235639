/* logread.c - the log reader on fds (logread.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logread.h"

void log_src_fds(struct log_src *s, int log, int idx)
{
	struct stat st;

	*s = (struct log_src){ .log = log, .idx = idx, .unindexed = idx < 0 };
	s->ino = log >= 0 && fstat(log, &st) == 0 ? st.st_ino : 0;
}

void log_src_close(struct log_src *s)
{
	if (s->log >= 0)
		close(s->log);
	if (s->idx >= 0)
		close(s->idx);
	*s = (struct log_src){ .log = -1, .idx = -1 };
}

/* The next index record into s->rec; false when there is none yet. */
static bool next_record(struct log_src *s)
{
	unsigned char rec[LOGIDX_REC];
	ssize_t n;

	while (s->left == 0) {
		n = read(s->idx, rec, sizeof(rec));
		if (n > 0 && n < LOGIDX_REC) /* being written: later */
			lseek(s->idx, -n, SEEK_CUR);
		if (n != LOGIDX_REC)
			return false;
		if (logidx_decode(rec, &s->rec) < 0) {
			s->unindexed = true; /* not trusted from here on */
			return false;
		}
		s->left = s->rec.len;
	}
	return true;
}

/* The next chunk of s into buf: its length, 0 when there is none now.
 * Bytes the index does not cover yet are being written, unless final
 * (nothing writes any more): then they read as stdout at time 0. */
static ssize_t src_chunk(struct log_src *s, bool final, char *buf, size_t cap, int *stream,
			 int64_t *t)
{
	ssize_t n;

	if (!s->unindexed && !next_record(s) && !s->unindexed) {
		if (!final)
			return 0;
		s->unindexed = true;
	}
	if (s->unindexed) {
		*stream = 1;
		*t = 0;
		n = read(s->log, buf, cap);
		return n < 0 ? 0 : n;
	}
	n = read(s->log, buf, cap < s->left ? cap : s->left);
	if (n <= 0)
		return 0; /* the log is shorter than its index says */
	s->left -= (uint32_t)n;
	*stream = s->rec.stream;
	*t = s->rec.time_ns;
	return n;
}

/* A chunk or a line past the filters: counted, skipped (the tail's
 * start), or to the sink. */
static void deliver(struct log_reader *r, int stream, int64_t t, const char *buf, size_t len)
{
	const struct logs_opts *o = r->o;

	if ((stream == 1 && o->no_stdout) || (stream == 2 && o->no_stderr) ||
	    (o->since && t < o->since) || (o->until && t > o->until))
		return;
	if (r->counting)
		r->count++;
	else if (r->skip > 0)
		r->skip--;
	else if (r->sink(r->arg, stream, t, buf, len) < 0)
		r->stop = true;
}

/* A chunk in line mode: whole lines out, a line begun kept. */
static void feed_lines(struct log_reader *r, int stream, int64_t t, const char *buf, size_t len)
{
	struct log_part *p = &r->part[stream - 1];

	while (len > 0 && !r->stop) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) + 1 : len;
		if (p->len == 0 && nl) {
			deliver(r, stream, t, buf, take);
		} else {
			if (p->len == 0)
				p->t = t;
			take = take < LINE_HOLD - p->len ? take : LINE_HOLD - p->len;
			memcpy(p->buf + p->len, buf, take);
			p->len += take;
			if (p->buf[p->len - 1] == '\n' || p->len == LINE_HOLD) {
				deliver(r, stream, p->t, p->buf, p->len);
				p->len = 0;
			}
		}
		buf += take;
		len -= take;
	}
}

void log_reader_flush(struct log_reader *r)
{
	for (int i = 0; i < 2 && !r->stop; i++)
		if (r->part[i].len) {
			deliver(r, i + 1, r->part[i].t, r->part[i].buf, r->part[i].len);
			r->part[i].len = 0;
		}
}

ssize_t log_reader_pass(struct log_reader *r, struct log_src *s, bool final)
{
	char buf[65536];
	ssize_t n, total = 0;
	int64_t t;
	int stream;

	while (s->log >= 0 && !r->stop && (n = src_chunk(s, final, buf, sizeof(buf), &stream, &t)) > 0) {
		if (r->lines)
			feed_lines(r, stream, t, buf, (size_t)n);
		else
			deliver(r, stream, t, buf, (size_t)n);
		total += n;
	}
	return total;
}

int logs_read_fds(int log, int idx, const struct logs_opts *o, logs_sink sink, void *arg)
{
	struct log_reader *r = calloc(1, sizeof(*r));
	struct log_src s;

	if (!r) {
		close(log);
		if (idx >= 0)
			close(idx);
		errno = ENOMEM;
		return -1;
	}
	*r = (struct log_reader){ .o = o, .sink = sink, .arg = arg,
				  .lines = o->timestamps || o->tail >= 0 };
	log_src_fds(&s, log, idx);
	if (o->tail >= 0) { /* count the lines first, then skip all but the last */
		r->counting = true;
		log_reader_pass(r, &s, true);
		log_reader_flush(r);
		r->counting = false;
		r->skip = r->count > o->tail ? r->count - o->tail : 0;
		lseek(log, 0, SEEK_SET);
		if (idx >= 0)
			lseek(idx, 0, SEEK_SET);
		log_src_fds(&s, log, idx);
	}
	log_reader_pass(r, &s, true);
	log_reader_flush(r);
	log_src_close(&s);
	free(r);
	return 0;
}
