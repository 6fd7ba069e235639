/* client.c - whether brig goes through brig serve, and its requests over
 * libcurl (client.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "client_proto.h"
#include "cleanup.h"
#include "curl_lazy.h"
#include "rootless_ctl.h"

/* The commands the daemon serves, "GROUP NAME" for a group's. */
static const char *const served[] = {
	"run", "ps", "exec", "logs", "stop", "kill", "rm", "inspect",
	"image ls", "image list", "network ls", "network create", "network rm", "events",
};

bool client_serves(const char *group, const char *name)
{
	char full[128];
	size_t n = (size_t)snprintf(full, sizeof(full), "%s%s%s", group, *group ? " " : "", name);

	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		if (strcmp(served[i], full) == 0 ||
		    (strncmp(served[i], full, n) == 0 && served[i][n] == ' '))
			return true;
	return false;
}

int client_refuse(const char *group, const char *name)
{
	return brig_fail("%s%s%s needs root, or run it as root: brig serve does not serve it", group,
			 *group ? " " : "", name);
}

/* Whether a daemon answers at path: a connect, nothing sent. */
static bool reachable(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	return fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

int client_ready(struct brig_ctx *c, struct brig_err *e)
{
	static char path[CLIENT_PATH_MAX];

	if (c->host) {
		if (client_parse_host(c->host, path, e) < 0)
			return -e->code;
		c->host = path;
		return 0;
	}
	if (geteuid() != 0 && reachable(CLIENT_SOCKET)) {
		c->host = CLIENT_SOCKET;
		return 0;
	}
	return rootless_enter(c, e);
}

/* ---- requests ---- */

int client_status_errno(long status)
{
	switch (status) {
	case 400:
		return EINVAL;
	case 404:
		return ENOENT;
	case 409:
		return EBUSY;
	default:
		return EIO;
	}
}

int client_unreachable(const struct brig_ctx *c, const char *why, struct brig_err *e)
{
	return brig_errf(e, ECONNREFUSED, "cannot reach brig serve at %s: %s", c->host, why);
}

#define ERR_BODY_MAX 65536

/* One transfer: the body to sink when the status is 2xx, else kept in
 * err for the message. */
struct xfer {
	const struct curl_api *api;
	CURL *h;
	client_sink sink;
	void (*head)(void *arg);
	void *arg;
	char *err;
	size_t n_err;
	long status;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (!x->status)
		x->api->easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status >= 200 && x->status < 300)
		return x->sink && x->sink(x->arg, p, len) < 0 ? 0 : len;
	if (!x->err && !(x->err = malloc(ERR_BODY_MAX + 1)))
		return 0;
	if (x->n_err + len > ERR_BODY_MAX)
		len = ERR_BODY_MAX - x->n_err;
	memcpy(x->err + x->n_err, p, len);
	x->n_err += len;
	x->err[x->n_err] = '\0';
	return size * n;
}

/* Each header line; the blank one ends the head. */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (size * n == 2 && p[0] == '\r' && p[1] == '\n' && x->head)
		x->head(x->arg);
	return size * n;
}

/* The daemon's {"message"} (or the status alone) into e. */
static int answer_error(struct xfer *x, struct brig_err *e)
{
	json_t *j = x->err ? json_loads(x->err, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));

	if (msg)
		brig_errf(e, client_status_errno(x->status), "%s", msg);
	else
		brig_errf(e, client_status_errno(x->status), "brig serve answered %ld", x->status);
	json_decref(j);
	return -e->code;
}

/* Why the transfer failed, as the user should read it. */
static int transfer_error(const struct brig_ctx *c, struct xfer *x, CURLcode rc,
			  struct brig_err *e)
{
	long os = 0;

