/* registry_http.c - one registry's HTTP session over libcurl: requests,
 * HTTPS or HTTP, the Basic and Bearer auth flows (registry_http.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "registry_http.h"

#define PING_MAX (64 * 1024)
#define TOKEN_BODY_MAX (1024 * 1024)
#define TOKEN_MAX 16384
#define CONFIG_MAX (1024 * 1024)

/* What the curl callbacks of one request work on. */
struct xfer {
	struct reg_client *cl;
	const struct reg_req *rq;
	struct reg_resp *rs;
	size_t cap;    /* of rs->body */
	uint64_t sent; /* upload bytes so far */
};

static void progress(const struct xfer *x, uint64_t done)
{
	const struct registry_opts *o = x->cl->o;

	if (o->progress && x->rq->progress_digest)
		o->progress(o->arg, x->rq->progress_digest, done, x->rq->progress_total);
}

/* ---- curl callbacks ---- */

static void header_value(char *out, size_t len, const char *v)
{
	if (strlen(v) < len)
		snprintf(out, len, "%s", v);
	else
		out[0] = '\0'; /* a cut value would be a wrong one */
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct reg_resp *rs = x->rs;
	size_t len = size * n, k = len;
	char line[REG_URL_MAX + 64], *v;

	if (k >= sizeof(line))
		k = sizeof(line) - 1;
	memcpy(line, buf, k);
	while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
		k--;
	line[k] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {
		/* A new answer (after a redirect or a 100 Continue). */
		const char *sp = strchr(line, ' ');
		rs->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		rs->content_type[0] = rs->digest[0] = rs->location[0] = rs->err[0] = '\0';
		rs->err_len = 0;
		memset(&rs->challenge, 0, sizeof(rs->challenge));
		return len;
	}
	v = strchr(line, ':');
	if (!v)
		return len;
	*v++ = '\0';
	v += strspn(v, " \t");
	if (!strcasecmp(line, "www-authenticate"))
		reg_challenge_parse(v, &rs->challenge); /* a malformed one is no offer */
	else if (!strcasecmp(line, "docker-content-digest") && digest_valid(v))
		snprintf(rs->digest, sizeof(rs->digest), "%s", v);
	else if (!strcasecmp(line, "location"))
		header_value(rs->location, sizeof(rs->location), v);
	else if (!strcasecmp(line, "content-type"))
		header_value(rs->content_type, sizeof(rs->content_type), v);
	return len;
}

static bool status_ok(long s)
{
	return s >= 200 && s <= 299;
}

static size_t body_to_memory(struct xfer *x, const char *buf, size_t len)
{
	struct reg_resp *rs = x->rs;

	if (rs->len + len > x->rq->mem_max) {
		rs->abort_code = EFBIG;
		return 0;
	}
	if (rs->len + len + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 16384;
		char *nb;
		while (cap < rs->len + len + 1)
			cap *= 2;
		nb = realloc(rs->body, cap);
		if (!nb) {
			rs->abort_code = ENOMEM;
			return 0;
		}
		rs->body = nb;
		x->cap = cap;
	}
	memcpy(rs->body + rs->len, buf, len);
	rs->len += len;
	rs->body[rs->len] = '\0';
	return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct reg_resp *rs = x->rs;
	size_t len = size * n;

	if (!status_ok(rs->status)) {
		/* An error answer: keep its start for the message. */
		size_t k = len < sizeof(rs->err) - 1 - rs->err_len ? len
								   : sizeof(rs->err) - 1 - rs->err_len;
		memcpy(rs->err + rs->err_len, buf, k);
		rs->err_len += k;
		rs->err[rs->err_len] = '\0';
		return len;
	}
	if (x->rq->out_fd < 0)
		return body_to_memory(x, buf, len);
	/* A registry must not fill the disk: no more than the descriptor says. */
	if (rs->written + len > x->rq->out_max) {
		rs->abort_code = EFBIG;
		return 0;
	}
	if (write_all(x->rq->out_fd, buf, len) < 0) {
		rs->abort_code = errno;
		return 0;
	}
	sha256_update(x->rq->out_hash, buf, len);
	rs->written += len;
	progress(x, rs->written);
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	const struct reg_req *rq = x->rq;
	size_t max = size * n;
	ssize_t r;

	if (rq->upload_fd < 0) {
		r = (ssize_t)(rq->data_len - x->sent < max ? rq->data_len - x->sent : max);
		memcpy(buf, rq->data + x->sent, (size_t)r);
	} else {
		do
			r = read(rq->upload_fd, buf, max);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			x->rs->abort_code = errno;
			return CURL_READFUNC_ABORT;
		}
	}
	x->sent += (uint64_t)r;
	progress(x, x->sent);
	return (size_t)r;
}

