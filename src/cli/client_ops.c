/* client_ops.c - the engine calls of ps, inspect, stop, kill, rm, logs,
 * image ls and network ls|create|rm through brig serve's /brig/ endpoints
 * (src/api/h_brig.c), each answering what the engine function would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "client_proto.h"
#include "summary_json.h"

#define REF_MAX (3 * 256 + 1)

/* before, then name escaped, then after. */
static void path_of(char *buf, size_t len, const char *before, const char *name,
		    const char *after)
{
	char esc[REF_MAX];

	client_escape(name, esc, sizeof(esc));
	snprintf(buf, len, "%s%s%s", before, esc, after);
}

int client_container_list(const struct brig_ctx *c, bool all, struct container_summary **v,
			  size_t *n, struct brig_err *e)
{
	json_t *rows;
	int r = client_call(c, "GET", all ? "/brig/containers/json?all=1" : "/brig/containers/json",
			    NULL, &rows, e);

	if (r < 0)
		return r;
	r = container_summaries_from_json(rows, v, n, e);
	json_decref(rows);
	return r;
}

int client_container_list_json(const struct brig_ctx *c, bool all, json_t **doc,
			       struct brig_err *e)
{
	int r = client_call(c, "GET",
			    all ? "/brig/containers/json?all=1&format=json" :
				  "/brig/containers/json?format=json",
			    NULL, doc, e);

	if (r >= 0 && !json_is_array(*doc)) {
		json_decref(*doc);
		return brig_errf(e, EPROTO, "brig serve's list is no array");
	}
	return r < 0 ? r : 0;
}

/* The errors of an inspect, each to on_error; how many. */
static int inspect_errors(json_t *errors, void (*on_error)(void *, const struct brig_err *),
			  void *arg)
{
	size_t i;
	json_t *m;

	json_array_foreach(errors, i, m) {
		struct brig_err one;
		brig_errf(&one, ENOENT, "%s", json_string_value(m) ? json_string_value(m) : "?");
		if (on_error)
			on_error(arg, &one);
	}
	return (int)json_array_size(errors);
}

int client_container_inspect(const struct brig_ctx *c, char *const *refs, size_t n, json_t **docs,
			     void (*on_error)(void *arg, const struct brig_err *e), void *arg,
			     struct brig_err *e)
{
	json_t *body = json_pack("{s:[]}", "refs"), *out = NULL;
	int r;

	for (size_t i = 0; body && i < n; i++)
		json_array_append_new(json_object_get(body, "refs"), json_string(refs[i]));
	if (!body)
		return brig_errf(e, ENOMEM, "out of memory");
	r = client_call(c, "POST", "/brig/containers/inspect", body, &out, e);
	json_decref(body);
	if (r < 0)
		return r;
	*docs = json_incref(json_object_get(out, "docs"));
	r = *docs && json_is_array(*docs) ?
		    inspect_errors(json_object_get(out, "errors"), on_error, arg) :
		    brig_errf(e, EPROTO, "brig serve's inspect holds no documents");
	json_decref(out);
	return r;
}

int client_container_stop(const struct brig_ctx *c, const char *ref, int timeout,
			  struct brig_err *e)
{
	char path[2048], q[64];

	snprintf(q, sizeof(q), "/stop?t=%d", timeout);
	path_of(path, sizeof(path), "/brig/containers/", ref, q);
	return client_call(c, "POST", path, NULL, NULL, e) < 0 ? -e->code : 0;
}

int client_container_kill(const struct brig_ctx *c, const char *ref, int sig, struct brig_err *e)
{
	char path[2048], q[64];

	snprintf(q, sizeof(q), "/kill?signal=%d", sig);
	path_of(path, sizeof(path), "/brig/containers/", ref, q);
	return client_call(c, "POST", path, NULL, NULL, e) < 0 ? -e->code : 0;
}

int client_container_remove(const struct brig_ctx *c, const char *ref, bool force, bool volumes,
			    struct brig_err *e)
{
	char path[2048], q[64];

	snprintf(q, sizeof(q), "?force=%d&v=%d", force, volumes);
	path_of(path, sizeof(path), "/brig/containers/", ref, q);
	return client_call(c, "DELETE", path, NULL, NULL, e) < 0 ? -e->code : 0;
}

