/* logs.c - read (and follow) a container's log and its index (logidx.h):
 * chunks with their stream and time, or lines when the caller wants
 * timestamps or a tail. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "logidx.h"
#include "logs.h"
#include "state.h"

#define LINE_HOLD 16384 /* a longer line is handed over in parts */

/* One log file and its index, being read. */
struct src {
	int log, idx;
	ino_t ino;
	struct logidx_rec rec; /* the chunk being read */
	uint32_t left;         /* of it */
	bool unindexed;        /* the rest reads as stdout at time 0 */
};

struct part {
	char buf[LINE_HOLD];
	size_t len;
	int64_t t;
};

struct reader {
	const struct logs_opts *o;
	logs_sink sink;
	void *arg;
	bool lines, counting, stop;
	long count, skip;
	struct part part[2]; /* a line begun, per stream */
};

static void src_close(struct src *s)
{
	if (s->log >= 0)
		close(s->log);
	if (s->idx >= 0)
		close(s->idx);
	*s = (struct src){ .log = -1, .idx = -1 };
}

/* Open file (and file.idx) of record id; s->log < 0 when there is none. */
static void src_open(const struct brig_ctx *c, const char *id, const char *file, struct src *s)
{
	char path[PATH_MAX], idx[PATH_MAX + 8];
	struct brig_err e;
	struct stat st;

	*s = (struct src){ .log = -1, .idx = -1 };
	if (state_path(c, id, file, path, sizeof(path), &e) < 0)
		return;
	/* the log first: its writer made the index before it */
	s->log = open(path, O_RDONLY | O_CLOEXEC);
	if (s->log < 0)
		return;
	snprintf(idx, sizeof(idx), "%s.idx", path);
	s->idx = open(idx, O_RDONLY | O_CLOEXEC);
	s->unindexed = s->idx < 0;
	s->ino = fstat(s->log, &st) == 0 ? st.st_ino : 0;
}

/* The next index record into s->rec; false when there is none yet. */
static bool next_record(struct src *s)
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
static ssize_t src_chunk(struct src *s, bool final, char *buf, size_t cap, int *stream,
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
static void deliver(struct reader *r, int stream, int64_t t, const char *buf, size_t len)
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
static void feed_lines(struct reader *r, int stream, int64_t t, const char *buf, size_t len)
{
	struct part *p = &r->part[stream - 1];

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

/* The lines begun, as they are. */
static void flush_lines(struct reader *r)
{
	for (int i = 0; i < 2 && !r->stop; i++)
		if (r->part[i].len) {
			deliver(r, i + 1, r->part[i].t, r->part[i].buf, r->part[i].len);
			r->part[i].len = 0;
		}
}

/* Everything s has now; the bytes read. */
static ssize_t pass(struct reader *r, struct src *s, bool final)
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

static bool settled(const struct brig_ctx *c, const char *id)
{
	struct container_state st;
	struct brig_err e;

	return state_load(c, id, NULL, &st, &e) < 0 || container_settled(&st);
}

/* One read of the whole log as it is now: the rotated part, then the
 * current one (left open in *cur for following). */
static void read_all(struct reader *r, const struct brig_ctx *c, const char *id, bool done,
		     struct src *cur)
{
	struct src old;

	src_open(c, id, "container.log.1", &old);
	pass(r, &old, true);
	src_close(&old);
	src_open(c, id, "container.log", cur);
	pass(r, cur, done);
}

/* Has the log been rotated under s (container.log is another file)? */
static bool rotated(const struct brig_ctx *c, const char *id, const struct src *s)
{
	char path[PATH_MAX];
	struct brig_err e;
	struct stat st;

	return state_path(c, id, "container.log", path, sizeof(path), &e) == 0 &&
	       stat(path, &st) == 0 && st.st_ino != s->ino;
}

/* Follow: what is written next, until the record is final and all read. */
static void follow(struct reader *r, const struct brig_ctx *c, const char *id, struct src *cur)
{
	while (!r->stop) {
		bool done = settled(c, id);
		if (cur->log < 0)
			src_open(c, id, "container.log", cur);
		if (pass(r, cur, done) > 0)
			continue;
		flush_lines(r); /* an unfinished line (a prompt) is shown */
		if (cur->log >= 0 && rotated(c, id, cur)) {
			pass(r, cur, true);
			src_close(cur);
			continue;
		}
		if (done)
			break;
		usleep(50000);
	}
}

int container_logs(const struct brig_ctx *c, const char *ref, const struct logs_opts *o,
		   logs_sink sink, void *arg, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	struct src cur;
	struct reader *r;
	bool done;

	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	if (!(r = calloc(1, sizeof(*r))))
		return brig_errf(e, ENOMEM, "logs %s", ref);
	*r = (struct reader){ .o = o, .sink = sink, .arg = arg,
			      .lines = o->timestamps || o->tail >= 0 };
	done = settled(c, id);
	if (o->tail >= 0) { /* count the lines first, then skip all but the last */
		r->counting = true;
		read_all(r, c, id, done, &cur);
		flush_lines(r);
		src_close(&cur);
		r->counting = false;
		r->skip = r->count > o->tail ? r->count - o->tail : 0;
	}
	read_all(r, c, id, done, &cur);
	if (o->follow)
		follow(r, c, id, &cur);
	flush_lines(r);
	src_close(&cur);
	free(r);
	return 0;
}
