/* events.c - the event file: one JSON line per event appended under a
 * shared lock, rotated under the exclusive one, and read back (the history,
 * then new lines as inotify reports them).  See events.h for the layout.
 *
 * Why a lock at all when O_APPEND writes are atomic: rotation.  A writer
 * holds the shared lock from opening the file to its write, the rotator the
 * exclusive one around the rename, so once events.jsonl names a new file
 * the old one (now events.jsonl.1) is final, and a follower that drains it
 * once more after noticing the rename has missed nothing. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "events.h"
#include "image.h"
#include "io.h"
#include "state.h"
#include "util.h"
#include "warn.h"

#define FILE_NAME "events.jsonl"

struct paths {
	char dir[PATH_MAX], lock[PATH_MAX], cur[PATH_MAX], old[PATH_MAX];
};

static int paths_of(const struct brig_ctx *c, struct paths *p, struct brig_err *e)
{
	if (!c->runroot)
		return brig_errf(e, EINVAL, "events: no runtime root");
	if (snprintf(p->dir, sizeof(p->dir), "%s/events", c->runroot) >= (int)sizeof(p->dir) ||
	    snprintf(p->lock, sizeof(p->lock), "%s/lock", p->dir) >= (int)sizeof(p->lock) ||
	    snprintf(p->cur, sizeof(p->cur), "%s/" FILE_NAME, p->dir) >= (int)sizeof(p->cur) ||
	    snprintf(p->old, sizeof(p->old), "%s/" FILE_NAME ".1", p->dir) >= (int)sizeof(p->old))
		return brig_errf(e, ENAMETOOLONG, "events: %s: path too long", c->runroot);
	return 0;
}

/* flock, again after a signal. */
static int lock_as(int fd, int op, const char *path, struct brig_err *e)
{
	while (flock(fd, op) < 0)
		if (errno != EINTR)
			return brig_errno(e, "lock %s", path);
	return 0;
}

/* The lock, held as op; the directory is made on first use. */
static int open_lock(const struct paths *p, int op, struct brig_err *e)
{
	int flags = O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	int fd = open(p->lock, flags, 0600);

	if (fd < 0 && errno == ENOENT && mkdir_p(p->dir, 0700, e) == 0)
		fd = open(p->lock, flags, 0600);
	if (fd < 0)
		return brig_errno(e, "open %s", p->lock);
	if (lock_as(fd, op, p->lock, e) < 0) {
		close(fd);
		return -e->code;
	}
	return fd;
}

