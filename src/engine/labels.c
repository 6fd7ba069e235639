/* labels.c - labels of containers and volumes (see labels.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "mountspec.h"
#include "util.h"

/* Docker has no limit; ours keeps a key a printable, bounded name. */
#define LABEL_KEY_MAX 255

static int bad_label(const char *kv, const char *why, struct brig_err *e)
{
	brig_errf(e, EINVAL, "invalid label '%s': %s", kv, why);
	mountspec_one_line(e);
	return -e->code;
}

int labels_check(const char *kv, struct brig_err *e)
{
	size_t klen = strcspn(kv, "=");
	json_t *utf8;

	if (klen == 0 || klen > LABEL_KEY_MAX)
		return bad_label(kv, "KEY=VALUE with a key of 1..255 characters", e);
	for (size_t i = 0; i < klen; i++)
		if ((unsigned char)kv[i] < 0x20 || kv[i] == 0x7f)
			return bad_label(kv, "control character in the key", e);
	/* jansson refuses a string that is not UTF-8: the record could not
	 * be written */
	if (!(utf8 = json_string(kv)))
		return bad_label(kv, "not UTF-8", e);
	json_decref(utf8);
	return 0;
}

json_t *labels_json(char *const *labels, size_t n)
{
	json_t *o = json_object();
	char key[LABEL_KEY_MAX + 1];

	for (size_t i = 0; o && i < n; i++) {
		const char *eq = strchr(labels[i], '=');

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(labels[i], "="), labels[i]);
		if (json_object_set_new(o, key, json_string(eq ? eq + 1 : "")) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int labels_from_json(json_t *o, char ***out, size_t *n)
{
	size_t len = json_object_size(o); /* 0 for no object */
	char **v;
	const char *key;
	json_t *val;

	*out = NULL;
	*n = 0;
	if (!len)
		return 0;
	if (!(v = calloc(len + 1, sizeof(*v))))
		return -ENOMEM;
	json_object_foreach(o, key, val) {
		if (!json_is_string(val))
			continue;
		if (asprintf(&v[*n], "%s=%s", key, json_string_value(val)) < 0) {
			v[*n] = NULL;
			strv_free(v);
			*n = 0;
			return -ENOMEM;
		}
		(*n)++;
	}
	*out = v;
	return 0;
}

int labels_merge(json_t *image, char *const *labels, size_t n, char ***out, size_t *n_out)
{
	json_t *o = labels_json(labels, n), *val;
	const char *key;
	int r;

	if (!o)
		return -ENOMEM;
	json_object_foreach(image, key, val) /* none when image is no object */
		if (json_is_string(val) && !json_object_get(o, key) &&
		    json_object_set(o, key, val) < 0) {
			json_decref(o);
			return -ENOMEM;
		}
	r = labels_from_json(o, out, n_out);
	json_decref(o);
	return r;
}

const char *labels_get(char *const *labels, size_t n, const char *key)
{
	size_t klen = strlen(key);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++)
		if (strncmp(labels[i], key, klen) == 0 &&
		    (labels[i][klen] == '=' || labels[i][klen] == '\0'))
			found = labels[i][klen] ? labels[i] + klen + 1 : "";
	return found;
}
