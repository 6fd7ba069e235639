/* lab_record.c - a lab's record under <root>/labs/ (lab_record.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cleanup.h"
#include "io.h"
#include "lab_record.h"
#include "parse.h"
#include "spec_parse.h"
#include "util.h"

#define LAB_RECORD_MAX (64 << 20)

int lab_record_path(const struct brig_ctx *c, const char *name, const char *suffix, char *out,
		    size_t len, struct brig_err *e)
{
	int n;

	if (!valid_name(name))
		return brig_errf(e, EINVAL, "lab name '%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
				 name);
	n = snprintf(out, len, "%s/labs/%s.%s", c->root, name, suffix ? suffix : "json");
	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "lab %s: path too long", name);
	return 0;
}

int lab_lock(const struct brig_ctx *c, const char *name, struct brig_err *e)
{
	char path[PATH_MAX], dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/labs", c->root);
	if (lab_record_path(c, name, "lock", path, sizeof(path), e) < 0)
		return -e->code;
	if (mkdir_p(dir, 0700, e) < 0)
		return brig_err_ctx(e, "lab %s", name);
	return lock_file(path, e);
}

int lab_strv_add(char ***v, size_t *n, const char *s, struct brig_err *e)
{
	char *copy = strdup(s);

	if (!copy)
		return brig_errf(e, ENOMEM, "out of memory");
	if (spec_list_add(v, n, copy, e) < 0) {
		free(copy);
		return -e->code;
	}
	return 0;
}

const char *lab_end_cidr(const struct lab_rec_end *end, char *buf)
{
	if (!end->ipv4) {
		buf[0] = '\0';
		return buf;
	}
	return net_prefix_str(end->ipv4, end->prefix, buf);
}

const char *lab_end_cidr6(const struct lab_rec_end *end, char *buf)
{
	if (!end->has_ipv6) {
		buf[0] = '\0';
		return buf;
	}
	return net_prefix6_str(&end->ipv6, end->prefix6, buf);
}

void lab_mark(const char *lab, char *buf)
{
	snprintf(buf, LAB_MARK_MAX, "brig-lab:%s", lab);
}

/* ---- writing ---- */

static json_t *strv_json(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *end_json(const struct lab_rec_end *end)
{
	json_t *j = json_pack("{s:s,s:s}", "node", end->node, "interface", end->ifname);
	char cidr[20], cidr6[NET_CIDR6_STRLEN];

	if (j && end->ipv4)
		json_object_set_new(j, "ipv4", json_string(lab_end_cidr(end, cidr)));
	if (j && end->has_ipv6)
		json_object_set_new(j, "ipv6", json_string(lab_end_cidr6(end, cidr6)));
	if (j && end->netem)
		json_object_set_new(j, "netem", json_string(end->netem));
	return j;
}

static json_t *link_json(const struct lab_rec_link *l)
{
	json_t *j = json_pack("{s:s,s:i,s:o}", "type", l->type, "mtu", l->mtu, "a", end_json(&l->a));

	if (j && l->b.node)
		json_object_set_new(j, "b", end_json(&l->b));
	return j;
}

static json_t *node_json(const struct lab_rec_node *n)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", n->name, "container", n->container,
			      "kind", n->kind, "image", n->image ? n->image : "");

	if (j && n->group)
		json_object_set_new(j, "group", json_string(n->group));
	return j;
}

static json_t *record_json(const struct lab_record *r)
{
	json_t *nodes = json_array(), *links = json_array();

	for (size_t i = 0; nodes && i < r->n_nodes; i++)
		json_array_append_new(nodes, node_json(&r->nodes[i]));
	for (size_t i = 0; links && i < r->n_links; i++)
		json_array_append_new(links, link_json(&r->links[i]));
	return json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:b},s:o,s:o,s:o,s:o}", "name", r->name,
			 "file", r->file ? r->file : "", "created", r->created ? r->created : "",
			 "state", r->state, "mgmt", "network",
			 r->mgmt_network ? r->mgmt_network : "", "created", r->mgmt_created,
			 "nodes", nodes, "bridges", strv_json(r->bridges, r->n_bridges),
			 "host_interfaces", strv_json(r->host_ifs, r->n_host_ifs), "links", links);
}

int lab_record_save(const struct brig_ctx *c, const struct lab_record *r, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_free char *text = NULL;
	json_t *j;

	if (lab_record_path(c, r->name, NULL, path, sizeof(path), e) < 0)
		return -e->code;
	j = record_json(r);
	text = j ? json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!text)
		return brig_errf(e, ENOMEM, "lab %s: out of memory", r->name);
	return write_atomic(path, text, strlen(text), e);
}

/* ---- reading ---- */

/* A malloc'd copy of the string at key; NULL when missing.  A failed
 * allocation clears *ok. */
static char *dup_key(json_t *j, const char *key, bool *ok)
{
	const char *v = json_string_value(json_object_get(j, key));
	char *d;

	if (!v)
		return NULL;
	if (!(d = strdup(v)))
		*ok = false;
	return d;
}

static bool strv_from(json_t *a, char ***v, size_t *n)
{
	struct brig_err e;
	size_t i;
	json_t *s;

	json_array_foreach (a, i, s)
		if (json_is_string(s) && lab_strv_add(v, n, json_string_value(s), &e) < 0)
			return false;
	return true;
}