static int open_append(const struct paths *p, struct brig_err *e)
{
	int fd = open(p->cur, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	return fd < 0 ? brig_errno(e, "open %s", p->cur) : fd;
}

/* The exclusive lock held: rename the file aside unless another writer
 * has just done so; the file to append to. */
static int rotate(const struct paths *p, int lock, size_t len, struct brig_err *e)
{
	struct stat st;

	if (lock_as(lock, LOCK_EX, p->lock, e) < 0)
		return -e->code;
	if (stat(p->cur, &st) == 0 && st.st_size > 0 &&
	    (uint64_t)st.st_size + len > EVENTS_MAX_BYTES && rename(p->cur, p->old) < 0)
		return brig_errno(e, "rotate %s", p->cur);
	return open_append(p, e);
}

static int append(const struct brig_ctx *c, const char *line, size_t len, struct brig_err *e)
{
	struct paths p;
	cleanup_close int lock = -1, fd = -1;
	struct stat st;
	ssize_t n;

	if (paths_of(c, &p, e) < 0 || (lock = open_lock(&p, LOCK_SH, e)) < 0 ||
	    (fd = open_append(&p, e)) < 0)
		return -e->code;
	if (fstat(fd, &st) < 0)
		return brig_errno(e, "stat %s", p.cur);
	if (st.st_size > 0 && (uint64_t)st.st_size + len > EVENTS_MAX_BYTES) {
		close(steal_fd(fd));
		if ((fd = rotate(&p, lock, len, e)) < 0)
			return fd;
	}
	/* one write: O_APPEND places it whole at the end */
	n = write(fd, line, len);
	if (n != (ssize_t)len)
		return n < 0 ? brig_errno(e, "write %s", p.cur)
			     : brig_errf(e, EIO, "write %s: short write", p.cur);
	return 0;
}

json_t *events_make(const char *type, const char *action, const char *id, json_t *attrs,
		    int64_t ns)
{
	json_t *ev = json_object(), *a = attrs ? json_deep_copy(attrs) : json_object();
	const char *from = json_string_value(json_object_get(a, "image"));
	bool legacy = !strcmp(type, "container") || !strcmp(type, "image");

	if (!ev || !a) {
		json_decref(ev);
		json_decref(a);
		return NULL;
	}
	/* Docker's order: the old top-level fields, then the typed ones */
	if (legacy) {
		json_object_set_new(ev, "status", json_string(action));
		json_object_set_new(ev, "id", json_string(id));
	}
	if (legacy && from && !strcmp(type, "container"))
		json_object_set_new(ev, "from", json_string(from));
	json_object_set_new(ev, "Type", json_string(type));
	json_object_set_new(ev, "Action", json_string(action));
	json_object_set_new(ev, "Actor", json_pack("{s:s,s:o}", "ID", id, "Attributes", a));
	json_object_set_new(ev, "scope", json_string("local"));
	json_object_set_new(ev, "time", json_integer(ns / 1000000000));
	json_object_set_new(ev, "timeNano", json_integer(ns));
	return ev;
}

static void warn_once(const struct brig_err *e)
{
	static int warned;

	if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		brig_warn("event not recorded: %s", e->msg);
}

void events_emit(const struct brig_ctx *c, const char *type, const char *action, const char *id,
		 json_t *attrs)
{
	cleanup_json json_t *ev = events_make(type, action, id ? id : "", attrs, now_ns());
	cleanup_free char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	cleanup_free char *line = NULL;
	struct brig_err e;
	int n;

	if (!text || (n = asprintf(&line, "%s\n", text)) < 0) {
		line = NULL;
		brig_errf(&e, ENOMEM, "out of memory");
	} else if ((size_t)n > EVENTS_LINE_MAX) {
		brig_errf(&e, E2BIG, "a %s %s event of %d bytes", type, action, n);
	} else if (append(c, line, (size_t)n, &e) == 0) {
		return;
	}
	warn_once(&e);
}

/* ---- the engine's events ---- */

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static void spec_attrs(json_t *a, const struct container_spec *s)
{
	/* labels first: Docker's name and image win over a label of that key */
	for (size_t i = 0; i < s->n_labels; i++) {
		const char *eq = strchr(s->labels[i], '=');
		char key[256];
		if (eq && eq - s->labels[i] < (long)sizeof(key)) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - s->labels[i]), s->labels[i]);
			set_str(a, key, eq + 1);
		}
	}
	set_str(a, "image", s->image);
	set_str(a, "name", s->name);
}

json_t *events_container_attrs(const struct brig_ctx *c, const char *id,
			       const struct container_spec *spec)
{
	json_t *a = json_object();
	struct container_spec own;
	struct brig_err ignore;

	if (!a || spec) {
		if (a)
			spec_attrs(a, spec);
		return a;
	}
	if (state_load(c, id, &own, NULL, &ignore) == 0)
		spec_attrs(a, &own);
	spec_free(&own);
	return a;
}

void events_container(const struct brig_ctx *c, const char *action, const char *id,
		      const struct container_spec *spec)
{
	cleanup_json json_t *a = events_container_attrs(c, id, spec);

	events_emit(c, "container", action, id, a);
}

void events_die(const struct brig_ctx *c, const char *id, const struct container_spec *spec,
		int exit_code, bool oom_killed)
{
	cleanup_json json_t *a = events_container_attrs(c, id, spec);
	char code[16];

	if (oom_killed)
		events_emit(c, "container", "oom", id, a);
	snprintf(code, sizeof(code), "%d", exit_code);
	set_str(a, "exitCode", code);
	if (oom_killed)
		set_str(a, "oomKilled", "true");
	events_emit(c, "container", "die", id, a);
}

