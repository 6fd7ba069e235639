/* client_proto.h - the pure parts of brig's client of brig serve
 * (client.h): the -H value, Docker's stdcopy frames, and the head of an
 * HTTP answer read from a raw socket (an upgraded attach or exec start).
 * No I/O: unit-tested (tests/unit/test_client.c) and fuzzed
 * (tests/fuzz/fuzz_client.c). */
#ifndef BRIG_CLIENT_PROTO_H
#define BRIG_CLIENT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CLIENT_PATH_MAX 108 /* sun_path */

/* The socket path of a -H or $BRIG_HOST value: "unix:///run/x.sock" is
 * "/run/x.sock".  Only unix sockets with an absolute path that fits a
 * sockaddr_un; EINVAL otherwise, in one line that names the value. */
int client_parse_host(const char *url, char path[CLIENT_PATH_MAX], struct brig_err *e);

/* s %-escaped for a URL's path or query (all but RFC 3986's unreserved
 * characters) into out, cut to whole escapes within len (NUL included). */
void client_escape(const char *s, char *out, size_t len);

/* A reader of Docker's stdcopy stream, fed any slices of it: each frame
 * is an 8-byte header {stream (0 stdin, 1 stdout, 2 stderr), 0, 0, 0,
 * size as big-endian u32} and size bytes of payload.  Zero it to start. */
struct stdcopy_reader {
	unsigned char hdr[8];
	size_t have;   /* bytes of hdr read */
	uint32_t left; /* payload bytes of the current frame still to come */
	int stream;
};

/* Where a frame's payload goes (in pieces, as it arrives; the reader's
 * left is 0 with a frame's last piece); < 0 stops. */
typedef int (*stdcopy_out)(void *arg, int stream, const char *buf, size_t len);

/* Feed len bytes: 0, or -1 with errno EPROTO for a bad header (a stream
 * above 2, non-zero padding), or out's refusal (-1, errno kept). */
int stdcopy_feed(struct stdcopy_reader *r, const char *buf, size_t len, stdcopy_out out,
		 void *arg);

/* True between frames (a stream may end here). */
bool stdcopy_at_boundary(const struct stdcopy_reader *r);

/* The head of an HTTP/1.x answer. */
struct http_answer {
	int status;           /* 101, 200, 404 ... */
	char ctype[128];      /* Content-Type, "" when none */
	long length;          /* Content-Length, -1 when none */
	bool chunked;         /* Transfer-Encoding: chunked */
	bool upgraded;        /* Upgrade: given (with a 101) */
};

#define HTTP_HEAD_MAX 16384

/* Parse the head at the start of buf[0..len): the length of the head with
 * its blank line when it is complete, 0 when more is needed (and len <
 * HTTP_HEAD_MAX), -1 when it is no HTTP answer or too long. */
long http_answer_parse(const char *buf, size_t len, struct http_answer *a);

#endif