static void end_from(json_t *j, struct lab_rec_end *end, bool *ok)
{
	const char *cidr = json_string_value(json_object_get(j, "ipv4"));
	const char *cidr6 = json_string_value(json_object_get(j, "ipv6"));
	struct brig_err e;

	end->node = dup_key(j, "node", ok);
	end->ifname = dup_key(j, "interface", ok);
	if (json_is_string(json_object_get(j, "netem")))
		end->netem = dup_key(j, "netem", ok);
	if (cidr && net_parse_addr_prefix(cidr, &end->ipv4, &end->prefix, &e) < 0)
		end->ipv4 = 0;
	end->has_ipv6 = cidr6 && net_parse_addr_prefix6(cidr6, &end->ipv6, &end->prefix6, &e) == 0;
}

static bool links_from(json_t *a, struct lab_record *r)
{
	bool ok = true;
	size_t i;
	json_t *j;

	r->links = calloc(json_array_size(a) + 1, sizeof(*r->links));
	if (!r->links)
		return false;
	json_array_foreach (a, i, j) {
		struct lab_rec_link *l = &r->links[r->n_links++];
		l->type = dup_key(j, "type", &ok);
		l->mtu = (int)json_integer_value(json_object_get(j, "mtu"));
		end_from(json_object_get(j, "a"), &l->a, &ok);
		if (json_object_get(j, "b"))
			end_from(json_object_get(j, "b"), &l->b, &ok);
	}
	return ok;
}

static bool nodes_from(json_t *a, struct lab_record *r)
{
	bool ok = true;
	size_t i;
	json_t *j;

	r->nodes = calloc(json_array_size(a) + 1, sizeof(*r->nodes));
	if (!r->nodes)
		return false;
	json_array_foreach (a, i, j) {
		struct lab_rec_node *n = &r->nodes[r->n_nodes];
		n->name = dup_key(j, "name", &ok);
		n->container = dup_key(j, "container", &ok);
		n->kind = dup_key(j, "kind", &ok);
		n->image = dup_key(j, "image", &ok);
		n->group = dup_key(j, "group", &ok);
		if (n->name && n->container && n->kind)
			r->n_nodes++;
	}
	return ok;
}

static int record_from(json_t *j, struct lab_record *r, struct brig_err *e)
{
	json_t *mgmt = json_object_get(j, "mgmt");
	bool ok = true;

	r->name = dup_key(j, "name", &ok);
	r->file = dup_key(j, "file", &ok);
	r->created = dup_key(j, "created", &ok);
	r->state = dup_key(j, "state", &ok);
	r->mgmt_network = dup_key(mgmt, "network", &ok);
	r->mgmt_created = json_is_true(json_object_get(mgmt, "created"));
	if (!ok || !nodes_from(json_object_get(j, "nodes"), r) ||
	    !links_from(json_object_get(j, "links"), r) ||
	    !strv_from(json_object_get(j, "bridges"), &r->bridges, &r->n_bridges) ||
	    !strv_from(json_object_get(j, "host_interfaces"), &r->host_ifs, &r->n_host_ifs))
		return brig_errf(e, ENOMEM, "out of memory");
	if (!r->name || !r->state)
		return brig_errf(e, EINVAL, "not a lab record");
	return 0;
}

int lab_record_load(const struct brig_ctx *c, const char *name, struct lab_record *r,
		    struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_free char *text = NULL;
	json_error_t je;
	size_t len;
	json_t *j;
	int rc;

	memset(r, 0, sizeof(*r));
	if (lab_record_path(c, name, NULL, path, sizeof(path), e) < 0)
		return -e->code;
	if (access(path, F_OK) < 0)
		return brig_errf(e, ENOENT, "lab '%s': no such lab", name);
	if (read_file_max(path, 0, LAB_RECORD_MAX, &text, &len, e) < 0)
		return -e->code;
	if (!(j = json_loadb(text, len, 0, &je)))
		return brig_errf(e, EINVAL, "%s: %s", path, je.text);
	rc = record_from(j, r, e);
	json_decref(j);
	if (rc < 0) {
		lab_record_free(r);
		return brig_err_ctx(e, "%s", path);
	}
	return 0;
}

int lab_record_remove(const struct brig_ctx *c, const char *name, struct brig_err *e)
{
	char path[PATH_MAX];

	if (lab_record_path(c, name, NULL, path, sizeof(path), e) < 0)
		return -e->code;
	if (unlink(path) < 0 && errno != ENOENT)
		return brig_errno(e, "remove %s", path);
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lab_record_list(const struct brig_ctx *c, char ***names, struct brig_err *e)
{
	char dir[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int r = 0;

	if (!(*names = calloc(1, sizeof(**names))))
		return brig_errf(e, ENOMEM, "out of memory");
	snprintf(dir, sizeof(dir), "%s/labs", c->root);
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : brig_errno(e, "read %s", dir);
	while (r == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		de->d_name[len - 5] = '\0';
		if (valid_name(de->d_name))
			r = lab_strv_add(names, &n, de->d_name, e);
	}
	closedir(d);
	qsort(*names, n, sizeof(**names), by_str);
	return r;
}

static void end_free(struct lab_rec_end *end)
{
	free(end->node);
	free(end->ifname);
	free(end->netem);
}

void lab_record_free(struct lab_record *r)
{
	for (size_t i = 0; i < r->n_nodes; i++) {
		struct lab_rec_node *n = &r->nodes[i];
		free(n->name), free(n->container), free(n->kind), free(n->image), free(n->group);
	}
	for (size_t i = 0; i < r->n_links; i++) {
		free(r->links[i].type);
		end_free(&r->links[i].a);
		end_free(&r->links[i].b);
	}
	free(r->nodes);
	free(r->links);
	strv_free(r->bridges);
	strv_free(r->host_ifs);
	free(r->name), free(r->file), free(r->created), free(r->state), free(r->mgmt_network);
	memset(r, 0, sizeof(*r));
}
