/* conn.h - one client connection of the API server (private to src/api):
 * the read buffer, the request being parsed by libhttp-parser, and what
 * has been answered.  http.c parses and answers; server.c owns the loop. */
#ifndef BRIG_API_CONN_H
#define BRIG_API_CONN_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>

#include "api.h"

#define API_MAX_HEADERS 64
#define API_MAX_QUERY 64
#define API_MAX_URL 8192
#define API_MAX_BODY (4u << 20)   /* JSON bodies */
#define API_MAX_FILE (16ull << 30) /* image archives */

struct api_header {
	char *name, *value;
};

struct api_conn {
	int fd;
	const struct brig_ctx *c;
	http_parser parser;
	char buf[65536]; /* bytes read, [pos, len) not parsed yet */
	size_t pos, len;
	struct api_request_state {
	char *url;
	size_t url_len;
	struct api_header hdrs[API_MAX_HEADERS];
	size_t n_hdrs;
	bool in_value;
	char *body;
	size_t body_len;
	int body_fd;
	unsigned long long file_len;
	const struct api_route *route;
	char path[API_MAX_URL];
	char *query; /* raw, after '?' */
	char *qbuf;  /* the query's pairs, decoded, each key and value NUL-ended */
	char *qkey[API_MAX_QUERY], *qval[API_MAX_QUERY];
	size_t n_query;
	char *params[API_MAX_PARAMS];
	bool complete, failed;
	int fail_status;
	const char *fail_msg;
	bool replied, streaming;
	} rq; /* the request being parsed and answered: zeroed for the next */
	bool hijacked, keep_alive;
};

/* Read and parse until a whole request is in, answering malformed input
 * with 400 (or 413/431) itself.  1: a request is ready; 0: the client
 * is done (EOF, an error already answered). */
int conn_next_request(struct api_conn *k);

/* Answer the request read: its route's handler, or 501. */
void conn_dispatch(struct api_conn *k);

/* Free the request (after it was answered), keep the connection. */
void conn_request_done(struct api_conn *k);

/* The route for method and path (pattern match, {x} segments into
 * params); NULL when none. */
const struct api_route *api_route_find(const char *method, const char *path,
				       char *params[API_MAX_PARAMS]);

#endif
