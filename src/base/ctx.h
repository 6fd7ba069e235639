/* ctx.h - where brig keeps its state, and the exit statuses of the
 * command-line contract: shared by every layer above the base. */
#ifndef BRIG_CTX_H
#define BRIG_CTX_H

#include "err.h"

#define EXIT_BRIG 125       /* brig itself failed */
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

struct brig_ctx {
	const char *root;    /* persistent root: images, containers, networks */
	const char *runroot; /* runtime root: locks, leases, pids */
	const char *self;    /* /proc/self/exe resolved, for re-exec of helpers */
	const char *host;    /* -H/$BRIG_HOST unix://PATH; once the CLI chose: the socket
			      * of brig serve its commands go through, NULL: local */
};

/* main()'s argv, so a process that stays brig inside a container (the
 * --init) can rename itself; NULL in unit tests. */
extern char **brig_argv;

#endif
