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
#include "logread.h"
#include "logs.h"
#include "state.h"

/* Open file (and file.idx) of record id; s->log < 0 when there is none. */
static void src_open(const struct brig_ctx *c, const char *id, const char *file, struct log_src *s)
{
	char path[PATH_MAX], idx[PATH_MAX + 8];
	struct brig_err e;
	struct stat st;

	*s = (struct log_src){ .log = -1, .idx = -1 };
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

static bool settled(const struct brig_ctx *c, const char *id)
{
	struct container_state st;
	struct brig_err e;

	return state_load(c, id, NULL, &st, &e) < 0 || container_settled(&st);
}

/* One read of the whole log as it is now: the rotated part, then the
 * current one (left open in *cur for following). */
static void read_all(struct log_reader *r, const struct brig_ctx *c, const char *id, bool done,
		     struct log_src *cur)
{
	struct log_src old;

	src_open(c, id, "container.log.1", &old);
	log_reader_pass(r, &old, true);
	log_src_close(&old);
	src_open(c, id, "container.log", cur);
	log_reader_pass(r, cur, done);
}

/* Has the log been rotated under s (container.log is another file)? */
static bool rotated(const struct brig_ctx *c, const char *id, const struct log_src *s)
{
	char path[PATH_MAX];
	struct brig_err e;
	struct stat st;

	return state_path(c, id, "container.log", path, sizeof(path), &e) == 0 &&
	       stat(path, &st) == 0 && st.st_ino != s->ino;
}

/* Follow: what is written next, until the record is final and all read. */
static void follow(struct log_reader *r, const struct brig_ctx *c, const char *id, struct log_src *cur)
{
	while (!r->stop) {
		bool done = settled(c, id);
		if (cur->log < 0)
			src_open(c, id, "container.log", cur);
		if (log_reader_pass(r, cur, done) > 0)
			continue;
		log_reader_flush(r); /* an unfinished line (a prompt) is shown */
		if (cur->log >= 0 && rotated(c, id, cur)) {
			log_reader_pass(r, cur, true);
			log_src_close(cur);
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
	struct log_src cur;
	struct log_reader *r;
	bool done;

	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	if (!(r = calloc(1, sizeof(*r))))
		return brig_errf(e, ENOMEM, "logs %s", ref);
	*r = (struct log_reader){ .o = o, .sink = sink, .arg = arg,
			      .lines = o->timestamps || o->tail >= 0 };
	done = settled(c, id);
	if (o->tail >= 0) { /* count the lines first, then skip all but the last */
		r->counting = true;
		read_all(r, c, id, done, &cur);
		log_reader_flush(r);
		log_src_close(&cur);
		r->counting = false;
		r->skip = r->count > o->tail ? r->count - o->tail : 0;
	}
	read_all(r, c, id, done, &cur);
	if (o->follow)
		follow(r, c, id, &cur);
	log_reader_flush(r);
	log_src_close(&cur);
	free(r);
	return 0;
}
