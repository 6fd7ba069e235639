/* http.c - a request read with libhttp-parser (bounded: URL, header
 * count, header bytes, body), and the answers: whole documents, chunked
 * streams, and the raw socket for attach and exec. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "io.h"

bool api_debug;

/* ---- parsing ---- */

static struct api_conn *of(http_parser *p)
{
	return p->data;
}

static int fail(struct api_conn *k, int status, const char *msg)
{
	k->rq.failed = true;
	k->rq.fail_status = status;
	k->rq.fail_msg = msg;
	return 1; /* stops the parser */
}

static int append(char **s, size_t *len, const char *at, size_t n, size_t max)
{
	char *t;

	if (*len + n > max)
		return -1;
	t = realloc(*s, *len + n + 1);
	if (!t)
		return -1;
	memcpy(t + *len, at, n);
	*len += n;
	t[*len] = '\0';
	*s = t;
	return 0;
}

static int on_url(http_parser *p, const char *at, size_t n)
{
	struct api_conn *k = of(p);

	return append(&k->rq.url, &k->rq.url_len, at, n, API_MAX_URL - 1) < 0 ?
		fail(k, 414, "the URL is too long") : 0;
}

static int add_piece(struct api_conn *k, bool value, const char *at, size_t n)
{
	struct api_header *h;
	size_t len;

	if (!value && (k->rq.in_value || k->rq.n_hdrs == 0)) {
		if (k->rq.n_hdrs == API_MAX_HEADERS)
			return fail(k, 431, "too many headers");
		k->rq.n_hdrs++;
	}
	k->rq.in_value = value;
	h = &k->rq.hdrs[k->rq.n_hdrs - 1];
	len = value ? (h->value ? strlen(h->value) : 0) : (h->name ? strlen(h->name) : 0);
	if (append(value ? &h->value : &h->name, &len, at, n, 65536) < 0)
		return fail(k, 431, "a header is too large");
	return 0;
}

static int on_field(http_parser *p, const char *at, size_t n)
{
	return add_piece(of(p), false, at, n);
}

static int on_value(http_parser *p, const char *at, size_t n)
{
	struct api_conn *k = of(p);

	if (k->rq.n_hdrs == 0)
		return fail(k, 400, "a header value without a name");
	return add_piece(k, true, at, n);
}

static int hexval(int ch)
{
	return isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10;
}

/* %XX and '+' (in a query) decoded in place. */
static void decode(char *s, bool plus)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			*w++ = (char)(hexval((unsigned char)s[1]) << 4 | hexval((unsigned char)s[2]));
			s += 2;
		} else {
			*w++ = plus && *s == '+' ? ' ' : *s;
		}
	}
	*w = '\0';
}

/* "/v1.41/containers/json" -> "/containers/json" */
static const char *unversioned(const char *path)
{
	const char *s = path;

	if (s[0] != '/' || s[1] != 'v' || !isdigit((unsigned char)s[2]))
		return path;
	for (s += 2; isdigit((unsigned char)*s) || *s == '.'; s++)
		;
	return *s == '/' ? s : path;
}

static int body_to_file(struct api_conn *k)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/tmp", k->c->root);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) /* a fresh root has none yet */
		return fail(k, 500, "cannot hold the request body");
	k->rq.body_fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return k->rq.body_fd < 0 ? fail(k, 500, "cannot hold the request body") : 0;
}

/* The query's pairs, decoded once: values stay valid for the request. */
static int split_query(struct api_conn *k)
{
	struct api_request_state *q = &k->rq;
	char *save = NULL;

	if (!q->query || !*q->query)
		return 0;
	if (!(q->qbuf = strdup(q->query)))
		return fail(k, 500, "out of memory");
	for (char *t = strtok_r(q->qbuf, "&", &save); t; t = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(t, '=');
		if (q->n_query == API_MAX_QUERY)
			return fail(k, 414, "too many query parameters");
		if (eq)
			*eq++ = '\0';
		decode(t, true);
		if (eq)
			decode(eq, true);
		q->qkey[q->n_query] = t;
		q->qval[q->n_query++] = eq ? eq : t + strlen(t);
	}
	return 0;
}

static int on_headers(http_parser *p)
{
	struct api_conn *k = of(p);
	char *q;

	if (!k->rq.url)
		return fail(k, 400, "no URL");
	q = strchr(k->rq.url, '?');
	if (q)
		*q++ = '\0';
	k->rq.query = q;
	if (split_query(k))
		return -1;
	decode(k->rq.url, false);
	snprintf(k->rq.path, sizeof(k->rq.path), "%s", unversioned(k->rq.url));
	k->rq.route = api_route_find(http_method_str(p->method), k->rq.path, k->rq.params);
	/* 1 would tell the parser "no body": an error stops it instead */
	if (k->rq.route && (k->rq.route->flags & API_BODY_FILE) && body_to_file(k))
		return -1;
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct api_conn *k = of(p);

	if (k->rq.body_fd >= 0) {
		k->rq.file_len += n;
		if (k->rq.file_len > API_MAX_FILE)
			return fail(k, 413, "the request body is too large");
		return write_all(k->rq.body_fd, at, n) < 0 ? fail(k, 500, "cannot hold the request body")
							: 0;
	}
	return append(&k->rq.body, &k->rq.body_len, at, n, API_MAX_BODY) < 0 ?
		fail(k, 413, "the request body is too large") : 0;
}

