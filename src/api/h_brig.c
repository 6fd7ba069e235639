/* h_brig.c - brig's own endpoints, /brig/...: what brig's CLI asks when
 * it is a client of the daemon (src/cli/client.h), so it prints exactly
 * what the local path prints: the rows of ps, image ls and network ls,
 * inspect documents, a create from brig's own spec (config.json's JSON:
 * `brig run`'s options parsed by the client with the same run_parse),
 * and the actions with the engine's own checks and messages.  Errors are
 * Docker's {"message"} holding the engine's text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "attach_reg.h"
#include "container.h"
#include "images.h"
#include "inspect.h"
#include "lifecycle.h"
#include "logs.h"
#include "monitor.h"
#include "network.h"
#include "pull.h"
#include "stream.h"
#include "summary_json.h"

/* ---- containers: rows, inspect ---- */

static int list(struct api_req *r)
{
	struct container_summary *v = NULL;
	bool all = api_query_bool(r, "all");
	const char *format = api_query(r, "format");
	json_t *out = NULL;
	struct brig_err e;
	size_t n = 0;
	int rc;

	api_engine_lock();
	if (format && strcmp(format, "json") == 0)
		rc = container_list_json(r->c, all, &out, &e);
	else
		rc = container_list(r->c, all, &v, &n, &e);
	api_engine_unlock();
	if (rc < 0)
		return api_reply_err(r, &e);
	if (!out) {
		out = json_array();
		for (size_t i = 0; out && i < n; i++)
			json_array_append_new(out, container_summary_to_json(&v[i]));
	}
	free(v);
	return api_reply_json(r, 200, out);
}

static void inspect_error(void *arg, const struct brig_err *e)
{
	json_array_append_new(arg, json_string(e->msg));
}

/* {"refs": [...]} -> {"docs": container_inspect's, "errors": [message...]} */
static int inspect(struct api_req *r)
{
	json_t *body = api_body_json(r), *refs, *errors = json_array(), *docs = NULL;
	char **v;
	size_t n, i;
	struct brig_err e;
	int rc = -1;

	if (!body)
		return 0;
	refs = json_object_get(body, "refs");
	n = json_array_size(refs);
	v = calloc(n + 1, sizeof(*v));
	for (i = 0; v && i < n && json_is_string(json_array_get(refs, i)); i++)
		v[i] = (char *)json_string_value(json_array_get(refs, i));
	if (v && i == n && errors) {
		api_engine_lock();
		rc = container_inspect(r->c, v, n, &docs, inspect_error, errors, &e);
		api_engine_unlock();
	} else {
		brig_errf(&e, EINVAL, "refs: expected an array of names");
	}
	free(v);
	json_decref(body);
	if (rc < 0) {
		json_decref(errors);
		return api_reply_err(r, &e);
	}
	return api_reply_json(r, 200, json_pack("{s:o, s:o}", "docs", docs, "errors", errors));
}

/* ---- create, start ---- */

/* As `brig run`: an image not in the store is pulled first. */
static int need_image(const struct brig_ctx *c, const char *image, struct brig_err *e)
{
	struct images_pull_opts o = { 0 };

	if (!images_need_pull(c, image))
		return 0;
	if (images_pull(c, image, &o, NULL, e) < 0)
		return brig_err_ctx(e, "unable to find image '%s' locally", image);
	return 0;
}

/* config.json writes an option not given as "": the CLI's spec has NULL
 * there, and container_create folds the image's value into a NULL only. */
static void unset_empty(const char **field)
{
	if (*field && !**field) {
		free((char *)*field);
		*field = NULL;
	}
}

static int create(struct api_req *r)
{
	struct container_spec o = { 0 };
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	json_t *body = api_body_json(r);
	int rc;

	if (!body)
		return 0;
	rc = spec_from_json(body, &o, &e);
	json_decref(body);
	unset_empty(&o.name);
	unset_empty(&o.workdir);
	unset_empty(&o.user);
	unset_empty(&o.cgroup_parent);
	unset_empty(&o.rootfs);
	if (rc == 0)
		rc = need_image(r->c, o.image, &e);
	if (rc == 0)
		rc = api_create(r->c, &o, id, &e);
	spec_free(&o);
	if (rc < 0)
		return api_reply_err(r, &e);
	return api_reply_json(r, 201, json_pack("{s:s}", "Id", id));
}

/* By a monitor, as `brig run -d` and the Docker start: the clients
 * attached before are handed to it.  A failure answers the exit status
 * the local run would give: 404 for 127, 400 for 126, 500 for 125. */
static int start(struct api_req *r)
{
	struct brig_err e;
	int code, rc = api_start(r->c, r->params[0], &code, &e);

	if (rc == 0)
		return api_reply_empty(r, 204);
	return api_reply_error(r, code == EXIT_NOT_FOUND ? 404 : code == EXIT_CANNOT_INVOKE ? 400 : 500,
			       "%s", e.msg);
}

/* ---- stop, kill, rm ---- */

static int stop(struct api_req *r)
{
	struct brig_err e;
	long t = api_query_long(r, "t", 10);

	if (container_stop(r->c, r->params[0], (int)(t < 0 ? 0 : t), &e) < 0)
		return api_reply_err(r, &e);
	return api_reply_empty(r, 204);
}

static int kill_(struct api_req *r)
{
	struct brig_err e;

	if (container_kill(r->c, r->params[0], (int)api_query_long(r, "signal", 9), &e) < 0)
		return api_reply_err(r, &e);
	return api_reply_empty(r, 204);
}