/* ---- one request ---- */

/* host[:port] of an absolute http(s) URL; false for anything else
 * (user info included: no URL may smuggle credentials or hide its host). */
static bool url_host(const char *url, bool *https, char *out, size_t len)
{
	const char *p, *end;

	if (!strncasecmp(url, "https://", 8))
		*https = true, p = url + 8;
	else if (!strncasecmp(url, "http://", 7))
		*https = false, p = url + 7;
	else
		return false;
	end = p + strcspn(p, "/?#");
	if (end == p || memchr(p, '@', (size_t)(end - p)) || (size_t)(end - p) >= len)
		return false;
	snprintf(out, len, "%.*s", (int)(end - p), p);
	return true;
}

/* Whether url may be fetched, and with certificate checks: plain HTTP and
 * unchecked TLS only to this insecure registry or a loopback address
 * (a token server next to a test registry). */
static int url_policy(const struct reg_client *cl, const char *url, bool *verify,
		      struct brig_err *e)
{
	char host[REF_NAME_MAX];
	bool https, insecure;

	if (!url_host(url, &https, host, sizeof(host)))
		return brig_errf(e, EINVAL, "refusing URL '%.200s'", url);
	insecure = !strcasecmp(host, cl->endpoint) ? cl->insecure : reg_host_loopback(host);
	if (!https && !insecure)
		return brig_errf(e, EPERM, "refusing plain HTTP to %s (not an insecure registry)",
				 host);
	*verify = !insecure;
	return 0;
}

static void set_method(struct reg_client *cl, const struct reg_req *rq, struct xfer *x)
{
	const struct curl_api *c = cl->api;

	if (!strcmp(rq->method, "HEAD") || !strcmp(rq->method, "GET")) {
		/* Follow redirects (blob stores); libcurl drops our
		 * Authorization header when the host changes. */
		c->easy_setopt(cl->h, CURLOPT_FOLLOWLOCATION, 1L);
		c->easy_setopt(cl->h, CURLOPT_MAXREDIRS, 5L);
	}
	if (!strcmp(rq->method, "HEAD")) {
		c->easy_setopt(cl->h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(rq->method, "POST")) {
		c->easy_setopt(cl->h, CURLOPT_POST, 1L);
		c->easy_setopt(cl->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		c->easy_setopt(cl->h, CURLOPT_POSTFIELDS, "");
	} else if (!strcmp(rq->method, "PUT")) {
		c->easy_setopt(cl->h, CURLOPT_UPLOAD, 1L);
		c->easy_setopt(cl->h, CURLOPT_INFILESIZE_LARGE,
			       (curl_off_t)(rq->upload_fd >= 0 ? rq->upload_size : rq->data_len));
		c->easy_setopt(cl->h, CURLOPT_READFUNCTION, on_read);
		c->easy_setopt(cl->h, CURLOPT_READDATA, x);
	}
}

static struct curl_slist *headers(struct reg_client *cl, const struct reg_req *rq,
				  const char *authz)
{
	char ct[REG_MEDIA_MAX + 16];
	struct curl_slist *l = NULL;

	if (rq->accept)
		l = cl->api->slist_append(l, rq->accept);
	if (authz)
		l = cl->api->slist_append(l, authz);
	if (rq->content_type) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", rq->content_type);
		l = cl->api->slist_append(l, ct);
	}
	return l;
}

static int transport_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
		return EHOSTUNREACH;
	case CURLE_OPERATION_TIMEDOUT:
		return ETIMEDOUT;
	default:
		return EPROTO;
	}
}