static int on_complete(http_parser *p)
{
	struct api_conn *k = of(p);

	k->rq.complete = true;
	k->keep_alive = http_should_keep_alive(p);
	http_parser_pause(p, 1); /* what follows is the next request, or a stream */
	return 0;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

void conn_request_done(struct api_conn *k)
{
	struct api_request_state *q = &k->rq;

	for (size_t i = 0; i < q->n_hdrs; i++) {
		free(q->hdrs[i].name);
		free(q->hdrs[i].value);
	}
	free(q->url);
	free(q->qbuf);
	free(q->body);
	if (q->body_fd >= 0)
		close(q->body_fd);
	for (size_t i = 0; i < API_MAX_PARAMS; i++)
		free(q->params[i]);
	*q = (struct api_request_state){ .body_fd = -1 };
	memmove(k->buf, k->buf + k->pos, k->len - k->pos);
	k->len -= k->pos;
	k->pos = 0;
	/* the parser asserts when a parser in error is unpaused */
	if (HTTP_PARSER_ERRNO(&k->parser) == HPE_PAUSED)
		http_parser_pause(&k->parser, 0);
}

static void answer_failure(struct api_conn *k)
{
	struct api_req r = { .c = k->c, .conn = k, .body_fd = -1 };

	k->keep_alive = false;
	api_reply_error(&r, k->rq.fail_status ? k->rq.fail_status : 400, "%s",
			k->rq.fail_msg ? k->rq.fail_msg : "malformed request");
}

static int parse_error(struct api_conn *k)
{
	enum http_errno err = HTTP_PARSER_ERRNO(&k->parser);

	if (!k->rq.failed) {
		k->rq.fail_status = err == HPE_HEADER_OVERFLOW ? 431 : 400;
		k->rq.fail_msg = http_errno_description(err);
	}
	answer_failure(k);
	return 0;
}

int conn_next_request(struct api_conn *k)
{
	if (k->parser.data != k) {
		http_parser_init(&k->parser, HTTP_REQUEST);
		k->parser.data = k;
	}
	for (;;) {
		size_t n = k->len - k->pos, used;
		if (n > 0) {
			used = http_parser_execute(&k->parser, &settings, k->buf + k->pos, n);
			k->pos += used;
			if (k->rq.failed)
				return parse_error(k);
			if (k->rq.complete)
				return 1;
			if (HTTP_PARSER_ERRNO(&k->parser) != HPE_OK)
				return parse_error(k);
		}
		k->pos = k->len = 0;
		ssize_t got = read(k->fd, k->buf, sizeof(k->buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		k->len = (size_t)got;
	}
}

/* ---- the request ---- */

const char *api_header(const struct api_req *r, const char *name)
{
	for (size_t i = 0; i < r->conn->rq.n_hdrs; i++)
		if (r->conn->rq.hdrs[i].name && strcasecmp(r->conn->rq.hdrs[i].name, name) == 0)
			return r->conn->rq.hdrs[i].value ? r->conn->rq.hdrs[i].value : "";
	return NULL;
}

/* The query's key=value pairs are decoded into a scratch copy each time:
 * queries are short. */
const char *api_query(const struct api_req *r, const char *key)
{
	return api_query_nth(r, key, 0);
}

const char *api_query_nth(const struct api_req *r, const char *key, size_t nth)
{
	const struct api_request_state *q = &r->conn->rq;

	for (size_t i = 0; i < q->n_query; i++)
		if (strcmp(q->qkey[i], key) == 0 && nth-- == 0)
			return q->qval[i];
	return NULL;
}

bool api_query_bool(const struct api_req *r, const char *key)
{
	const char *v = api_query(r, key);

	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0);
}

long api_query_long(const struct api_req *r, const char *key, long dflt)
{
	const char *v = api_query(r, key);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || *end ? dflt : n;
}

json_t *api_body_json(struct api_req *r)
{
	json_error_t je;
	json_t *doc;

	if (!r->body || r->body_len == 0)
		return json_object();
	doc = json_loadb(r->body, r->body_len, 0, &je);
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		api_reply_error(r, 400, "invalid JSON in the request body: %s",
				doc ? "not an object" : je.text);
		return NULL;
	}
	return doc;
}

bool api_client_gone(struct api_req *r)
{
	struct pollfd p = { r->conn->fd, POLLRDHUP, 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* ---- answers ---- */

static const char *reason(int status)
{
	return status == 101 ? "UPGRADED" : http_status_str((enum http_status)status);
}

static int send_all(struct api_conn *k, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(k->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			k->keep_alive = false;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The status line and the headers every answer has; extra ends "\r\n". */
static int head(struct api_req *r, int status, const char *extra)
{
	struct api_conn *k = r->conn;
	char h[1024];
	int n;

	k->rq.replied = true;
	if (api_debug)
		fprintf(stderr, "brig serve: %s %s -> %d\n", r->method ? r->method : "?",
			k->rq.path[0] ? k->rq.path : "?", status);
	n = snprintf(h, sizeof(h),
		     "HTTP/1.1 %d %s\r\nApi-Version: " API_VERSION "\r\n"
		     "Docker-Experimental: false\r\nOstype: linux\r\n"
		     "Server: brig/" BRIG_SERVER_VERSION " (linux)\r\n%s%s\r\n",
		     status, reason(status), k->keep_alive ? "" : "Connection: close\r\n", extra);
	return send_all(k, h, (size_t)n);
}

int api_reply_raw(struct api_req *r, int status, const char *ctype, const void *buf,
		  size_t len)
{
	char extra[256];

	if (ctype)
		snprintf(extra, sizeof(extra), "Content-Type: %s\r\nContent-Length: %zu\r\n", ctype,
			 len);
	else
		snprintf(extra, sizeof(extra), "Content-Length: %zu\r\n", len);
	if (head(r, status, extra) < 0)
		return -1;
	return len && strcmp(r->method ? r->method : "", "HEAD") != 0 ?
		send_all(r->conn, buf, len) : 0;
}

int api_reply_json(struct api_req *r, int status, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	int rc;

	json_decref(doc);
	if (!text)
		return api_reply_raw(r, 500, "application/json", "{\"message\":\"out of memory\"}\n",
				     27);
	rc = api_reply_raw(r, status, "application/json", text, strlen(text));
	free(text);
	return rc;
}

int api_reply_error(struct api_req *r, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return api_reply_json(r, status, json_pack("{s:s}", "message", msg));
}

int api_reply_err(struct api_req *r, const struct brig_err *e)
{
	int status;

	switch (e->code) {
	case ENOENT:
	case ESRCH:
		status = 404;
		break;
	case EEXIST:
	case EBUSY:
	case ENOTEMPTY:
		status = 409;
		break;
	case EINVAL:
	case ERANGE:
	case E2BIG:
		status = 400;
		break;
	default:
		status = 500;
	}
	return api_reply_error(r, status, "%s", e->msg);
}

int api_reply_empty(struct api_req *r, int status)
{
	return head(r, status, status == 204 || status == 304 ? "" : "Content-Length: 0\r\n");
}

int api_stream_begin(struct api_req *r, int status, const char *ctype)
{
	char extra[256];

	r->conn->rq.streaming = true;
	snprintf(extra, sizeof(extra), "Content-Type: %s\r\nTransfer-Encoding: chunked\r\n", ctype);
	return head(r, status, extra);
}

int api_stream_write(struct api_req *r, const void *buf, size_t len)
{
	char size[32];
	int n;

	if (len == 0)
		return 0;
	n = snprintf(size, sizeof(size), "%zx\r\n", len);
	if (send_all(r->conn, size, (size_t)n) < 0 || send_all(r->conn, buf, len) < 0)
		return -1;
	return send_all(r->conn, "\r\n", 2);
}

int api_stream_json(struct api_req *r, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	size_t len;
	int rc = -1;

	json_decref(doc);
	if (!text)
		return -1;
	len = strlen(text);
	text[len] = '\n'; /* json_dumps' NUL becomes the line's end */
	rc = api_stream_write(r, text, len + 1);
	free(text);
	return rc;
}

int api_stream_end(struct api_req *r)
{
	r->conn->rq.streaming = false;
	return send_all(r->conn, "0\r\n\r\n", 5);
}

void api_hijack_settle(int fd, int max_ms)
{
	int queued;

	for (int i = 0; i < max_ms * 10; i++) {
		if (ioctl(fd, SIOCOUTQ, &queued) < 0 || queued <= 0)
			return;
		usleep(100);
	}
}

int api_hijack(struct api_req *r, const char *ctype, const char **early, size_t *n_early)
{
	struct api_conn *k = r->conn;
	const char *up = api_header(r, "Upgrade");
	char extra[256];
	int fd;

	k->keep_alive = false;
	if (up) {
		snprintf(extra, sizeof(extra),
			 "Content-Type: %s\r\nConnection: Upgrade\r\nUpgrade: %s\r\n", ctype, up);
		k->keep_alive = true; /* no "Connection: close" beside the upgrade */
	} else {
		snprintf(extra, sizeof(extra), "Content-Type: %s\r\n", ctype);
	}
	if (head(r, up ? 101 : 200, extra) < 0)
		return -1;
	k->keep_alive = false;
	k->hijacked = true;
	*early = k->buf + k->pos;
	*n_early = k->len - k->pos;
	k->pos = k->len;
	fd = k->fd;
	k->fd = -1;
	return fd;
}