	if (rc == CURLE_COULDNT_CONNECT) {
		x->api->easy_getinfo(x->h, CURLINFO_OS_ERRNO, &os);
		return client_unreachable(c, os ? strerror((int)os) : x->api->easy_strerror(rc), e);
	}
	if (rc == CURLE_GOT_NOTHING)
		return client_unreachable(c, "it closed the connection (it serves root and the "
					     "members of its group)", e);
	return client_unreachable(c, x->api->easy_strerror(rc), e);
}

static void setup(const struct brig_ctx *c, struct xfer *x, const char *method, const char *path,
		  const char *body, struct curl_slist *hdrs)
{
	const struct curl_api *a = x->api;
	char url[4096];

	snprintf(url, sizeof(url), "http://brig%s", path);
	a->easy_setopt(x->h, CURLOPT_UNIX_SOCKET_PATH, c->host);
	a->easy_setopt(x->h, CURLOPT_URL, url);
	a->easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
	a->easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_body);
	a->easy_setopt(x->h, CURLOPT_WRITEDATA, x);
	a->easy_setopt(x->h, CURLOPT_HTTPHEADER, hdrs);
	a->easy_setopt(x->h, CURLOPT_HEADERFUNCTION, on_header);
	a->easy_setopt(x->h, CURLOPT_HEADERDATA, x);
	if (strcmp(method, "POST") == 0) {
		a->easy_setopt(x->h, CURLOPT_POSTFIELDS, body ? body : "");
		a->easy_setopt(x->h, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
	} else if (strcmp(method, "GET") != 0) {
		a->easy_setopt(x->h, CURLOPT_CUSTOMREQUEST, method);
	}
}

/* method path with body (NULL: none) to the daemon, its answer to sink. */
static int transfer(const struct brig_ctx *c, const char *method, const char *path,
		    const char *body, struct xfer x, struct brig_err *e)
{
	struct curl_slist *hdrs = NULL;
	CURLcode rc;
	int r;

	if (!(x.api = curl_api_load(e)))
		return -e->code;
	if (!(x.h = x.api->easy_init()))
		return brig_errf(e, ENOMEM, "curl: cannot make a session");
	hdrs = x.api->slist_append(hdrs, "Content-Type: application/json");
	hdrs = x.api->slist_append(hdrs, "Expect:");
	setup(c, &x, method, path, body, hdrs);
	rc = x.api->easy_perform(x.h);
	if (!x.status)
		x.api->easy_getinfo(x.h, CURLINFO_RESPONSE_CODE, &x.status);
	if (x.status >= 300)
		r = answer_error(&x, e);
	else if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && x.status))
		r = transfer_error(c, &x, rc, e);
	else
		r = (int)x.status;
	x.api->slist_free_all(hdrs);
	x.api->easy_cleanup(x.h);
	free(x.err);
	return r;
}

int client_stream(const struct brig_ctx *c, const char *method, const char *path,
		  void (*head)(void *arg), client_sink sink, void *arg, struct brig_err *e)
{
	struct xfer x = { .sink = sink, .head = head, .arg = arg };

	return transfer(c, method, path, NULL, x, e);
}

struct buf {
	char *p;
	size_t len;
};

static int collect(void *arg, const char *p, size_t len)
{
	struct buf *b = arg;
	char *q = realloc(b->p, b->len + len + 1);

	if (!q)
		return -1;
	memcpy(q + b->len, p, len);
	b->p = q;
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int client_call(const struct brig_ctx *c, const char *method, const char *path, json_t *body,
		json_t **answer, struct brig_err *e)
{
	cleanup_free char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct buf b = { 0 };
	json_error_t je;
	int r;

	if (answer)
		*answer = NULL;
	if (body && !text)
		return brig_errf(e, ENOMEM, "out of memory");
	r = transfer(c, method, path, text, (struct xfer){ .sink = collect, .arg = &b }, e);
	if (r >= 0 && answer && b.len && !(*answer = json_loadb(b.p, b.len, 0, &je)))
		r = brig_errf(e, EPROTO, "brig serve's answer to %s %s: %s", method, path, je.text);
	free(b.p);
	return r;
}
