/* h_volumes.c - /volumes: list, create, inspect, remove and prune brig's
 * named volumes (volume.h) in Docker's shapes (conv.h).  Each call is
 * short and takes the container store's lock, so each runs under the
 * engine lock. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conn.h"
#include "cleanup.h"
#include "conv.h"
#include "volume.h"

/* Docker's words for a volume that is not there. */
static int reply_volume_err(struct api_req *r, const char *name, const struct brig_err *e)
{
	if (e->code == ENOENT)
		return api_reply_error(r, 404, "get %s: no such volume", name);
	return api_reply_err(r, e);
}

static int list_volumes(struct api_req *r)
{
	json_t *docs = NULL;
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = volume_list(r->c, &docs, &e);
	api_engine_unlock();
	if (rc < 0)
		return api_reply_err(r, &e);
	json_t *out = conv_volume_list(docs);
	json_decref(docs);
	return out ? api_reply_json(r, 200, out) : api_reply_error(r, 500, "out of memory");
}

/* Volume name's document in Docker's shape, answered with status. */
static int reply_volume(struct api_req *r, int status, const char *name)
{
	char *names[1] = { (char *)name };
	json_t *docs = NULL, *out = NULL;
	struct brig_err e;
	int missing;

	api_engine_lock();
	missing = volume_inspect(r->c, names, 1, &docs, NULL, NULL, &e);
	api_engine_unlock();
	if (missing < 0)
		return reply_volume_err(r, name, &e);
	if (missing > 0 || json_array_size(docs) == 0) {
		json_decref(docs);
		return api_reply_error(r, 404, "get %s: no such volume", name);
	}
	out = conv_volume_json(json_array_get(docs, 0));
	json_decref(docs);
	return out ? api_reply_json(r, status, out) : api_reply_error(r, 500, "out of memory");
}

static int inspect_volume(struct api_req *r)
{
	return reply_volume(r, 200, r->params[0]);
}

/* Labels {K: V} as volume_create takes them: "K=V" strings. */
static int label_strings(json_t *labels, char ***out, size_t *n, struct brig_err *e)
{
	const char *k;
	json_t *v;

	*out = NULL;
	*n = 0;
	if (!labels || json_is_null(labels))
		return 0;
	if (!json_is_object(labels))
		return brig_errf(e, EINVAL, "Labels: expected an object");
	*out = calloc(json_object_size(labels) + 1, sizeof(char *));
	if (!*out)
		return brig_errf(e, ENOMEM, "out of memory");
	json_object_foreach(labels, k, v) {
		if (!json_is_string(v))
			return brig_errf(e, EINVAL, "Labels.%s: expected a string", k);
		if (asprintf(&(*out)[*n], "%s=%s", k, json_string_value(v)) < 0)
			return brig_errf(e, ENOMEM, "out of memory");
		(*n)++;
	}
	return 0;
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Name ("" or absent: generated), Driver ("local" or none), DriverOpts
 * (none: brig's volumes are plain directories), Labels. */
static int create_volume_from(struct api_req *r, json_t *body, char name[MOUNTSPEC_NAME_MAX + 1],
			      struct brig_err *e)
{
	json_t *jname = json_object_get(body, "Name"), *drv = json_object_get(body, "Driver");
	json_t *opts = json_object_get(body, "DriverOpts");
	const char *want = json_string_value(jname);
	char **labels = NULL;
	size_t n = 0;
	int rc;

	if ((jname && !json_is_null(jname) && !json_is_string(jname)) ||
	    (drv && !json_is_null(drv) && !json_is_string(drv)))
		return brig_errf(e, EINVAL, "Name and Driver must be strings");
	if (json_string_value(drv) && *json_string_value(drv) &&
	    strcmp(json_string_value(drv), "local") != 0)
		return brig_errf(e, EINVAL, "volume driver %s is not supported (only local)",
				 json_string_value(drv));
	if (json_object_size(opts) > 0)
		return brig_errf(e, EINVAL, "volume driver options are not supported");
	if (label_strings(json_object_get(body, "Labels"), &labels, &n, e) < 0) {
		strings_free(labels, n);
		return -e->code;
	}
	api_engine_lock();
	rc = volume_create(r->c, want && *want ? want : NULL, labels, n, name, e);
	api_engine_unlock();
	strings_free(labels, n);
	return rc;
}

static int create_volume(struct api_req *r)
{
	char name[MOUNTSPEC_NAME_MAX + 1];
	json_t *body = api_body_json(r);
	struct brig_err e;
	int rc;

	if (!body)
		return 0;
	rc = create_volume_from(r, body, name, &e);
	json_decref(body);
	return rc < 0 ? api_reply_err(r, &e) : reply_volume(r, 201, name);
}

static int remove_volume(struct api_req *r)
{
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = volume_remove(r->c, r->params[0], api_query_bool(r, "force"), &e);
	api_engine_unlock();
	return rc < 0 ? reply_volume_err(r, r->params[0], &e) : api_reply_empty(r, 204);
}

/* Whether the client speaks an API older than 1.42 (a /v1.41/ prefix):
 * those pruned every unused volume, newer ones the anonymous only. */
static bool before_1_42(struct api_req *r)
{
	const char *url = r->conn->rq.url;
	unsigned major, minor;

	return url && sscanf(url, "/v%u.%u/", &major, &minor) == 2 &&
	       (major < 1 || (major == 1 && minor < 42));
}

/* All unused volumes, or the anonymous ones only: ?filters={"all":
 * ["true"]} or an old client asks for all. */
static bool prune_all(struct api_req *r)
{
	const char *f = api_query(r, "filters");
	json_auto_t *doc = f ? json_loads(f, 0, NULL) : NULL;
	json_t *all = json_object_get(doc, "all");
	const char *v = json_string_value(json_array_get(all, 0));

	if (before_1_42(r))
		return true;
	if (json_is_object(all))
		return json_is_true(json_object_get(all, "true")) ||
		       json_is_true(json_object_get(all, "1"));
	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

static int prune_volumes(struct api_req *r)
{
	json_t *removed = NULL;
	int64_t bytes = 0;
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = volume_prune(r->c, prune_all(r), &removed, &bytes, &e);
	api_engine_unlock();
	if (rc < 0)
		return api_reply_err(r, &e);
	return api_reply_json(r, 200, json_pack("{s:o, s:I}", "VolumesDeleted", removed,
						"SpaceReclaimed", (json_int_t)bytes));
}

const struct api_route api_volume_routes[] = {
	{ "GET", "/volumes", list_volumes, 0 },
	{ "POST", "/volumes/create", create_volume, 0 },
	{ "POST", "/volumes/prune", prune_volumes, 0 },
	{ "GET", "/volumes/{name}", inspect_volume, 0 },
	{ "DELETE", "/volumes/{name}", remove_volume, 0 },
	{ NULL, NULL, NULL, 0 },
};
