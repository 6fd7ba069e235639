/* wait.c - a container's wait, from its events: the die event carries the
 * exit code (so a --rm container's is known after its record is gone),
 * destroy ends a wait for removal.  Events since the wait began are
 * replayed, so an exit between the check and the read is not missed; the
 * client's socket is watched on the reader's heartbeat.
 *
 * Closing an inotify instance waits for an SRCU grace period (13-20 ms on
 * this kernel, measured with strace -T on the daemon: most of a `docker
 * run --rm`'s API overhead), so the events already written are read first
 * without a watch, and a followed wait runs on a detached thread of its
 * own: it answers from the reader's callback and wakes the connection's
 * thread, which goes on to the next request while the follower closes its
 * watch. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "container.h"
#include "events.h"
#include "state.h"
#include "util.h"
#include "wait.h"

int api_wait_prepare(const struct brig_ctx *c, const char *ref, const char *cond,
		     struct api_wait *w, struct brig_err *e)
{
	struct container_state st;

	if (strcmp(cond, "not-running") == 0)
		w->cond = WAIT_NOT_RUNNING;
	else if (strcmp(cond, "next-exit") == 0)
		w->cond = WAIT_NEXT_EXIT;
	else if (strcmp(cond, "removed") == 0)
		w->cond = WAIT_REMOVED;
	else
		return brig_errf(e, EINVAL, "invalid condition: %s", cond);
	w->since_ns = now_ns();
	if (state_resolve(c, ref, w->id, e) < 0 || state_load(c, w->id, NULL, &st, e) < 0)
		return brig_errf(e, ENOENT, "No such container: %s", ref);
	w->running = !container_settled(&st);
	w->exit_code = st.has_exit ? st.exit_code : 0;
	/* the record may say running when the die is already out (a reader
	 * between the event and our state_load, or a reconciled record): read
	 * from the start of this run */
	if (w->running && parse_rfc3339(st.started) > 0)
		w->since_ns = parse_rfc3339(st.started) * 1000000000;
	return 0;
}

/* The record says the wait is over (an event missed, or none written). */
static bool record_says_done(struct api_req *r, struct api_wait *w)
{
	struct container_state st;
	struct brig_err e;
	char id[BRIG_ID_LEN + 1];

	if (state_resolve(r->c, w->id, id, &e) < 0)
		return true; /* removed: every condition holds */
	if (w->cond == WAIT_REMOVED || state_load(r->c, w->id, NULL, &st, &e) < 0 ||
	    !w->running || !container_settled(&st))
		return false;
	w->exit_code = st.has_exit ? st.exit_code : w->exit_code;
	return true;
}

/* One wait; a follower's outlives the handler: once answered, r is not
 * touched again. */
struct waiter {
	struct api_req *r;
	struct api_wait w;
	struct events_filter f;
	bool done, gone, answered;
	int answer_rc;
	int wake; /* a follower's: the write end of the handler's pipe; else -1 */
};

/* The status, once, as soon as the wait is over; then the handler woken. */
static void answer(struct waiter *x)
{
	char buf[256], rc;
	int n;

	if (x->answered)
		return;
	x->answered = true;
	if (x->done)
		n = snprintf(buf, sizeof(buf), "{\"StatusCode\":%d,\"Error\":null}\n", x->w.exit_code);
	else
		n = snprintf(buf, sizeof(buf), "{\"StatusCode\":-1,\"Error\":{\"Message\":\"%s\"}}\n",
			     "the wait was cut short");
	x->answer_rc = api_stream_write(x->r, buf, (size_t)n) < 0 ? -1 : api_stream_end(x->r);
	if (x->wake >= 0) {
		rc = x->answer_rc < 0;
		if (write(x->wake, &rc, 1) < 0) {
			/* the handler reads EOF at the close: the connection dropped */
		}
		close(x->wake);
		x->wake = -1;
	}
}

static int on_event(void *arg, json_t *ev)
{
	struct waiter *x = arg;
	const char *action, *code;

	if (!ev) { /* the reader's heartbeat: the client, and the record */
		x->gone = api_client_gone(x->r);
		x->done = !x->gone && record_says_done(x->r, &x->w);
		if (x->done)
			answer(x);
		return x->gone || x->done ? -1 : 0;
	}
	action = json_string_value(json_object_get(ev, "Action"));
	code = json_string_value(
		json_object_get(json_object_get(json_object_get(ev, "Actor"), "Attributes"), "exitCode"));
	if (action && strcmp(action, "die") == 0) {
		x->w.exit_code = code ? atoi(code) : 0;
		x->done = x->w.cond != WAIT_REMOVED;
	} else if (action && strcmp(action, "destroy") == 0) {
		x->done = true;
	}
	if (x->done)
		answer(x);
	return x->done ? -1 : 0;
}

static void waiter_free(struct waiter *x)
{
	events_filter_free(&x->f);
	free(x);
}

/* Follow the events until the wait is over, then answer. */
static void follow_events(struct waiter *x)
{
	struct brig_err e;

	while (!x->done && !x->gone) {
		int rc = events_read(x->r->c, &x->f, true, on_event, x, &e);
		if (rc < 0 && !x->done && !x->gone && !(x->done = record_says_done(x->r, &x->w)))
			usleep(100000); /* the event file unreadable: poll the record */
	}
	answer(x);
}

static void *follower(void *arg)
{
	follow_events(arg);
	waiter_free(arg);
	return NULL;
}

/* Follow on a detached thread; the answer's rc once it is sent. */
static int follow_detached(struct waiter *x)
{
	pthread_attr_t attr;
	pthread_t t;
	int p[2], rc = -1;
	char b;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0 || pthread_attr_init(&attr) != 0)
		return -2;
	x->wake = p[1];
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, follower, x) != 0) {
		pthread_attr_destroy(&attr);
		x->wake = -1;
		close(p[0]);
		close(p[1]);
		return -2;
	}
	pthread_attr_destroy(&attr);
	do
		n = read(p[0], &b, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		rc = b ? -1 : 0;
	close(p[0]);
	return rc;
}

int api_wait_until(struct api_req *r, struct api_wait *w)
{
	struct waiter *x = calloc(1, sizeof(*x));
	char kv[BRIG_ID_LEN + 16];
	struct brig_err e;
	int rc;

	if (!x)
		return -1;
	*x = (struct waiter){ .r = r, .w = *w, .wake = -1 };
	x->f = (struct events_filter){ .has_since = true, .since = w->since_ns };
	x->done = w->cond == WAIT_NOT_RUNNING && !w->running;
	snprintf(kv, sizeof(kv), "container=%s", w->id);
	if (x->done || events_filter_add(&x->f, "type=container", &e) < 0 ||
	    events_filter_add(&x->f, kv, &e) < 0 || events_filter_add(&x->f, "event=die", &e) < 0 ||
	    events_filter_add(&x->f, "event=destroy", &e) < 0)
		goto answer;
	/* what is written already, without a watch to close */
	if (events_read(r->c, &x->f, false, on_event, x, &e) < 0)
		x->done = record_says_done(r, &x->w);
	if (!x->done && !x->gone) {
		rc = follow_detached(x);
		if (rc != -2)
			return rc; /* x is the follower's */
		follow_events(x);
	}
answer:
	answer(x);
	rc = x->answer_rc;
	waiter_free(x);
	return rc;
}
