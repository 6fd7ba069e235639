/* conv_json.c - typed reads of Docker's request bodies (see conv_int.h). */
#include <stdio.h>
#include <strings.h>

#include "conv_int.h"

json_t *conv_member(json_t *o, const char *key)
{
	const char *k;
	json_t *v = json_object_get(o, key), *x;

	/* the loop leaves its variable at the last member: not a match */
	if (!v && json_is_object(o))
		json_object_foreach(o, k, x) if (!strcasecmp(k, key))
		{
			v = x;
			break;
		}
	return json_is_null(v) ? NULL : v;
}

static const char *type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

const char *conv_path(const char *where, const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", where, *where ? "." : "", key);
	return buf;
}

int conv_type_err(const char *where, const char *key, const char *want, json_t *v,
		  struct brig_err *e)
{
	char path[256];

	return brig_errf(e, EINVAL, "%s: expected %s, got %s",
			 conv_path(where, key, path, sizeof(path)), want, type_name(v));
}

int conv_get_string(json_t *o, const char *key, const char *where, const char **out,
		    struct brig_err *e)
{
	json_t *v = conv_member(o, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return conv_type_err(where, key, "a string", v, e);
	*out = json_string_value(v);
	return 0;
}

int conv_get_bool(json_t *o, const char *key, const char *where, bool *out, struct brig_err *e)
{
	json_t *v = conv_member(o, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return conv_type_err(where, key, "a boolean", v, e);
	*out = json_is_true(v);
	return 0;
}

int conv_get_int(json_t *o, const char *key, const char *where, int64_t *out, bool *given,
		 struct brig_err *e)
{
	json_t *v = conv_member(o, key);

	if (given)
		*given = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return conv_type_err(where, key, "an integer", v, e);
	*out = (int64_t)json_integer_value(v);
	if (given)
		*given = true;
	return 0;
}

int conv_get_object(json_t *o, const char *key, const char *where, json_t **out, struct brig_err *e)
{
	json_t *v = conv_member(o, key);

	if (!v)
		return 0;
	if (!json_is_object(v))
		return conv_type_err(where, key, "an object", v, e);
	*out = v;
	return 0;
}

/* every element a string (or null, skipped where used) */
static int check_strings(json_t *a, const char *where, const char *key, struct brig_err *e)
{
	char path[256];
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x) if (!json_is_string(x) && !json_is_null(x)) return brig_errf(
	    e, EINVAL, "%s[%zu]: expected a string, got %s",
	    conv_path(where, key, path, sizeof(path)), i, type_name(x));
	return 0;
}

int conv_get_strings(json_t *o, const char *key, const char *where, json_t **out,
		     struct brig_err *e)
{
	json_t *v = conv_member(o, key);

	if (!v)
		return 0;
	if (!json_is_array(v))
		return conv_type_err(where, key, "an array of strings", v, e);
	if (check_strings(v, where, key, e) < 0)
		return -e->code;
	*out = v;
	return 0;
}

int conv_get_strslice(json_t *o, const char *key, const char *where, json_t **out,
		      struct brig_err *e)
{
	json_t *v = conv_member(o, key);

	if (!v)
		return 0;
	if (json_is_string(v)) {
		*out = json_pack("[O]", v);
		return *out ? 0 : brig_errf(e, ENOMEM, "out of memory");
	}
	if (!json_is_array(v))
		return conv_type_err(where, key, "a string or an array of strings", v, e);
	if (check_strings(v, where, key, e) < 0)
		return -e->code;
	*out = json_incref(v);
	return 0;
}

int conv_get_string_map(json_t *o, const char *key, const char *where, json_t **out,
			struct brig_err *e)
{
	char path[256];
	const char *k;
	json_t *v = conv_member(o, key), *x;

	if (!v)
		return 0;
	if (!json_is_object(v))
		return conv_type_err(where, key, "an object", v, e);
	json_object_foreach(v, k, x) if (!json_is_string(x) && !json_is_null(x)) return brig_errf(
	    e, EINVAL, "%s[\"%s\"]: expected a string, got %s",
	    conv_path(where, key, path, sizeof(path)), k, type_name(x));
	*out = v;
	return 0;
}
