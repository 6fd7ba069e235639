/* conv_other.c - networks, images and volumes as Docker's (see conv.h),
 * and Docker's NetworkCreate as brig's network request.  The engine's
 * documents of these are already close to Docker's; what differs is
 * filled in here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "conv_int.h"
#include "util.h"

#define ZERO_TIME "0001-01-01T00:00:00Z"
#define OPT_BRIDGE "com.docker.network.bridge.name"
#define OPT_MTU "com.docker.network.driver.mtu"

/* ---- networks ---- */

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* Options: the bridge's name, its MTU (0: the host's, left out) */
static json_t *network_options(const char *name, const char *bridge, int mtu)
{
	char m[16];
	json_t *o = json_pack("{s:s}", OPT_BRIDGE, bridge);

	if (o && mtu) {
		snprintf(m, sizeof(m), "%d", mtu);
		json_object_set_new(o, OPT_MTU, json_string(m));
	}
	if (o && !strcmp(name, DEFAULT_NETWORK))
		json_object_set_new(o, "com.docker.network.bridge.default_bridge",
				    json_string("true"));
	return o;
}

static json_t *ipam_json(const char *subnet, const char *gateway, bool none)
{
	json_t *cfg = json_array();

	if (cfg && *subnet) {
		json_t *one = json_pack("{s:s}", "Subnet", subnet);
		if (one && *gateway)
			json_object_set_new(one, "Gateway", json_string(gateway));
		json_array_append_new(cfg, one);
	}
	return json_pack("{s:s,s:n,s:o}", "Driver", none ? "null" : "default", "Options", "Config",
			 cfg);
}

/* NetworkResource without Containers (the caller's). */
static json_t *network_resource(const char *name, json_t *ipam, bool internal, json_t *options)
{
	char id[65];

	conv_network_id(name, id);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:b,s:b,s:b,s:{s:s},s:b,s:o,s:{}}", "Name",
			 name, "Id", id, "Created", ZERO_TIME, "Scope", "local", "Driver", "bridge",
			 "EnableIPv6", 0, "IPAM", ipam, "Internal", internal, "Attachable", 0,
			 "Ingress", 0, "ConfigFrom", "Network", "", "ConfigOnly", 0, "Options",
			 options, "Labels");
}

/* The subnet's prefix length ("10.1.0.0/24": 24), 32 without one. */
static int prefix_of(const char *subnet)
{
	const char *slash = strchr(subnet, '/');

	return slash ? atoi(slash + 1) : 32;
}

/* Containers: {ID: {Name, EndpointID, MacAddress, IPv4Address "A/LEN"}} */
static json_t *members_json(json_t *list, const char *net, int prefix)
{
	json_t *o = json_object(), *x;
	size_t i;

	json_array_foreach(list, i, x)
	{
		char addr[32] = "", eid[65], key[NET_NAME_MAX + BRIG_ID_LEN + 2];
		const char *id = str(x, "id");
		if (*str(x, "address"))
			snprintf(addr, sizeof(addr), "%s/%d", str(x, "address"), prefix);
		/* an endpoint id of its own: derived from "NET/ID" */
		snprintf(key, sizeof(key), "%s/%s", net, id);
		conv_network_id(key, eid);
		json_object_set_new(o, id,
				    json_pack("{s:s,s:s,s:s,s:s,s:s}", "Name", str(x, "name"),
					      "EndpointID", eid, "MacAddress", str(x, "mac"),
					      "IPv4Address", addr, "IPv6Address", ""));
	}
	return o;
}