static void setup(struct reg_client *cl, const struct reg_req *rq, const char *url, bool verify,
		  struct xfer *x, struct curl_slist *hdrs)
{
	const struct curl_api *c = cl->api;
	CURL *h = cl->h;

	c->easy_reset(h); /* options go, the connection cache stays */
	c->easy_setopt(h, CURLOPT_URL, url);
	c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	c->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, cl->insecure ? "http,https" : "https");
	c->easy_setopt(h, CURLOPT_USERAGENT, "brig");
	c->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled transfer fails instead of hanging: < 1 byte/s for 60 s. */
	c->easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	c->easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	c->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	c->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	if (reg_host_loopback(cl->endpoint))
		c->easy_setopt(h, CURLOPT_PROXY, ""); /* never a proxy for loopback */
	c->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	c->easy_setopt(h, CURLOPT_HEADERDATA, x);
	c->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	c->easy_setopt(h, CURLOPT_WRITEDATA, x);
	c->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	set_method(cl, rq, x);
}

static int perform(struct reg_client *cl, const struct reg_req *rq, const char *authz,
		   struct reg_resp *rs, struct brig_err *e)
{
	struct xfer x = { cl, rq, rs, 0, 0 };
	struct curl_slist *hdrs;
	char url[REG_URL_MAX];
	bool verify = true;
	CURLcode rc;
	long status = 0;

	if (snprintf(url, sizeof(url), "%s%s%s%s", rq->url[0] == '/' ? cl->scheme : "",
		     rq->url[0] == '/' ? "://" : "", rq->url[0] == '/' ? cl->endpoint : "",
		     rq->url) >= (int)sizeof(url))
		return brig_errf(e, ENAMETOOLONG, "URL too long");
	if (url_policy(cl, url, &verify, e) < 0)
		return -e->code;
	if (rq->upload_fd >= 0 && lseek(rq->upload_fd, 0, SEEK_SET) < 0)
		return brig_errno(e, "%s %s", rq->method, url);
	hdrs = headers(cl, rq, authz);
	setup(cl, rq, url, verify, &x, hdrs);
	rc = cl->api->easy_perform(cl->h);
	cl->api->easy_setopt(cl->h, CURLOPT_HTTPHEADER, NULL);
	cl->api->slist_free_all(hdrs);
	if (rs->abort_code == EFBIG)
		return brig_errf(e, EFBIG, "%s %s: the answer is larger than expected", rq->method,
				 url);
	if (rs->abort_code)
		return brig_errf(e, rs->abort_code, "%s %s: %s", rq->method, url,
				 strerror(rs->abort_code));
	if (rc != CURLE_OK)
		return brig_errf(e, transport_errno(rc), "%s %s: %s", rq->method, url,
				 cl->api->easy_strerror(rc));
	cl->api->easy_getinfo(cl->h, CURLINFO_RESPONSE_CODE, &status);
	rs->status = status;
	return 0;
}

void reg_resp_free(struct reg_resp *rs)
{
	free(rs->body);
	memset(rs, 0, sizeof(*rs));
}

int reg_resp_fail(const struct reg_resp *rs, const char *what, struct brig_err *e)
{
	cleanup_json json_t *j = json_loads(rs->err, 0, NULL);
	json_t *first = json_array_get(json_object_get(j, "errors"), 0);
	const char *msg = json_string_value(json_object_get(first, "message"));
	int code = rs->status == 404 ? ENOENT : EIO;
	size_t n;

	if (rs->status == 401 || rs->status == 403)
		code = EACCES;
	if (code == EACCES && !msg)
		msg = "authentication required";
	/* The registry's words are untrusted: bounded, and one line. */
	n = msg ? strcspn(msg, "\r\n") : 0;
	return brig_errf(e, code, "%s: HTTP %ld: %s%.*s", what, rs->status,
			 code == EACCES ? "unauthorized: " : "", (int)(n < 200 ? n : 200),
			 msg ? msg : "no details");
}

/* ---- the auth flows ---- */

static int set_authz(struct reg_client *cl, const char *scheme, const char *cred,
		     struct brig_err *e)
{
	char *line;

