/* client.h - brig's CLI as a client of brig serve (docs/api.md).
 *
 * An unprivileged user whose brig can reach the daemon's socket
 * (CLIENT_SOCKET), and anyone who names one with -H unix://PATH or
 * $BRIG_HOST, runs `brig run`, `ps`, `exec`, `logs`, `stop`, `kill`, `rm`,
 * `inspect`, `image ls` and `network ls|create|rm` through the daemon; the
 * commands parse their options and print exactly as they do locally, and
 * only the engine call between is replaced by one of these, each shaped as
 * the engine function it stands for.  Requests go through libcurl
 * (curl_lazy.h); the upgraded streams of attach and exec start through a
 * raw socket (client_run.c).  The daemon answers errors as Docker's
 * {"message"}: the engine's own text, reported as the local path does. */
#ifndef BRIG_CLIENT_H
#define BRIG_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "exec.h"
#include "inspect.h"
#include "logs.h"
#include "network.h"
#include "spec.h"

/* Where brig serve listens unless told otherwise (serve.h's default for
 * the default runroot). */
#define CLIENT_SOCKET "/run/brig/brig.sock"

/* brig's ready hook (main.c), once the global options are parsed: with -H
 * or $BRIG_HOST, c->host becomes its socket path (EINVAL for anything but
 * unix://PATH); an unprivileged user whose brig can connect to
 * CLIENT_SOCKET gets c->host = CLIENT_SOCKET; otherwise c->host is NULL
 * and rootless_enter() runs as before (nothing for root). */
int client_ready(struct brig_ctx *c, struct brig_err *e);

/* Whether command name of group ("" for brig's own, "image", "network")
 * goes through the daemon: true for a group with such subcommands. */
bool client_serves(const char *group, const char *name);

/* "brig: COMMAND needs root, or run it as root: brig serve does not serve
 * it"; returns EXIT_BRIG. */
int client_refuse(const char *group, const char *name);

/* ---- requests (client.c) ---- */

/* method path (with its query) with body (JSON, may be NULL) to the
 * daemon; the answer's JSON in *answer when answer is not NULL (NULL for
 * an empty body).  Returns the HTTP status (< 300), or negative with e
 * filled: the daemon's message for an error status (errno from the
 * status: 404 ENOENT, 409 EBUSY, 400 EINVAL, others EIO), or why the
 * daemon could not be reached. */
int client_call(const struct brig_ctx *c, const char *method, const char *path, json_t *body,
		json_t **answer, struct brig_err *e);

/* Where the body of a streamed answer goes; < 0 stops the transfer. */
typedef int (*client_sink)(void *arg, const char *buf, size_t len);

/* As client_call without a body, the answer's body handed to sink as it
 * arrives (logs -f, wait); a 2xx status is success.  head (may be NULL)
 * is called with arg once the answer's headers are in: a wait is then
 * registered, before the container starts. */
int client_stream(const struct brig_ctx *c, const char *method, const char *path,
		  void (*head)(void *arg), client_sink sink, void *arg, struct brig_err *e);

/* "cannot reach brig serve at PATH: why" into e. */
int client_unreachable(const struct brig_ctx *c, const char *why, struct brig_err *e);

/* The HTTP status of a Docker API error as an errno (see client_call). */
int client_status_errno(long status);

/* ---- the engine calls, through the daemon (client_ops.c) ---- */

int client_container_list(const struct brig_ctx *c, bool all, struct container_summary **v,
			  size_t *n, struct brig_err *e);
int client_container_list_json(const struct brig_ctx *c, bool all, json_t **doc,
			       struct brig_err *e);
int client_container_inspect(const struct brig_ctx *c, char *const *refs, size_t n, json_t **docs,
			     void (*on_error)(void *arg, const struct brig_err *e), void *arg,
			     struct brig_err *e);
int client_container_stop(const struct brig_ctx *c, const char *ref, int timeout,
			  struct brig_err *e);
int client_container_kill(const struct brig_ctx *c, const char *ref, int sig, struct brig_err *e);
/* rm: refused while it runs unless force (container_remove_ref) */
int client_container_remove(const struct brig_ctx *c, const char *ref, bool force, bool volumes,
			    struct brig_err *e);
int client_container_logs(const struct brig_ctx *c, const char *ref, const struct logs_opts *o,
			  logs_sink sink, void *arg, struct brig_err *e);
int client_images_list(const struct brig_ctx *c, json_t **out, struct brig_err *e);
int client_network_summaries(const struct brig_ctx *c, struct network_summary **v, size_t *n,
			     struct brig_err *e);
int client_network_inspect(const struct brig_ctx *c, const char *name, json_t **doc,
			   struct brig_err *e);
int client_network_create(const struct brig_ctx *c, const struct network_request *req,
			  struct brig_err *e);
int client_network_remove(const struct brig_ctx *c, const char *name, struct brig_err *e);

/* ---- run and exec (client_run.c): whole commands, their exit status ---- */

/* `brig run` of the parsed spec o: create, then with -d start and print
 * the id; else attach (before the start, so no output is lost), wait,
 * start, relay our terminal or stdio, and return the container's exit
 * status (125 when brig failed, 126/127 when its command could not run). */
int client_run(const struct brig_ctx *c, struct container_spec *o);

/* `brig exec` of req (interactive: our stdin goes to it) in ref; its exit
 * status. */
int client_exec(const struct brig_ctx *c, const char *ref, const struct exec_request *req,
		bool interactive);

#endif