json_t *conv_network_json(json_t *doc)
{
	const char *name = json_string_value(json_object_get(doc, "name")), *subnet;
	json_t *out;

	if (!name)
		return NULL;
	subnet = str(doc, "subnet");
	out = network_resource(
	    name, ipam_json(subnet, str(doc, "gateway"), !strcmp(str(doc, "ipam"), "none")),
	    json_is_true(json_object_get(doc, "internal")),
	    network_options(name, str(doc, "bridge"),
			    (int)json_integer_value(json_object_get(doc, "mtu"))));
	if (out && json_object_set_new(out, "Containers",
				       members_json(json_object_get(doc, "containers"), name,
						    prefix_of(subnet))) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *conv_network_summary(const struct network_summary *n)
{
	json_t *out = network_resource(n->name, ipam_json(n->subnet, n->gateway, n->ipam_none),
				       n->internal, network_options(n->name, n->bridge, n->mtu));

	if (out && json_object_set_new(out, "Containers", json_object()) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* IPAM: Driver ("null": no addresses), the first IPv4 Config's Subnet
 * and Gateway (IPv6 ones are left to EnableIPv6, refused). */
static int network_ipam(json_t *body, struct network_request *req, struct brig_err *e)
{
	json_t *ipam = NULL, *cfg, *x;
	const char *driver = NULL, *subnet;
	size_t i;

	if (conv_get_object(body, "IPAM", "", &ipam, e) < 0 ||
	    conv_get_string(ipam, "Driver", "IPAM", &driver, e) < 0)
		return -e->code;
	if (driver && !strcmp(driver, "null"))
		req->ipam = "none";
	else if (driver && *driver && strcmp(driver, "default"))
		return brig_errf(e, EINVAL, "IPAM.Driver: '%s' is not supported (default, null)",
				 driver);
	if ((cfg = conv_member(ipam, "Config")) && !json_is_array(cfg))
		return conv_type_err("IPAM", "Config", "an array", cfg, e);
	json_array_foreach(cfg, i, x)
	{
		subnet = NULL;
		if (!json_is_object(x))
			return conv_type_err("IPAM", "Config[]", "an object", x, e);
		if (conv_get_string(x, "Subnet", "IPAM.Config[]", &subnet, e) < 0 ||
		    (subnet && !strchr(subnet, ':') && !req->subnet &&
		     conv_get_string(x, "Gateway", "IPAM.Config[]", &req->gateway, e) < 0) ||
		    (subnet && strchr(subnet, ':') && !req->subnet6 &&
		     conv_get_string(x, "Gateway", "IPAM.Config[]", &req->gateway6, e) < 0))
			return -e->code;
		if (subnet && strchr(subnet, ':') && !req->subnet6)
			req->subnet6 = subnet;
		if (subnet && !strchr(subnet, ':') && !req->subnet)
			req->subnet = subnet;
	}
	return 0;
}

int conv_network_request(json_t *body, struct network_request *req, struct brig_err *e)
{
	const char *driver = NULL;
	json_t *opts = NULL;
	bool ipv6 = false;

	memset(req, 0, sizeof(*req));
	if (!json_is_object(body))
		return brig_errf(e, EINVAL, "the body must be a JSON object");
	if (conv_get_string(body, "Name", "", &req->name, e) < 0 ||
	    conv_get_string(body, "Driver", "", &driver, e) < 0 ||
	    conv_get_bool(body, "Internal", "", &req->internal, e) < 0 ||
	    conv_get_bool(body, "EnableIPv6", "", &ipv6, e) < 0 ||
	    conv_get_string_map(body, "Options", "", &opts, e) < 0 ||
	    network_ipam(body, req, e) < 0) {
		mountspec_one_line(e);
		return -e->code;
	}
	if (driver && *driver && strcmp(driver, "bridge"))
		return brig_errf(e, EINVAL, "Driver: '%s' is not supported (bridge only)", driver);
	req->ipv6 = ipv6;
	if (!ipv6) /* Docker ignores the IPv6 configs of a network without IPv6 */
		req->subnet6 = req->gateway6 = NULL;
	req->bridge = json_string_value(json_object_get(opts, OPT_BRIDGE));
	req->mtu = json_string_value(json_object_get(opts, OPT_MTU));
	if (req->name && !*req->name)
		req->name = NULL;
	return 0;
}

/* ---- images ---- */

/* One ImageSummary of a row; RepoTags filled by the caller. */
static json_t *image_summary(json_t *row)
{
	json_int_t size = json_integer_value(json_object_get(row, "Size"));
	int64_t created = parse_rfc3339(str(row, "Created"));

	return json_pack("{s:s,s:s,s:[],s:[],s:I,s:I,s:I,s:I,s:n,s:I}", "Id", str(row, "Id"),
			 "ParentId", "", "RepoTags", "RepoDigests", "Created",
			 (json_int_t)(created < 0 ? 0 : created), "Size", size, "VirtualSize", size,
			 "SharedSize", (json_int_t)-1, "Labels", "Containers", (json_int_t)-1);
}

static json_t *find_id(json_t *list, const char *id)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x) if (!strcmp(str(x, "Id"), id)) return x;
	return NULL;
}

json_t *conv_image_list(json_t *rows)
{
	json_t *out = json_array(), *row, *img;
	size_t i;

	if (!out)
		return NULL;
	json_array_foreach(rows, i, row)
	{
		char tag[1024];
		if (!(img = find_id(out, str(row, "Id")))) {
			if (json_array_append_new(out, img = image_summary(row)) < 0) {
				json_decref(out);
				return NULL;
			}
		}
		if (!strcmp(str(row, "Repository"), "<none>"))
			continue;
		snprintf(tag, sizeof(tag), "%s:%s", str(row, "Repository"), str(row, "Tag"));
		json_array_append_new(json_object_get(img, "RepoTags"), json_string(tag));
	}
	return out;
}

json_t *conv_image_json(json_t *doc)
{
	json_t *out, *cfg;

	if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "Id")))
		return NULL;
	if (!(out = json_deep_copy(doc)))
		return NULL;
	cfg = json_object_get(out, "Config");
	if (!json_is_object(cfg))
		json_object_set_new(out, "Config", cfg = json_object());
	json_object_set_new(out, "Parent", json_string(""));
	json_object_set_new(out, "Comment", json_string(""));
	json_object_set_new(out, "Container", json_string(""));
	json_object_set_new(out, "DockerVersion", json_string(""));
	json_object_set_new(out, "Author", json_string(""));
	json_object_set_new(out, "VirtualSize",
			    json_integer(json_integer_value(json_object_get(doc, "Size"))));
	json_object_set_new(out, "GraphDriver",
			    json_pack("{s:s,s:{}}", "Name", "overlay2", "Data"));
	/* brig's Metadata (Source, Imported) stays; Docker's LastTagTime joins it */
	if (!json_is_object(json_object_get(out, "Metadata")))
		json_object_set_new(out, "Metadata", json_object());
	json_object_set_new(json_object_get(out, "Metadata"), "LastTagTime",
			    json_string(ZERO_TIME));
	if (!*str(out, "Created"))
		json_object_set_new(out, "Created", json_string(ZERO_TIME));
	return out;
}

/* ---- volumes ---- */

static void default_object(json_t *o, const char *key)
{
	if (!json_is_object(json_object_get(o, key)))
		json_object_set_new(o, key, json_object());
}

static void default_string(json_t *o, const char *key, const char *v)
{
	if (!*str(o, key))
		json_object_set_new(o, key, json_string(v));
}

json_t *conv_volume_json(json_t *doc)
{
	json_t *out;

	if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "Name")))
		return NULL;
	if (!(out = json_deep_copy(doc)))
		return NULL;
	default_string(out, "Driver", "local");
	default_string(out, "Scope", "local");
	default_string(out, "CreatedAt", ZERO_TIME);
	default_object(out, "Labels");
	default_object(out, "Options");
	return out;
}

json_t *conv_volume_list(json_t *docs)
{
	json_t *vols = json_array(), *x;
	size_t i;

	json_array_foreach(docs, i, x)
	{
		json_t *v = conv_volume_json(x);
		if (v && json_array_append_new(vols, v) < 0)
			break;
	}
	return json_pack("{s:o,s:[]}", "Volumes", vols, "Warnings");
}
