/* h_networks.c - /networks: list, inspect, create, connect, disconnect,
 * remove and prune brig's networks (network.h, container.h) in Docker's
 * shapes (conv.h).  A network is named by its name, its Id (derived from
 * the name: conv_network_id) or a prefix of the Id, as Docker's are.
 * Everything here touches netlink or nftables or is short: all of it
 * runs under the engine lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "conv.h"
#include "network.h"

/* The name of the network ref names (a name, an Id or an Id's prefix),
 * under the engine lock; ENOENT with Docker's words when none, EINVAL
 * when a prefix fits several. */
static int resolve(struct api_req *r, const char *ref, char name[NET_NAME_MAX],
		   struct brig_err *e)
{
	struct network_summary *v = NULL;
	struct net_network n;
	size_t count = 0, found = 0, len = strlen(ref);
	char id[65];

	if (network_load(r->c, ref, &n, e) == 0) {
		snprintf(name, NET_NAME_MAX, "%s", n.name);
		return 0;
	}
	if (network_summaries(r->c, &v, &count, e) < 0)
		return -e->code;
	for (size_t i = 0; i < count && len > 0 && len <= 64; i++) {
		conv_network_id(v[i].name, id);
		if (strncmp(id, ref, len) == 0 && found++ == 0)
			snprintf(name, NET_NAME_MAX, "%s", v[i].name);
	}
	free(v);
	if (found > 1)
		return brig_errf(e, EINVAL, "network %s is ambiguous (%zu matches found)", ref,
				 found);
	return found ? 0 : brig_errf(e, ENOENT, "network %s not found", ref);
}

static int list_networks(struct api_req *r)
{
	struct network_summary *v = NULL;
	json_t *out = json_array();
	struct brig_err e;
	size_t n = 0;
	int rc;

	api_engine_lock();
	rc = network_summaries(r->c, &v, &n, &e);
	api_engine_unlock();
	if (rc < 0) {
		json_decref(out);
		return api_reply_err(r, &e);
	}
	for (size_t i = 0; out && i < n; i++)
		if (json_array_append_new(out, conv_network_summary(&v[i])) < 0) {
			json_decref(out);
			out = NULL;
		}
	free(v);
	return out ? api_reply_json(r, 200, out) : api_reply_error(r, 500, "out of memory");
}

static int inspect_network(struct api_req *r)
{
	char name[NET_NAME_MAX];
	json_t *doc = NULL, *out;
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = resolve(r, r->params[0], name, &e);
	if (rc == 0)
		rc = network_inspect(r->c, name, &doc, &e);
	api_engine_unlock();
	if (rc < 0)
		return api_reply_err(r, &e);
	out = conv_network_json(doc);
	json_decref(doc);
	return out ? api_reply_json(r, 200, out) : api_reply_error(r, 500, "out of memory");
}

static int create_network(struct api_req *r)
{
	struct network_request req;
	json_t *body = api_body_json(r);
	struct brig_err e;
	char id[65];
	int rc;

	if (!body)
		return 0;
	rc = conv_network_request(body, &req, &e);
	if (rc == 0) {
		api_engine_lock();
		rc = network_create_request(r->c, &req, &e);
		api_engine_unlock();
	}
	if (rc == 0)
		conv_network_id(req.name, id);
	json_decref(body);
	if (rc < 0)
		return api_reply_err(r, &e);
	return api_reply_json(r, 201, json_pack("{s:s, s:s}", "Id", id, "Warning", ""));
}

/* A string member of a request body, or NULL; EINVAL when not a string. */
static int body_string(json_t *o, const char *key, const char **out, struct brig_err *e)
{
	json_t *v = json_object_get(o, key);

	*out = json_string_value(v);
	if (v && !json_is_null(v) && !json_is_string(v))
		return brig_errf(e, EINVAL, "%s: expected a string", key);
	return 0;
}

/* {"Container", "EndpointConfig": {"IPAMConfig": {"IPv4Address"}}}. */
static int connect_from(struct api_req *r, json_t *body, struct brig_err *e)
{
	json_t *ipam = json_object_get(json_object_get(body, "EndpointConfig"), "IPAMConfig");
	const char *ct, *ip;
	char name[NET_NAME_MAX];
	int rc;

	if (body_string(body, "Container", &ct, e) < 0 ||
	    body_string(ipam, "IPv4Address", &ip, e) < 0)
		return -e->code;
	if (!ct || !*ct)
		return brig_errf(e, EINVAL, "no container given");
	api_engine_lock();
	rc = resolve(r, r->params[0], name, e);
	if (rc == 0)
		rc = container_connect(r->c, ct, name, ip && *ip ? ip : NULL, e);
	api_engine_unlock();
	return rc;
}

static int connect_network(struct api_req *r)
{
	json_t *body = api_body_json(r);
	struct brig_err e;
	int rc;

	if (!body)
		return 0;
	rc = connect_from(r, body, &e);
	json_decref(body);
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 200);
}

/* {"Container", "Force"}: Force changes nothing (the container is taken
 * off the network either way). */
static int disconnect_network(struct api_req *r)
{
	json_t *body = api_body_json(r);
	char name[NET_NAME_MAX];
	const char *ct = NULL;
	struct brig_err e;
	int rc;

	if (!body)
		return 0;
	rc = body_string(body, "Container", &ct, &e);
	if (rc == 0 && (!ct || !*ct))
		rc = brig_errf(&e, EINVAL, "no container given");
	if (rc == 0) {
		api_engine_lock();
		rc = resolve(r, r->params[0], name, &e);
		if (rc == 0)
			rc = container_disconnect(r->c, ct, name, &e);
		api_engine_unlock();
	}
	json_decref(body);
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 200);
}

static int remove_network(struct api_req *r)
{
	char name[NET_NAME_MAX];
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = resolve(r, r->params[0], name, &e);
	if (rc == 0 && strcmp(name, DEFAULT_NETWORK) == 0) {
		api_engine_unlock();
		return api_reply_error(r, 403, "%s is a pre-defined network and cannot be removed",
				       name);
	}
	if (rc == 0)
		rc = network_remove(r->c, name, &e);
	api_engine_unlock();
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

/* Every network but the default one that no container uses. */
static int prune_networks(struct api_req *r)
{
	struct network_summary *v = NULL;
	json_t *gone = json_array();
	struct brig_err e;
	size_t n = 0;
	int rc;

	api_engine_lock();
	rc = network_summaries(r->c, &v, &n, &e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (strcmp(v[i].name, DEFAULT_NETWORK) == 0)
			continue;
		if (network_remove(r->c, v[i].name, &e) == 0)
			json_array_append_new(gone, json_string(v[i].name));
		else if (e.code != EBUSY)
			rc = -e.code;
	}
	api_engine_unlock();
	free(v);
	if (rc < 0) {
		json_decref(gone);
		return api_reply_err(r, &e);
	}
	return api_reply_json(r, 200, json_pack("{s:o}", "NetworksDeleted", gone));
}

const struct api_route api_network_routes[] = {
	{ "GET", "/networks", list_networks, 0 },
	{ "POST", "/networks/create", create_network, 0 },
	{ "POST", "/networks/prune", prune_networks, 0 },
	{ "GET", "/networks/{id}", inspect_network, 0 },
	{ "POST", "/networks/{id}/connect", connect_network, 0 },
	{ "POST", "/networks/{id}/disconnect", disconnect_network, 0 },
	{ "DELETE", "/networks/{id}", remove_network, 0 },
	{ NULL, NULL, NULL, 0 },
};
