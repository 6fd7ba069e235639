/* serve.h - `brig serve`: the Docker Engine API on a unix socket.  The
 * one header of src/api the CLI includes (its entry point). */
#ifndef BRIG_SERVE_H
#define BRIG_SERVE_H

#include <stdbool.h>

#include "ctx.h"

struct api_serve_opts {
	const char *socket; /* NULL: <runroot>/brig.sock */
	const char *group;  /* NULL: "brig" */
	bool debug;         /* a line per request on stderr */
};

/* Listen and serve until SIGINT or SIGTERM; the socket is removed then.
 * Returns 0, or negative with e filled when it could not listen. */
int api_serve(const struct brig_ctx *c, const struct api_serve_opts *o, struct brig_err *e);

#endif
