/* wait.c - a container's wait, from its events: the die event carries the
 * exit code (so a --rm container's is known after its record is gone),
 * destroy ends a wait for removal.  Events since the wait began are
 * replayed, so an exit between the check and the read is not missed; the
 * client's socket is watched on the reader's heartbeat. */
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
	/* a running container's die may be out before its record says so
	 * (container_finish tells first, then releases, then saves): read
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

struct waiter {
	struct api_req *r;
	struct api_wait *w;
	bool done, gone;
};

static int on_event(void *arg, json_t *ev)
{
	struct waiter *x = arg;
	const char *action, *code;

	if (!ev) { /* the reader's heartbeat: the client, and the record */
		x->gone = api_client_gone(x->r);
		x->done = !x->gone && record_says_done(x->r, x->w);
		return x->gone || x->done ? -1 : 0;
	}
	action = json_string_value(json_object_get(ev, "Action"));
	code = json_string_value(
		json_object_get(json_object_get(json_object_get(ev, "Actor"), "Attributes"), "exitCode"));
	if (action && strcmp(action, "die") == 0) {
		x->w->exit_code = code ? atoi(code) : 0;
		x->done = x->w->cond != WAIT_REMOVED;
	} else if (action && strcmp(action, "destroy") == 0) {
		x->done = true;
	}
	return x->done ? -1 : 0;
}

int api_wait_until(struct api_req *r, struct api_wait *w)
{
	struct events_filter f = { .has_since = true, .since = w->since_ns };
	struct waiter x = { .r = r, .w = w };
	char kv[BRIG_ID_LEN + 16];
	struct brig_err e;

	if (w->cond == WAIT_NOT_RUNNING && !w->running)
		return 0;
	snprintf(kv, sizeof(kv), "container=%s", w->id);
	if (events_filter_add(&f, "type=container", &e) < 0 || events_filter_add(&f, kv, &e) < 0 ||
	    events_filter_add(&f, "event=die", &e) < 0 ||
	    events_filter_add(&f, "event=destroy", &e) < 0) {
		events_filter_free(&f);
		return -1;
	}
	while (!x.done && !x.gone) {
		int rc = events_read(r->c, &f, true, on_event, &x, &e);
		if (rc < 0 && !x.done && !x.gone && !(x.done = record_says_done(r, w)))
			usleep(100000); /* the event file unreadable: poll the record */
	}
	events_filter_free(&f);
	return x.done ? 0 : -1;
}