static int remove_(struct api_req *r)
{
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = container_rm(r->c, r->params[0], api_query_bool(r, "force"), api_query_bool(r, "v"),
			  &e);
	api_engine_unlock();
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

/* ---- logs: each chunk one stdcopy frame, its payload the chunk's time
 * (unix ns, big-endian u64) then its bytes, so the client's sink gets
 * what the local one would: stream, time and the chunk whole ---- */

struct log_out {
	struct api_req *r;
	bool begun;
};

static int log_begin(struct log_out *o)
{
	if (o->begun)
		return 0;
	o->begun = true;
	return api_stream_begin(o->r, 200, "application/vnd.brig.log-stream");
}

static int log_sink(void *arg, int stream, int64_t time_ns, const char *buf, size_t len)
{
	struct log_out *o = arg;
	size_t n = STREAM_FRAME_HDR + 8 + len;
	unsigned char *f;
	int rc;

	if (len > UINT32_MAX - 8 || log_begin(o) < 0 || !(f = malloc(n)))
		return -1;
	stream_frame_header(f, stream, (uint32_t)(8 + len));
	for (int i = 0; i < 8; i++)
		f[STREAM_FRAME_HDR + i] = (unsigned char)((uint64_t)time_ns >> (56 - 8 * i));
	memcpy(f + STREAM_FRAME_HDR + 8, buf, len);
	rc = api_stream_write(o->r, f, n);
	free(f);
	return rc;
}

static int logs(struct api_req *r)
{
	struct logs_opts lo = {
		.follow = api_query_bool(r, "follow"),
		.timestamps = api_query_bool(r, "timestamps"),
		.tail = api_query_long(r, "tail", -1),
		.since = api_query_long(r, "since", 0),
		.until = api_query_long(r, "until", 0),
		.no_stdout = !api_query_bool(r, "stdout"),
		.no_stderr = !api_query_bool(r, "stderr"),
	};
	struct log_out o = { .r = r };
	struct brig_err e;

	if (container_logs(r->c, r->params[0], &lo, log_sink, &o, &e) < 0)
		return o.begun ? -1 : api_reply_err(r, &e); /* once begun: cut it */
	if (log_begin(&o) < 0)
		return -1;
	return api_stream_end(r);
}

/* ---- exec: Docker's create, after the engine's own check ---- */

static int exec_create(struct api_req *r)
{
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	pid_t pid;
	int rc = container_find(r->c, r->params[0], id, &pid, &e);

	if (rc == 0)
		rc = brig_errf(&e, EINVAL, "container %s is not running", r->params[0]);
	if (rc < 0)
		return api_reply_err(r, &e);
	return api_exec_create_brig(r);
}

/* ---- images, networks ---- */

static int images(struct api_req *r)
{
	json_t *out;
	struct brig_err e;

	if (images_list(r->c, &out, &e) < 0)
		return api_reply_err(r, &e);
	return api_reply_json(r, 200, out);
}

static int networks(struct api_req *r)
{
	struct network_summary *v = NULL;
	struct brig_err e;
	json_t *out;
	size_t n;

	if (network_summaries(r->c, &v, &n, &e) < 0)
		return api_reply_err(r, &e);
	out = json_array();
	for (size_t i = 0; out && i < n; i++)
		json_array_append_new(out, network_summary_to_json(&v[i]));
	free(v);
	return api_reply_json(r, 200, out);
}

static int network_one(struct api_req *r)
{
	struct brig_err e;
	json_t *doc;

	if (network_inspect(r->c, r->params[0], &doc, &e) < 0)
		return api_reply_err(r, &e);
	return api_reply_json(r, 200, doc);
}

static const char *opt_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* brig's own network request: the strings `brig network create` took */
static int network_new(struct api_req *r)
{
	json_t *b = api_body_json(r);
	struct network_request req;
	struct brig_err e;
	int rc;

	if (!b)
		return 0;
	req = (struct network_request){
		.name = opt_str(b, "name"), .subnet = opt_str(b, "subnet"),
		.gateway = opt_str(b, "gateway"), .bridge = opt_str(b, "bridge"),
		.mtu = opt_str(b, "mtu"), .ipam = opt_str(b, "ipam"),
		.internal = json_is_true(json_object_get(b, "internal")),
		.no_gateway = json_is_true(json_object_get(b, "no_gateway")),
	};
	api_engine_lock();
	rc = network_create_request(r->c, &req, &e);
	api_engine_unlock();
	json_decref(b);
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

static int network_rm(struct api_req *r)
{
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = network_remove(r->c, r->params[0], &e);
	api_engine_unlock();
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

const struct api_route api_brig_routes[] = {
	{ "GET", "/brig/containers/json", list, 0 },
	{ "POST", "/brig/containers/inspect", inspect, 0 },
	{ "POST", "/brig/containers/create", create, 0 },
	{ "POST", "/brig/containers/{id}/start", start, 0 },
	{ "POST", "/brig/containers/{id}/stop", stop, 0 },
	{ "POST", "/brig/containers/{id}/kill", kill_, 0 },
	{ "DELETE", "/brig/containers/{id}", remove_, 0 },
	{ "GET", "/brig/containers/{id}/logs", logs, 0 },
	{ "POST", "/brig/containers/{id}/exec", exec_create, 0 },
	{ "GET", "/brig/images/json", images, 0 },
	{ "GET", "/brig/networks", networks, 0 },
	{ "POST", "/brig/networks/create", network_new, 0 },
	{ "GET", "/brig/networks/{name}", network_one, 0 },
	{ "DELETE", "/brig/networks/{name}", network_rm, 0 },
	{ NULL, NULL, NULL, 0 },
};