void events_kill(const struct brig_ctx *c, const char *id, int sig)
{
	cleanup_json json_t *a = events_container_attrs(c, id, NULL);
	char s[16];

	snprintf(s, sizeof(s), "%d", sig);
	set_str(a, "signal", s);
	events_emit(c, "container", "kill", id, a);
}

void events_network(const struct brig_ctx *c, const char *action, const char *net,
		    const char *container)
{
	cleanup_json json_t *a = json_pack("{s:s,s:s}", "name", net, "type", "bridge");

	if (a)
		set_str(a, "container", container);
	events_emit(c, "network", action, net, a);
}

void events_networks(const struct brig_ctx *c, const char *action, const char *id,
		     const struct container_state *st)
{
	struct container_state disk;
	struct brig_err ignore;

	if (!st && state_load(c, id, NULL, &disk, &ignore) < 0)
		return;
	if (!st)
		st = &disk;
	for (size_t i = 0; i < st->n_nets; i++)
		events_network(c, action, st->nets[i].network, id);
}

void events_volume(const struct brig_ctx *c, const char *action, const char *name)
{
	cleanup_json json_t *a = json_pack("{s:s}", "driver", "local");

	events_emit(c, "volume", action, name, a);
}

char *events_image_id(const struct brig_ctx *c, const char *ref)
{
	char id[BRIG_ID_LEN + 1], *out;
	struct brig_err ignore;

	if (image_find(c, ref, id, &ignore) < 0 || asprintf(&out, "sha256:%s", id) < 0)
		return NULL;
	return out;
}

void events_image(const struct brig_ctx *c, const char *action, const char *ref, const char *id)
{
	cleanup_free char *found = id ? NULL : events_image_id(c, ref);
	cleanup_json json_t *a = json_pack("{s:s}", "name", ref);

	events_emit(c, "image", action, id ? id : found ? found : ref, a);
}

/* ---- reading ---- */

/* One file being read: its fd and identity, and a partial last line. */
struct rd {
	int fd;
	dev_t dev;
	ino_t ino;
	struct events_lines lines;
};

struct reading {
	const struct events_filter *f;
	events_sink sink;
	void *arg;
};

/* A line outside the filter's times, known without parsing it (the
 * history a replay passes over: a wait reads from its run's start). */
static bool out_of_times(const struct events_filter *f, const char *line, size_t len)
{
	int64_t t;

	if (!(f->has_since || f->has_until) || !events_line_time(line, len, &t))
		return false;
	return (f->has_since && t < f->since) || (f->has_until && t > f->until);
}

static int deliver(void *arg, const char *line, size_t len)
{
	const struct reading *rg = arg;
	json_t *ev;
	int r = 0;

	if (out_of_times(rg->f, line, len))
		return 0;
	ev = events_parse_line(line, len);

	if (ev && events_match(rg->f, ev))
		r = rg->sink(rg->arg, ev);
	json_decref(ev);
	return r;
}

/* Read r to its end; < 0 when the sink ended the stream. */
static int drain(struct rd *r, const struct reading *rg)
{
	while (r->fd >= 0) {
		size_t room;
		char *at = events_lines_room(&r->lines, &room);
		ssize_t n = read(r->fd, at, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (events_lines_feed(&r->lines, (size_t)n, deliver, (void *)rg) < 0)
			return -1;
	}
	return 0;
}

static void rd_close(struct rd *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->lines.len = 0;
	r->lines.skipping = false;
}

/* Open path for r; absent is no file (fd -1), not an error. */
static int rd_open(struct rd *r, const char *path, struct brig_err *e)
{
	struct stat st;

	rd_close(r);
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (r->fd < 0)
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", path);
	if (fstat(r->fd, &st) < 0)
		return brig_errno(e, "stat %s", path);
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	return 0;
}

/* Both files at one moment: no rotation between opening one and the other. */
static int open_both(const struct paths *p, struct rd *old, struct rd *cur, struct brig_err *e)
{
	cleanup_close int lock = open_lock(p, LOCK_SH, e);

	if (lock < 0 || (old && rd_open(old, p->old, e) < 0) || rd_open(cur, p->cur, e) < 0)
		return -e->code;
	return 0;
}

/* When events.jsonl is no longer cur's file (rotated, or created since),
 * finish cur (the old file is final by now) and move to the new one: 1. */
static int follow_rename(const struct paths *p, struct rd *cur, const struct reading *rg,
			 struct brig_err *e)
{
	struct stat st;
	bool present = stat(p->cur, &st) == 0;

	if (!present && cur->fd < 0)
		return 0;
	if (present && cur->fd >= 0 && st.st_dev == cur->dev && st.st_ino == cur->ino)
		return 0;
	if (drain(cur, rg) < 0)
		return -1;
	rd_close(cur);
	if (present && rd_open(cur, p->cur, e) < 0)
		return -2;
	return 1;
}

static int watch(const struct paths *p, struct brig_err *e)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0)
		return brig_errno(e, "events: inotify");
	if (inotify_add_watch(fd, p->dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
						  IN_DELETE) < 0) {
		brig_errno(e, "events: watch %s", p->dir);
		close(fd);
		return -e->code;
	}
	return fd;
}

