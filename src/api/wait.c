/* wait.c - a container's wait: polled from its record, the client's
 * socket watched so a client that leaves ends the wait. */
#include <poll.h>
#include <string.h>

#include "conn.h"
#include "container.h"
#include "state.h"
#include "wait.h"

#define POLL_MS 5

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
	if (state_resolve(c, ref, w->id, e) < 0 || state_load(c, w->id, NULL, &st, e) < 0)
		return brig_errf(e, ENOENT, "No such container: %s", ref);
	snprintf(w->started, sizeof(w->started), "%s", st.started);
	w->running = !container_settled(&st);
	w->exit_code = st.has_exit ? st.exit_code : 0;
	return 0;
}

static bool client_gone(struct api_req *r, int ms)
{
	struct pollfd p = { r->conn->fd, POLLRDHUP, 0 };

	return poll(&p, 1, ms) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Whether w's condition holds for the record's state now. */
static bool holds(struct api_wait *w, const struct container_state *st, bool gone)
{
	bool settled = gone || container_settled(st);

	if (!gone && st->has_exit)
		w->exit_code = st->exit_code;
	switch (w->cond) {
	case WAIT_NOT_RUNNING:
		return settled;
	case WAIT_NEXT_EXIT:
		return settled && (w->running || gone || strcmp(st->started, w->started) != 0);
	case WAIT_REMOVED:
		return gone;
	}
	return false;
}

int api_wait_until(struct api_req *r, struct api_wait *w)
{
	for (;;) {
		struct container_state st = { 0 };
		struct brig_err e;
		bool gone = state_load(r->c, w->id, NULL, &st, &e) < 0;
		if (holds(w, &st, gone))
			return 0;
		if (client_gone(r, POLL_MS))
			return -1;
	}
}