	if (asprintf(&line, "Authorization: %s %s", scheme, cred) < 0)
		return brig_errf(e, ENOMEM, "out of memory");
	free(cl->authz);
	cl->authz = line;
	return 0;
}

static int basic_value(const struct reg_client *cl, char *out, size_t len)
{
	char plain[2 * REG_CRED_MAX + 2];

	snprintf(plain, sizeof(plain), "%s:%s", cl->user, cl->pass);
	return reg_base64_encode(plain, strlen(plain), out, len);
}

static int unauthorized(const struct reg_client *cl, struct brig_err *e)
{
	if (cl->creds)
		return brig_errf(e, EACCES, "%s: unauthorized: incorrect username or password",
				 cl->host);
	return brig_errf(e, EACCES, "%s: unauthorized: authentication required (brig login %s)",
			 cl->host, cl->host);
}

/* The token URL: realm?service=...&scope=...&account=... */
static int token_url(const struct reg_client *cl, const struct reg_challenge *ch, char *url,
		     size_t len, struct brig_err *e)
{
	const char *scope = ch->scope[0] ? ch->scope : cl->scope;
	char esc[3 * REG_PARAM_MAX];
	size_t n = (size_t)snprintf(url, len, "%s", ch->realm);
	const struct {
		const char *name, *value;
	} q[] = { { "service", ch->service }, { "scope", scope }, { "account", cl->creds ? cl->user : "" } };

	for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
		if (!q[i].value[0])
			continue;
		if (reg_query_escape(q[i].value, esc, sizeof(esc)) < 0 || n >= len)
			return brig_errf(e, ENAMETOOLONG, "token URL too long");
		n += (size_t)snprintf(url + n, len - n, "%c%s=%s", strchr(url, '?') ? '&' : '?',
				      q[i].name, esc);
	}
	if (n >= len)
		return brig_errf(e, ENAMETOOLONG, "token URL too long");
	return 0;
}

static int auth_bearer(struct reg_client *cl, const struct reg_challenge *ch, struct brig_err *e)
{
	char url[REG_URL_MAX], basic[3 * REG_CRED_MAX], authz[sizeof(basic) + 32],
		token[TOKEN_MAX];
	struct reg_req rq = { .method = "GET", .url = url, .upload_fd = -1, .out_fd = -1,
			      .mem_max = TOKEN_BODY_MAX };
	struct reg_resp rs = { 0 };
	int r;

	if (!ch->realm[0])
		return brig_errf(e, EPROTO, "%s: a Bearer challenge without a realm", cl->host);
	if (token_url(cl, ch, url, sizeof(url), e) < 0)
		return -e->code;
	if (cl->creds) {
		basic_value(cl, basic, sizeof(basic));
		snprintf(authz, sizeof(authz), "Authorization: Basic %s", basic);
	}
	r = perform(cl, &rq, cl->creds ? authz : NULL, &rs, e);
	if (r == 0 && (rs.status == 401 || rs.status == 403))
		r = unauthorized(cl, e);
	else if (r == 0 && rs.status != 200)
		r = reg_resp_fail(&rs, "token server", e);
	else if (r == 0 && reg_token_parse(rs.body ? rs.body : "", rs.len, token, sizeof(token), e) == 0)
		r = set_authz(cl, "Bearer", token, e);
	else if (r == 0)
		r = -e->code;
	reg_resp_free(&rs);
	return r;
}

static int authenticate(struct reg_client *cl, const struct reg_challenge *ch, struct brig_err *e)
{
	char basic[3 * REG_CRED_MAX];

	if (ch->scheme == REG_AUTH_BEARER)
		return auth_bearer(cl, ch, e);
	if (!cl->creds)
		return unauthorized(cl, e);
	basic_value(cl, basic, sizeof(basic));
	return set_authz(cl, "Basic", basic, e);
}

int reg_request(struct reg_client *cl, const struct reg_req *rq, struct reg_resp *rs,
		struct brig_err *e)
{
	for (int attempt = 0;; attempt++) {
		reg_resp_free(rs);
		if (perform(cl, rq, cl->authz, rs, e) < 0)
			return -e->code;
		if (rs->status != 401 || attempt > 0 || rs->challenge.scheme == REG_AUTH_NONE)
			return 0;
		if (authenticate(cl, &rs->challenge, e) < 0)
			return -e->code;
	}
}