/* ---- logs: stdcopy frames whose payload starts with the chunk's time
 * (unix ns, big-endian u64), each handed whole to the caller's sink ---- */

#define LOG_FRAME_MAX (1u << 20)

struct log_in {
	struct stdcopy_reader rd;
	char *frame;
	size_t len;
	logs_sink sink;
	void *arg;
};

static int log_piece(void *arg, int stream, const char *buf, size_t len)
{
	struct log_in *in = arg;
	int64_t t = 0;

	if (in->len + len > LOG_FRAME_MAX)
		return -1;
	memcpy(in->frame + in->len, buf, len);
	in->len += len;
	if (in->rd.left)
		return 0;
	for (int i = 0; i < 8 && (size_t)i < in->len; i++)
		t = (int64_t)((uint64_t)t << 8 | (unsigned char)in->frame[i]);
	len = in->len;
	in->len = 0;
	return len < 8 ? 0 : in->sink(in->arg, stream, t, in->frame + 8, len - 8);
}

static int log_bytes(void *arg, const char *buf, size_t len)
{
	struct log_in *in = arg;

	return stdcopy_feed(&in->rd, buf, len, log_piece, in);
}

int client_container_logs(const struct brig_ctx *c, const char *ref, const struct logs_opts *o,
			  logs_sink sink, void *arg, struct brig_err *e)
{
	struct log_in in = { .sink = sink, .arg = arg };
	char path[2048], q[256];
	int r;

	snprintf(q, sizeof(q),
		 "/logs?follow=%d&timestamps=%d&tail=%ld&since=%lld&until=%lld&stdout=%d&stderr=%d",
		 o->follow, o->timestamps, o->tail, (long long)o->since, (long long)o->until,
		 !o->no_stdout, !o->no_stderr);
	path_of(path, sizeof(path), "/brig/containers/", ref, q);
	if (!(in.frame = malloc(LOG_FRAME_MAX)))
		return brig_errf(e, ENOMEM, "out of memory");
	r = client_stream(c, "GET", path, NULL, log_bytes, &in, e);
	free(in.frame);
	return r < 0 ? r : 0;
}

/* ---- images, networks ---- */

int client_images_list(const struct brig_ctx *c, json_t **out, struct brig_err *e)
{
	int r = client_call(c, "GET", "/brig/images/json", NULL, out, e);

	if (r >= 0 && !json_is_array(*out)) {
		json_decref(*out);
		return brig_errf(e, EPROTO, "brig serve's image list is no array");
	}
	return r < 0 ? r : 0;
}

int client_network_summaries(const struct brig_ctx *c, struct network_summary **v, size_t *n,
			     struct brig_err *e)
{
	json_t *rows;
	int r = client_call(c, "GET", "/brig/networks", NULL, &rows, e);

	if (r < 0)
		return r;
	r = network_summaries_from_json(rows, v, n, e);
	json_decref(rows);
	return r;
}

int client_network_inspect(const struct brig_ctx *c, const char *name, json_t **doc,
			   struct brig_err *e)
{
	char path[2048];

	path_of(path, sizeof(path), "/brig/networks/", name, "");
	return client_call(c, "GET", path, NULL, doc, e) < 0 ? -e->code : 0;
}

int client_network_create(const struct brig_ctx *c, const struct network_request *req,
			  struct brig_err *e)
{
	json_t *body = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:b}", "name", req->name,
				 "subnet", req->subnet, "gateway", req->gateway, "bridge",
				 req->bridge, "mtu", req->mtu, "ipam", req->ipam, "internal",
				 req->internal, "no_gateway", req->no_gateway);
	int r;

	if (!body)
		return brig_errf(e, ENOMEM, "out of memory");
	r = client_call(c, "POST", "/brig/networks/create", body, NULL, e);
	json_decref(body);
	return r < 0 ? -e->code : 0;
}

int client_network_remove(const struct brig_ctx *c, const char *name, struct brig_err *e)
{
	char path[2048];

	path_of(path, sizeof(path), "/brig/networks/", name, "");
	return client_call(c, "DELETE", path, NULL, NULL, e) < 0 ? -e->code : 0;
}