/* Wait for a change, at most a second or until f's until. */
static int wait_change(int in, const struct events_filter *f, bool *idle, struct brig_err *e)
{
	struct pollfd pfd = { .fd = in, .events = POLLIN };
	int64_t ms = 1000, now = now_ns();
	char buf[4096];
	int n;

	if (f->has_until && (f->until - now) / 1000000 + 1 < ms)
		ms = (f->until - now) / 1000000 + 1;
	*idle = false;
	n = poll(&pfd, 1, (int)ms);
	if (n < 0)
		return errno == EINTR ? 0 : brig_errno(e, "events: poll");
	*idle = n == 0;
	while (read(in, buf, sizeof(buf)) > 0)
		; /* what changed does not matter: every wake drains */
	return 0;
}

static int follow(const struct paths *p, int in, struct rd *cur, const struct reading *rg,
		  struct brig_err *e)
{
	for (;;) {
		bool idle;
		int r;
		if (drain(cur, rg) < 0)
			return 0;
		r = follow_rename(p, cur, rg, e);
		if (r == -1)
			return 0;
		if (r < 0)
			return -e->code;
		if (r > 0)
			continue;
		if (rg->f->has_until && now_ns() > rg->f->until)
			return 0;
		if (wait_change(in, rg->f, &idle, e) < 0)
			return -e->code;
		if (idle && rg->sink(rg->arg, NULL) < 0)
			return 0;
	}
}

int events_read(const struct brig_ctx *c, const struct events_filter *f, bool follow_new,
		events_sink sink, void *arg, struct brig_err *e)
{
	struct reading rg = { f, sink, arg };
	bool replay = f->has_since || f->has_until;
	struct rd old = { .fd = -1 }, cur = { .fd = -1 };
	struct paths p;
	cleanup_close int in = -1;
	cleanup_free char *b1 = malloc(EVENTS_LINE_MAX), *b2 = malloc(EVENTS_LINE_MAX);
	int r = -1;

	if (!b1 || !b2)
		return brig_errf(e, ENOMEM, "events: out of memory");
	old.lines = (struct events_lines){ .buf = b1, .cap = EVENTS_LINE_MAX };
	cur.lines = (struct events_lines){ .buf = b2, .cap = EVENTS_LINE_MAX };
	/* the watch before the reading, so nothing written in between is missed */
	if (paths_of(c, &p, e) < 0 || mkdir_p(p.dir, 0700, e) < 0 ||
	    (follow_new && (in = watch(&p, e)) < 0) ||
	    open_both(&p, replay ? &old : NULL, &cur, e) < 0)
		goto out;
	if (!replay && cur.fd >= 0 && lseek(cur.fd, 0, SEEK_END) < 0) {
		brig_errno(e, "seek %s", p.cur);
		goto out;
	}
	r = 0;
	if (drain(&old, &rg) < 0 || drain(&cur, &rg) < 0 || !follow_new)
		goto out;
	r = follow(&p, in, &cur, &rg, e);
out:
	rd_close(&old);
	rd_close(&cur);
	return r < 0 ? -e->code : 0;
}
