/* registry_http.h - one registry's HTTP session (private to src/image:
 * registry.c is its only user).
 *
 * A session knows the registry's address, whether it may be plain HTTP,
 * its credentials and the current Authorization header.  reg_request()
 * sends one request; a 401 with a challenge runs the auth flow (Basic with
 * the stored credentials, or a Bearer token from the challenge's realm)
 * and sends it once more. */
#ifndef BRIG_REGISTRY_HTTP_H
#define BRIG_REGISTRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "curl_lazy.h"
#include "digest.h"
#include "ref.h"
#include "registry.h"
#include "registry_parse.h"

#define REG_URL_MAX 4096

struct reg_client {
	const struct curl_api *api;
	CURL *h;
	const struct registry_opts *o;
	char host[REF_NAME_MAX];     /* as references name it: "127.0.0.1:5000" */
	char endpoint[REF_NAME_MAX]; /* where it is: registry-1.docker.io for docker.io */
	const char *scheme;          /* "https", or "http" for an insecure one */
	bool insecure;
	char scope[REG_PARAM_MAX];   /* "repository:test/bb:pull", or "" */
	bool creds;
	char user[REG_CRED_MAX], pass[REG_CRED_MAX];
	char *authz; /* "Authorization: ..." header, or NULL */
};

/* One request.  The body goes to out_fd (hashed into out_hash, at most
 * out_max bytes) or, with out_fd < 0, to memory (at most mem_max bytes).
 * An upload comes from upload_fd (upload_size bytes) or data/data_len. */
struct reg_req {
	const char *method; /* "GET", "HEAD", "POST", "PUT" */
	const char *url;    /* "/v2/..." on the registry, or an absolute URL */
	const char *accept; /* a whole header line, or NULL */
	const char *content_type;
	const char *data;
	size_t data_len;
	int upload_fd; /* -1: none (data, if any) */
	uint64_t upload_size;
	int out_fd; /* -1: memory */
	struct sha256 *out_hash;
	uint64_t out_max;
	size_t mem_max;
	const char *progress_digest; /* report progress of this blob, or NULL */
	uint64_t progress_total;
};

struct reg_resp {
	long status;
	char content_type[REG_MEDIA_MAX];
	char digest[DIGEST_MAX]; /* Docker-Content-Digest if valid, else "" */
	char location[REG_URL_MAX];
	struct reg_challenge challenge;
	char *body; /* a 2xx answer in memory (NUL-terminated), malloc'd */
	size_t len;
	uint64_t written;   /* bytes written to out_fd */
	char err[512];      /* the start of a non-2xx answer's body */
	size_t err_len;
	int abort_code;     /* why the body was cut: EFBIG, or write's errno */
};

/* Open a session with host for repository path (scope actions "pull" or
 * "pull,push"; path NULL for none): decide HTTPS or HTTP (a first GET
 * /v2/), find credentials.  Close it with reg_client_close even on
 * failure. */
int reg_client_open(struct reg_client *cl, const char *host, const char *path,
		    const char *actions, const struct registry_opts *o, struct brig_err *e);
void reg_client_close(struct reg_client *cl);

/* Send rq, authenticating on a 401 and sending it once more.  0 once an
 * answer came, whatever its status (rs->status); negative for transport
 * failures and failed auth flows.  Free rs with reg_resp_free. */
int reg_request(struct reg_client *cl, const struct reg_req *rq, struct reg_resp *rs,
		struct brig_err *e);
void reg_resp_free(struct reg_resp *rs);

/* Fill e for an unexpected answer: "what: HTTP 404: manifest unknown" with
 * the registry's own error message when it gave one (EACCES for 401/403,
 * ENOENT for 404, EIO else).  Returns -e->code. */
int reg_resp_fail(const struct reg_resp *rs, const char *what, struct brig_err *e);

#endif
