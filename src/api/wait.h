/* wait.h - POST /containers/ID/wait: Docker's three conditions. */
#ifndef BRIG_API_WAIT_H
#define BRIG_API_WAIT_H

#include "api.h"
#include "util.h"

enum api_wait_cond { WAIT_NOT_RUNNING, WAIT_NEXT_EXIT, WAIT_REMOVED };

struct api_wait {
	char id[BRIG_ID_LEN + 1];
	enum api_wait_cond cond;
	int64_t since_ns; /* when the wait began: its events are replayed */
	bool running;
	int exit_code;
};

/* Resolve ref and note how it stands now; ENOENT, or EINVAL for an
 * unknown condition. */
int api_wait_prepare(const struct brig_ctx *c, const char *ref, const char *cond,
		     struct api_wait *w, struct brig_err *e);

/* Until the condition holds or the client is gone, then the answer on
 * r's stream (begun by the caller): {"StatusCode":N,"Error":null}, or
 * StatusCode -1 when cut short, and the stream's end.  <0: the client is
 * gone (drop the connection). */
int api_wait_until(struct api_req *r, struct api_wait *w);

#endif