/* ---- the session ---- */

/* A small file of root's, or NULL when it does not exist. */
static int read_conf(const char *root, const char *name, char **text, size_t *len,
		     struct brig_err *e)
{
	char path[PATH_MAX];

	*text = NULL;
	*len = 0;
	if (!root)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (read_file_max(path, O_NOFOLLOW, CONFIG_MAX, text, len, e) < 0)
		return e->code == ENOENT ? 0 : -e->code;
	return 0;
}

static int find_creds(struct reg_client *cl, struct brig_err *e)
{
	cleanup_free char *text = NULL;
	size_t len;
	int r;

	if (cl->o->user) {
		snprintf(cl->user, sizeof(cl->user), "%s", cl->o->user);
		snprintf(cl->pass, sizeof(cl->pass), "%s", cl->o->pass ? cl->o->pass : "");
		cl->creds = true;
		return 0;
	}
	if (read_conf(cl->o->root, "auth.json", &text, &len, e) < 0)
		return -e->code;
	r = reg_auth_lookup(text, len, cl->host, cl->user, sizeof(cl->user), cl->pass,
			    sizeof(cl->pass), e);
	if (r < 0)
		return brig_err_ctx(e, "%s", cl->o->root);
	cl->creds = r > 0;
	return 0;
}

static int find_insecure(struct reg_client *cl, struct brig_err *e)
{
	cleanup_free char *text = NULL;
	size_t len;
	bool listed = false;

	if (cl->o->insecure || reg_host_loopback(cl->host)) {
		cl->insecure = true;
		return 0;
	}
	if (read_conf(cl->o->root, "daemon.json", &text, &len, e) < 0 ||
	    reg_insecure_listed(text, len, cl->host, &listed, e) < 0)
		return brig_err_ctx(e, "%s", cl->o->root);
	cl->insecure = listed;
	return 0;
}

/* GET /v2/: does it answer HTTPS?  An insecure registry that does not
 * (plain HTTP server, no TLS) is asked again over HTTP, as Docker does. */
static int ping(struct reg_client *cl, struct brig_err *e)
{
	struct reg_req rq = { .method = "GET", .url = "/v2/", .upload_fd = -1, .out_fd = -1,
			      .mem_max = PING_MAX };
	struct reg_resp rs = { 0 };
	int r;

	cl->scheme = "https";
	r = perform(cl, &rq, NULL, &rs, e);
	if (r < 0 && cl->insecure && e->code != EFBIG) {
		reg_resp_free(&rs);
		cl->scheme = "http";
		r = perform(cl, &rq, NULL, &rs, e);
	}
	reg_resp_free(&rs);
	return r < 0 ? brig_err_ctx(e, "registry %s", cl->host) : 0;
}

int reg_client_open(struct reg_client *cl, const char *host, const char *path,
		    const char *actions, const struct registry_opts *o, struct brig_err *e)
{
	memset(cl, 0, sizeof(*cl));
	cl->o = o;
	snprintf(cl->host, sizeof(cl->host), "%s", host);
	/* Docker Hub's API lives elsewhere than its name. */
	snprintf(cl->endpoint, sizeof(cl->endpoint), "%s",
		 strcmp(host, "docker.io") ? host : "registry-1.docker.io");
	if (path)
		snprintf(cl->scope, sizeof(cl->scope), "repository:%s:%s", path, actions);
	cl->api = curl_api_load(e);
	if (!cl->api)
		return -e->code;
	cl->h = cl->api->easy_init();
	if (!cl->h)
		return brig_errf(e, ENOMEM, "libcurl: cannot create a handle");
	if (find_insecure(cl, e) < 0 || find_creds(cl, e) < 0)
		return -e->code;
	return ping(cl, e);
}

void reg_client_close(struct reg_client *cl)
{
	if (cl->h)
		cl->api->easy_cleanup(cl->h);
	free(cl->authz);
	explicit_bzero(cl->pass, sizeof(cl->pass));
	memset(cl, 0, sizeof(*cl));
}
