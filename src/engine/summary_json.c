/* summary_json.c - ps and network ls rows as JSON (summary_json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary_json.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void copy(char *dst, size_t len, json_t *o, const char *key)
{
	snprintf(dst, len, "%s", str(o, key));
}

static enum container_status status_of(const char *name)
{
	static const enum container_status all[] = { CONTAINER_CREATED, CONTAINER_RUNNING,
						     CONTAINER_EXITED };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, spec_status_name(all[i])) == 0)
			return all[i];
	return CONTAINER_UNKNOWN;
}

json_t *container_summary_to_json(const struct container_summary *s)
{
	json_t *addrs = json_array(), *addrs6 = json_array(), *j;

	for (size_t i = 0; addrs && i < s->n_addresses && i < MAX_NETS; i++)
		json_array_append_new(addrs, json_string(s->addresses[i]));
	for (size_t i = 0; addrs6 && i < s->n_addresses && i < MAX_NETS; i++)
		json_array_append_new(addrs6, json_string(s->addresses6[i]));
	j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:I, s:I, s:o?, s:s}", "id", s->id,
		      "name", s->name, "image", s->image, "command", s->command, "created",
		      (json_int_t)s->created, "status", spec_status_name(s->status), "oom_killed",
		      s->oom_killed, "started", (json_int_t)s->started, "finished",
		      (json_int_t)s->finished, "addresses", addrs, "ports", s->ports);
	if (j && json_object_set_new(j, "addresses6", addrs6) < 0) {
		json_decref(j);
		return NULL;
	}
	if (!j)
		json_decref(addrs6);
	if (j && s->has_exit && json_object_set_new(j, "exit_code", json_integer(s->exit_code)) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static void summary_from(json_t *o, struct container_summary *s)
{
	json_t *addrs = json_object_get(o, "addresses"), *x, *code = json_object_get(o, "exit_code");
	size_t i;

	copy(s->id, sizeof(s->id), o, "id");
	copy(s->name, sizeof(s->name), o, "name");
	copy(s->image, sizeof(s->image), o, "image");
	copy(s->command, sizeof(s->command), o, "command");
	copy(s->ports, sizeof(s->ports), o, "ports");
	s->created = json_integer_value(json_object_get(o, "created"));
	s->started = json_integer_value(json_object_get(o, "started"));
	s->finished = json_integer_value(json_object_get(o, "finished"));
	s->status = status_of(str(o, "status"));
	s->oom_killed = json_is_true(json_object_get(o, "oom_killed"));
	s->has_exit = json_is_integer(code);
	s->exit_code = (int)json_integer_value(code);
	json_array_foreach(addrs, i, x)
		if (s->n_addresses < MAX_NETS)
			snprintf(s->addresses[s->n_addresses++], sizeof(s->addresses[0]), "%s",
				 json_string_value(x) ? json_string_value(x) : "");
	json_array_foreach(json_object_get(o, "addresses6"), i, x)
		if (i < MAX_NETS)
			snprintf(s->addresses6[i], sizeof(s->addresses6[0]), "%s",
				 json_string_value(x) ? json_string_value(x) : "");
}

/* The rows of array a, each filled by fill: *v calloc'd. */
static int rows_from(json_t *a, void **v, size_t *n, size_t size, void (*fill)(json_t *, void *),
		     struct brig_err *e)
{
	size_t len = json_array_size(a), i;
	json_t *o;
	char *rows;

	*v = NULL;
	*n = 0;
	if (!json_is_array(a))
		return brig_errf(e, EINVAL, "the answer is no array of rows");
	rows = calloc(len ? len : 1, size);
	if (!rows)
		return brig_errf(e, ENOMEM, "out of memory");
	json_array_foreach(a, i, o) {
		if (!json_is_object(o)) {
			free(rows);
			return brig_errf(e, EINVAL, "row %zu of the answer is no object", i);
		}
		fill(o, rows + i * size);
	}
	*v = rows;
	*n = len;
	return 0;
}

static void container_fill(json_t *o, void *row)
{
	summary_from(o, row);
}

int container_summaries_from_json(json_t *a, struct container_summary **v, size_t *n,
				  struct brig_err *e)
{
	return rows_from(a, (void **)v, n, sizeof(**v), container_fill, e);
}

json_t *network_summary_to_json(const struct network_summary *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:b, s:b}", "name", s->name, "bridge",
			 s->bridge, "subnet", s->subnet, "gateway", s->gateway, "mtu", s->mtu,
			 "internal", s->internal, "no_gateway", s->no_gateway, "ipam_none",
			 s->ipam_none);
}

static void network_fill(json_t *o, void *row)
{
	struct network_summary *s = row;

	copy(s->name, sizeof(s->name), o, "name");
	copy(s->bridge, sizeof(s->bridge), o, "bridge");
	copy(s->subnet, sizeof(s->subnet), o, "subnet");
	copy(s->gateway, sizeof(s->gateway), o, "gateway");
	s->mtu = (int)json_integer_value(json_object_get(o, "mtu"));
	s->internal = json_is_true(json_object_get(o, "internal"));
	s->no_gateway = json_is_true(json_object_get(o, "no_gateway"));
	s->ipam_none = json_is_true(json_object_get(o, "ipam_none"));
}

int network_summaries_from_json(json_t *a, struct network_summary **v, size_t *n,
				struct brig_err *e)
{
	return rows_from(a, (void **)v, n, sizeof(**v), network_fill, e);
}
