/* api.h - what a handler of the Docker Engine API sees: the request (method,
 * path, the route's {x} segments, the query, the body) and the ways to
 * answer it (a JSON document, an error, a chunked stream, or the raw
 * socket for attach and exec).  server.c reads requests and calls the
 * handlers; http.c writes the answers. */
#ifndef BRIG_API_H
#define BRIG_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "util.h"

#define API_VERSION "1.44"     /* what /version reports */
#define API_MIN_VERSION "1.24" /* lets Debian's docker 20.10 (1.41) and newer in */
#define API_MAX_PARAMS 4
#define BRIG_SERVER_VERSION "0.16.0"

struct api_conn;

struct api_req {
	const struct brig_ctx *c;
	const char *method;
	const char *path;                     /* without /vN.NN and the query */
	const char *params[API_MAX_PARAMS];   /* the route's {x} segments, decoded */
	char *body;                           /* NUL-terminated; NULL when none */
	size_t body_len;
	int body_fd;   /* API_BODY_FILE routes: the body in an unlinked file, at 0 */
	struct api_conn *conn;
};

typedef int (*api_handler)(struct api_req *r); /* 0: answered; <0: drop the client */

enum {
	API_BODY_FILE = 1, /* the body may be large (images/load): to a file */
};

struct api_route {
	const char *method;  /* "GET", "POST", "DELETE", "HEAD"; NULL ends a table */
	const char *pattern; /* "/containers/{id}/start" */
	api_handler fn;
	unsigned flags;
};

/* The route tables, one per h_*.c. */
extern const struct api_route api_system_routes[];
extern const struct api_route api_container_routes[];
extern const struct api_route api_stream_routes[];
extern const struct api_route api_exec_routes[];
/* POST /containers/{id}/exec for brig's client: its start answers a failed
 * start with an HTTP status (404: not found, 400: cannot run) */
int api_exec_create_brig(struct api_req *r);
extern const struct api_route api_image_routes[];
extern const struct api_route api_network_routes[];
extern const struct api_route api_volume_routes[];
extern const struct api_route api_brig_routes[]; /* h_brig.c: brig's CLI as a client */

/* The query's value of key, %-decoded; NULL when absent. */
const char *api_query(const struct api_req *r, const char *key);
/* The nth (from 0) value of a repeated key (?names=a&names=b), as
 * api_query; NULL past the last.  Valid until the next api_query*. */
const char *api_query_nth(const struct api_req *r, const char *key, size_t nth);
/* "1", "true", "True": true; absent or anything else: false. */
bool api_query_bool(const struct api_req *r, const char *key);
long api_query_long(const struct api_req *r, const char *key, long dflt);
/* A request header (case-insensitive name); NULL when absent. */
const char *api_header(const struct api_req *r, const char *name);
/* The body as JSON ({} when empty); NULL after answering 400. */
json_t *api_body_json(struct api_req *r);

/* Whether the client hung up (for a long wait or stream). */
bool api_client_gone(struct api_req *r);

/* Answers.  Each returns 0, or < 0 when the client is gone. */
int api_reply_json(struct api_req *r, int status, json_t *doc); /* steals doc */
int api_reply_error(struct api_req *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* e's message with the status its errno maps to: ENOENT 404, EEXIST,
 * EBUSY and ENOTEMPTY 409, EINVAL, ERANGE and E2BIG 400, others 500. */
int api_reply_err(struct api_req *r, const struct brig_err *e);
int api_reply_empty(struct api_req *r, int status);
int api_reply_raw(struct api_req *r, int status, const char *ctype, const void *buf,
		  size_t len);

/* A chunked stream: begin, writes (each one chunk), end. */
int api_stream_begin(struct api_req *r, int status, const char *ctype);
int api_stream_write(struct api_req *r, const void *buf, size_t len);
int api_stream_json(struct api_req *r, json_t *doc); /* one line; steals doc */
int api_stream_end(struct api_req *r);

/* Take the connection over (attach, exec start): answers 101 UPGRADED
 * when the client asked to upgrade, else 200 with ctype and no length,
 * and returns the socket, which the caller now owns (close it when done);
 * bytes the client sent past the request are in *early (r's memory,
 * *n_early of them) to be handled as the first input. */
int api_hijack(struct api_req *r, const char *ctype, const char **early, size_t *n_early);

/* Wait, at most max_ms, until the client has read all we sent on the
 * hijacked fd (SIOCOUTQ: a unix socket's bytes not yet taken by the
 * peer).  The Python SDK reads the stream from the raw socket, past the
 * buffer that read the answer's head: bytes that arrive while it reads the
 * head are lost to it. */
void api_hijack_settle(int fd, int max_ms);

/* Answer a resize (?h=&w=) by setting fd's window size (a tty; -1: none,
 * answered 200 all the same). */
int api_resize_fd(int fd, struct api_req *r);

/* Create a container for spec that waits for its start (docker create):
 * its record kept as created; a record that cannot be kept is removed.
 * Its full id in id. */
struct container_spec;
int api_create(const struct brig_ctx *c, const struct container_spec *spec,
	       char id[BRIG_ID_LEN + 1], struct brig_err *e);

/* Start container ref by a monitor of its own (double-forked: init's
 * child, so the daemon may restart), handing it the clients attached
 * before the start.  On failure *code is the exit status a local run
 * would give (125, 126, 127). */
int api_start(const struct brig_ctx *c, const char *ref, int *code, struct brig_err *e);

/* Engine calls that fork or use netlink/nftables run one at a time, so no
 * fork happens while another thread holds a library's lock. */
void api_engine_lock(void);
void api_engine_unlock(void);

/* --debug: one line per request on stderr. */
extern bool api_debug;

#endif
