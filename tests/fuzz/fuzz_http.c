/* fuzz_http - brig serve's request reader (src/api/http.c over
 * libhttp-parser, src/api/router.c): any bytes on a connection, read as
 * pipelined requests and answered, must end in answers or a closed
 * connection, never a crash or a leak.  The route tables are stand-ins:
 * one JSON route, one with its body in a file, one with {x*}. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"

static int echo(struct api_req *r)
{
	json_t *doc = api_body_json(r);

	if (!doc)
		return 0;
	json_object_set_new(doc, "p0", json_string(r->params[0] ? r->params[0] : ""));
	json_object_set_new(doc, "q", json_string(api_query(r, "q") ? api_query(r, "q") : ""));
	return api_reply_json(r, 200, doc);
}

static int sink(struct api_req *r)
{
	char buf[4096];

	while (r->body_fd >= 0 && read(r->body_fd, buf, sizeof(buf)) > 0)
		;
	if (api_stream_begin(r, 200, "application/json") < 0)
		return -1;
	api_stream_write(r, "{}\n", 3);
	return api_stream_end(r);
}

const struct api_route api_system_routes[] = {
	{ "POST", "/echo/{id}", echo, 0 },
	{ "POST", "/load", sink, API_BODY_FILE },
	{ "GET", "/images/{name*}/json", echo, 0 },
	{ NULL, NULL, NULL, 0 },
};
static const struct api_route none[] = { { NULL, NULL, NULL, 0 } };
const struct api_route api_container_routes[1], api_stream_routes[1], api_exec_routes[1],
	api_image_routes[1], api_network_routes[1], api_volume_routes[1], api_brig_routes[1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct brig_ctx c = { .root = "/tmp/fuzz_http_root", .runroot = "/tmp" };
	struct api_conn *k;
	int sv[2];

	(void)none;
	if (size > 100000 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	int big = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (write(sv[0], data, size) != (ssize_t)size) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	fcntl(sv[1], F_SETFL, O_NONBLOCK); /* an answer nobody reads fails, never blocks */
	k = calloc(1, sizeof(*k));
	k->fd = sv[1];
	k->c = &c;
	k->rq.body_fd = -1;
	while (!k->hijacked && conn_next_request(k) == 1) {
		conn_dispatch(k);
		conn_request_done(k);
		if (!k->keep_alive)
			break;
	}
	conn_request_done(k);
	close(sv[1]);
	close(sv[0]);
	free(k);
	return 0;
}
